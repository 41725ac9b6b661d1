import { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { DetectResult } from '../../project/describe-project.js';
import { styleFor, type Style } from '../../report/style.js';
import { redact } from '../../util/redact.js';
import { addCommonOptions, printJson, projectOptions, reportFailure, stdout, type CommonFlags } from '../common.js';

function render(result: DetectResult, style: Style): string {
  const lines = [`Project ${result.projectRoot}`];
  for (const orm of result.orms) {
    lines.push('');
    lines.push(`${style.bold(orm.orm)}${orm.orm === result.chosen ? style.green('  (used by lockstep)') : ''}`);
    lines.push(`  evidence:       ${orm.evidence.join(', ') || '-'}`);
    if (orm.configFile) lines.push(`  config loaded:  ${orm.configFile}${orm.configRead ? ` (${orm.configRead})` : ''}`);
    lines.push(`  dialect:        ${orm.dialect ?? 'unknown'}`);
    if (orm.migrations)
      lines.push(
        `  migrations:     ${orm.migrations.location} (${orm.migrations.exists ? `${orm.migrations.count} migration${orm.migrations.count === 1 ? '' : 's'}` : 'not found'})`,
      );
    if (orm.historyTable) lines.push(`  history table:  ${orm.historyTable}`);
    if (orm.databaseUrlFrom) lines.push(`  database URL:   ${orm.databaseUrlFrom}`);
    for (const problem of orm.problems) lines.push(`  ${style.yellow('problem:')}        ${problem}`);
  }
  if (result.note) lines.push('', result.note);
  return redact(lines.join('\n'));
}

export function detectCommand(): Command {
  const command = new Command('detect')
    .summary('show which ORM the project uses, where its migrations are, and where the database URL comes from')
    .description(
      'Finds Prisma, Drizzle and TypeORM in the project (dependencies, config files, schema files), evaluates their ' +
        'configuration, and shows the dialect, the migrations, the history table and the source of the database URL ' +
        '(never the URL itself). Exit code: 0 when an ORM was found, 2 when none was, or when the project is for a ' +
        'database lockstep does not support yet (MySQL/MariaDB, SQLite).',
    )
    .action(async (flags: CommonFlags) => {
      const json = Boolean(flags.json);
      try {
        const options = projectOptions(flags);
        const { detect } = await import('../../project/describe-project.js');
        const result = await detect({
          ...(options.project ? { project: options.project } : {}),
          ...(options.orm ? { orm: options.orm } : {}),
          ...(options.config ? { config: options.config } : {}),
        });
        if (json) printJson(result);
        else stdout(render(result, styleFor(process.stdout)));
        // A project lockstep cannot deploy (another database than PostgreSQL) is not "found".
        const chosen = result.orms.find((o) => o.orm === result.chosen);
        process.exitCode = result.orms.length > 0 && (!chosen || chosen.supported) ? ExitCode.Ok : ExitCode.Usage;
      } catch (error) {
        reportFailure(error, json);
      }
    });
  return addCommonOptions(command);
}
