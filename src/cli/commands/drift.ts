import { Command } from 'commander';
import type { DriftOptions } from '../../drift/drift.js';
import { usageError } from '../../errors.js';
import { styleFor } from '../../report/style.js';
import { redact } from '../../util/redact.js';
import { addCommonOptions, printJson, projectOptions, reportFailure, stderr, stdout, type CommonFlags } from '../common.js';

interface DriftFlags extends CommonFlags {
  shadowUrl?: string;
  ignore?: string[];
  comments?: boolean;
  sql?: boolean;
  schema?: boolean;
  schemaOnly?: boolean;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function driftCommand(): Command {
  const command = new Command('drift')
    .summary('prove that the live database, the migration history and the schema file agree')
    .description(
      'Replays the applied migrations into a scratch PostgreSQL that runs in this\n' +
        'process (PGlite: no CREATEDB privilege, no second server), compares its catalog\n' +
        'with the live database object by object, and compares the schema file (Prisma,\n' +
        'Drizzle) with the migrations. Changes nothing.\n' +
        'Exit code: 0 in sync, 3 drift, 1 the history could not be replayed,\n' +
        '2 usage or configuration error. Details: docs/drift.md',
    )
    .option(
      '--shadow-url <url>',
      'replay into this empty scratch database instead of PGlite (for extensions PGlite lacks); emptied again afterwards; never printed',
    )
    .option(
      '--ignore <pattern>',
      'leave out objects managed elsewhere, in every comparison (the schema file too): schema.table or table, * and ? as wildcards (repeatable)',
      collect,
    )
    .option('--comments', 'compare comments too')
    .option('--sql', 'print the statements that bring the live database back to the history (destructive ones marked)')
    .option('--no-schema', 'do not compare the schema file with the migrations')
    .option(
      '--schema-only',
      'compare only the schema file with the migrations on disk; needs no live database (a pull-request check)',
    )
    .action(async (flags: DriftFlags) => {
      const json = Boolean(flags.json);
      try {
        if (flags.schemaOnly && flags.sql)
          throw usageError(
            'LS_BAD_OPTION',
            '--sql prints statements for the live database, and --schema-only compares no live database.',
            ['Drop one of the two options.'],
          );
        if (flags.schemaOnly && flags.schema === false)
          throw usageError('LS_BAD_OPTION', '--schema-only and --no-schema contradict each other.', [
            'Drop one of the two options.',
          ]);
        const options: DriftOptions = {
          ...projectOptions(flags),
          onEvent: (event) => {
            if (event.type === 'warning' && !json) stderr(`warning ${redact(event.message)}`);
          },
          ...(flags.shadowUrl ? { shadowUrl: flags.shadowUrl } : {}),
          ...(flags.ignore && flags.ignore.length > 0 ? { ignore: flags.ignore } : {}),
          ...(flags.comments ? { comments: true } : {}),
          ...(flags.schema === false ? { schema: false } : {}),
          ...(flags.schemaOnly ? { schemaOnly: true } : {}),
        };
        // The implementation loads only when the command runs, so that `lockstep --help` starts fast.
        const [{ drift, driftExitCode }, { renderDrift, summaryLine }] = await Promise.all([
          import('../../drift/drift.js'),
          import('../../report/drift-text.js'),
        ]);
        const result = await drift(options);
        if (json) printJson(result);
        else if (flags.sql) {
          process.stdout.write(redact(result.sqlScript));
          stderr(redact(summaryLine(result, styleFor(process.stderr))));
        } else stdout(renderDrift(result, styleFor(process.stdout)));
        process.exitCode = driftExitCode(result);
      } catch (error) {
        reportFailure(error, json);
      }
    });
  return addCommonOptions(command);
}
