import { Command, Option } from 'commander';
import { ExitCode, usageError } from '../../errors.js';
import type { OrmName } from '../../orm/adapter.js';
import { styleFor } from '../../report/style.js';
import { reportFailure, stdout } from '../common.js';

interface LintFlags {
  project?: string;
  cwd?: string;
  orm?: string;
  config?: string;
  url?: string;
  since?: string;
  format: string;
  json?: boolean;
  failOn: string;
  runner?: string;
  pgVersion?: string;
  explain?: string;
  listRules?: boolean;
  stdinFilename?: string;
}

const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab'];
const RUNNER_CHOICES = ['lockstep', 'prisma', 'drizzle', 'typeorm', 'psql'];

export function lintCommand(): Command {
  return new Command('lint')
    .summary('find migrations that lose data, lock busy tables or break the running app')
    .description(
      "Lints migration SQL with PostgreSQL's own parser. Without files, lints the project's pending migrations (all of them when no database URL is configured); with --since, the migration files a branch added or changed.\n\n" +
        "With a database (--url, or the project's URL for pending migrations), findings name each table's size and lock hazards are graded by it.\n\n" +
        'Suppress a reviewed finding in the SQL with a comment: -- lockstep-ignore RULE: reason\n\n' +
        'Exit code: 0 no error-level finding, 1 error-level findings or syntax errors, 2 usage or configuration error. With --fail-on warning or info, findings at that level exit 1 too.',
    )
    .argument('[files...]', 'migration files or directories of them; - reads stdin')
    .option(
      '-p, --project <dir>',
      'the project directory: lockstep.config.json, and its migrations when no files are named (default: the current directory)',
    )
    .addOption(new Option('--cwd <dir>', 'same as --project'))
    .addOption(
      new Option('--orm <orm>', 'the ORM whose migrations to lint, when the project has several').choices([
        'prisma',
        'drizzle',
        'typeorm',
      ]),
    )
    .option(
      '--url <url>',
      'database to read table sizes from (and, without files, to find the pending migrations on); never printed',
    )
    .option('--since <ref>', 'lint the migration files added or changed between <ref> and HEAD (git), e.g. origin/main')
    .option(
      '--config <file>',
      "the ORM's config file, as its CLI takes it: drizzle-kit --config, typeorm -d, prisma --config or --schema",
    )
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--json', 'same as --format json')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 on a finding of this severity or above')
        .choices(['error', 'warning', 'info'])
        .default('error'),
    )
    .addOption(
      new Option(
        '--runner <runner>',
        'what runs the migrations, which decides transactions and timeouts (default: lint.runner in lockstep.config.json, else lockstep)',
      ).choices(RUNNER_CHOICES),
    )
    .option(
      '--pg-version <version>',
      "PostgreSQL major version the migrations target (default: lint.postgresVersion, else the database's, else 14)",
    )
    .option('--explain <rule>', 'print what a rule flags, why, and the safe alternative, then exit')
    .option('--list-rules', 'list every rule with its default severity, then exit')
    .option('--stdin-filename <path>', "the path to report stdin's findings under (default: <stdin>)")
    .action(async (files: string[], flags: LintFlags) => {
      const format = flags.json ? 'json' : flags.format;
      try {
        const code = await runLint(files, flags, format);
        process.exitCode = code;
      } catch (error) {
        reportFailure(error, format === 'json');
      }
    });
}

async function runLint(files: string[], flags: LintFlags, format: string): Promise<number> {
  // The parser compiles in the background while the rules load and the files are read.
  if (!flags.listRules && flags.explain === undefined) (await import('../../sql/postgres/parser.js')).preloadParser();
  const { allRules, findRule, closestRule } = await import('../../lint/registry.js');
  if (flags.listRules) {
    if (format === 'json') {
      stdout(
        JSON.stringify(
          allRules().map(({ meta }) => ({
            id: meta.id,
            severity: meta.severity,
            category: meta.category,
            summary: meta.summary,
            sizeGraded: meta.sizeGraded,
            equivalents: meta.equivalents,
          })),
        ),
      );
    } else {
      const { listRules } = await import('../../report/lint-explain.js');
      stdout(listRules(allRules(), styleFor(process.stdout)));
    }
    return ExitCode.Ok;
  }
  if (flags.explain !== undefined) {
    const rule = findRule(flags.explain);
    if (!rule) {
      const near = closestRule(flags.explain);
      throw usageError('LS_UNKNOWN_RULE', `There is no lint rule "${flags.explain}".`, [
        near ? `Did you mean \`lockstep lint --explain ${near}\`?` : 'Run `lockstep lint --list-rules` for the rule ids.',
      ]);
    }
    if (format === 'json') stdout(JSON.stringify(rule.meta));
    else {
      const { explainRule } = await import('../../report/lint-explain.js');
      stdout(explainRule(rule, styleFor(process.stdout)));
    }
    return ExitCode.Ok;
  }

  const { parsePostgresVersion, MIN_PG_VERSION, MAX_PG_VERSION } = await import('../../lint/config.js');
  let postgresVersion: number | undefined;
  if (flags.pgVersion !== undefined) {
    postgresVersion = parsePostgresVersion(flags.pgVersion);
    if (postgresVersion === undefined) {
      throw usageError(
        'LS_BAD_OPTION',
        `--pg-version "${flags.pgVersion}" is not a PostgreSQL major version from ${MIN_PG_VERSION} to ${MAX_PG_VERSION}.`,
        ['Pass the major version, e.g. --pg-version 16.'],
      );
    }
  }
  const { lint } = await import('../../lint/lint.js');
  const project = flags.project ?? flags.cwd;
  const report = await lint({
    ...(project ? { project } : {}),
    ...(flags.orm ? { orm: flags.orm as OrmName } : {}),
    ...(flags.config ? { config: flags.config } : {}),
    ...(flags.url !== undefined ? { url: flags.url } : {}),
    ...(flags.since ? { since: flags.since } : {}),
    files,
    stdin: readStdin,
    ...(flags.stdinFilename ? { stdinFilename: flags.stdinFilename } : {}),
    ...(flags.runner ? { runner: flags.runner as 'lockstep' } : {}),
    ...(postgresVersion !== undefined ? { postgresVersion } : {}),
  });

  if (format === 'json') {
    const { renderLintJson } = await import('../../report/lint-json.js');
    stdout(renderLintJson(report));
  } else if (format === 'sarif') {
    const { renderLintSarif } = await import('../../report/lint-sarif.js');
    const { lintDocsUrl } = await import('../../lint/docs-url.js');
    stdout(renderLintSarif(report, { docsUrl: lintDocsUrl() }));
  } else if (format === 'github') {
    const { renderLintGithub } = await import('../../report/lint-github.js');
    stdout(renderLintGithub(report, styleFor(process.stdout)));
  } else if (format === 'gitlab') {
    const { renderLintGitlab } = await import('../../report/lint-gitlab.js');
    stdout(renderLintGitlab(report));
  } else {
    const { renderLintText } = await import('../../report/lint-text.js');
    stdout(renderLintText(report, styleFor(process.stdout)));
  }
  const { failsAt } = await import('../../report/fail-on.js');
  return report.failed || failsAt(report.findings, flags.failOn as 'error') ? ExitCode.Failed : ExitCode.Ok;
}

let stdinCache: Buffer | undefined;

async function readStdin(): Promise<Buffer> {
  if (stdinCache) return stdinCache;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  stdinCache = Buffer.concat(chunks);
  return stdinCache;
}
