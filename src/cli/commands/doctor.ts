import { Command, Option } from 'commander';
import { ExitCode, usageError } from '../../errors.js';
import { styleFor } from '../../report/style.js';
import { reportFailure, stderr, stdout } from '../common.js';

interface DoctorFlags {
  project?: string;
  cwd?: string;
  format: string;
  json?: boolean;
  failOn: string;
  fix?: boolean;
  dryRun?: boolean;
  only?: string;
  listChecks?: boolean;
  explain?: string;
}

const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab'];

export function doctorCommand(): Command {
  return new Command('doctor')
    .summary('find the ORM-specific production mistakes in the project before they ship')
    .description(
      'Reads the project (package.json scripts of the root and its workspaces, the ORM configuration and the JavaScript/TypeScript sources, Dockerfiles, Procfile, compose files, GitHub Actions and GitLab CI deploy jobs, Kubernetes manifests and Helm charts, .gitignore and .dockerignore) and reports each mistake that breaks production with its file and line, why it fails and the fix: `prisma db push` or `drizzle-kit push` in a production path, an unawaited drizzle migrate(), TypeORM synchronize, migrations that are not shipped, an app that starts before its migrations or even when they failed, and more.\n\n' +
        'Never connects to a database and needs no environment variable.\n\n' +
        'Exit code: 0 no error-level finding, 1 error-level findings, 2 usage or configuration error. With --fail-on warning or info, findings at that level exit 1 too.',
    )
    .option('-p, --project <dir>', 'the project (or monorepo) directory (default: the current directory)')
    .addOption(new Option('--cwd <dir>', 'same as --project'))
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--json', 'same as --format json')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 on a finding of this severity or above')
        .choices(['error', 'warning', 'info'])
        .default('error'),
    )
    .option(
      '--fix',
      'apply the fixes that are mechanical and safe (e.g. adding `await`), printing a unified diff of each change first',
    )
    .option('--dry-run', 'with --fix: print the diffs without changing any file')
    .option('--only <checks>', 'run only these checks (comma-separated ids)')
    .option('--list-checks', 'list every check with its severity, then exit')
    .option('--explain <check>', 'print what a check finds, why it fails in production and the fix, then exit')
    .action(async (flags: DoctorFlags) => {
      const format = flags.json ? 'json' : flags.format;
      try {
        process.exitCode = await runDoctor(flags, format);
      } catch (error) {
        reportFailure(error, format === 'json');
      }
    });
}

async function runDoctor(flags: DoctorFlags, format: string): Promise<number> {
  // Implementation modules load only when the command runs, so that `lockstep --help` starts fast.
  const { allChecks, findCheck } = await import('../../doctor/registry.js');
  if (flags.listChecks) {
    if (format === 'json')
      stdout(
        JSON.stringify(
          allChecks().map(({ meta }) => ({
            id: meta.id,
            scope: meta.scope,
            severity: meta.severity,
            title: meta.title,
            fixable: meta.fixable,
          })),
        ),
      );
    else {
      const { listChecks } = await import('../../report/doctor-explain.js');
      stdout(listChecks(allChecks(), styleFor(process.stdout)));
    }
    return ExitCode.Ok;
  }
  if (flags.explain !== undefined) {
    const check = findCheck(flags.explain);
    if (!check)
      throw usageError('LS_UNKNOWN_CHECK', `There is no doctor check "${flags.explain}".`, [
        'Run `lockstep doctor --list-checks` for the check ids.',
      ]);
    if (format === 'json') stdout(JSON.stringify(check.meta));
    else {
      const { explainCheck } = await import('../../report/doctor-explain.js');
      stdout(explainCheck(check, styleFor(process.stdout)));
    }
    return ExitCode.Ok;
  }
  if (flags.dryRun && !flags.fix)
    throw usageError('LS_BAD_OPTION', '--dry-run only applies to --fix.', [
      'Run `lockstep doctor --fix --dry-run` to see the fixes without applying them.',
    ]);
  const only = flags.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of only ?? []) {
    if (!findCheck(id))
      throw usageError('LS_UNKNOWN_CHECK', `--only names "${id}", which is not a doctor check.`, [
        'Run `lockstep doctor --list-checks` for the check ids.',
      ]);
  }
  const [{ doctor }, { projectRoot }] = await Promise.all([import('../../doctor/doctor.js'), import('../../project/detect.js')]);
  const project = flags.project ?? flags.cwd;
  const options = { ...(project ? { project } : {}), ...(only ? { only } : {}) };
  let report = await doctor(options);

  if (flags.fix) {
    const { applyFixes } = await import('../../doctor/fix.js');
    const style = styleFor(process.stdout);
    const result = applyFixes(projectRoot(project), report.findings, { dryRun: Boolean(flags.dryRun) });
    const print = format === 'text' ? stdout : stderr;
    for (const file of result.files) {
      print(
        file.diff
          .split('\n')
          .map((line) =>
            line.startsWith('+') && !line.startsWith('+++')
              ? style.green(line)
              : line.startsWith('-') && !line.startsWith('---')
                ? style.red(line)
                : line,
          )
          .join('\n'),
      );
      print('');
    }
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    if (result.files.length === 0) print('No fix to apply: no finding can be repaired mechanically.');
    else if (flags.dryRun)
      print(
        `Would apply ${plural(result.applied, 'fix')} in ${plural(result.files.length, 'file')} (--dry-run: nothing was written).`,
      );
    else print(`Applied ${plural(result.applied, 'fix')} in ${plural(result.files.length, 'file')}.`);
    print('');
    if (!flags.dryRun && result.files.length > 0) report = await doctor(options);
  }

  if (format === 'json') {
    const { renderDoctorJson } = await import('../../report/doctor-json.js');
    stdout(renderDoctorJson(report));
  } else if (format === 'sarif') {
    const [{ renderDoctorSarif }, { docsPageUrl }] = await Promise.all([
      import('../../report/doctor-sarif.js'),
      import('../../lint/docs-url.js'),
    ]);
    stdout(renderDoctorSarif(report, { docsUrl: docsPageUrl('doctor.md') }));
  } else if (format === 'github') {
    const { renderDoctorGithub } = await import('../../report/doctor-github.js');
    stdout(renderDoctorGithub(report, styleFor(process.stdout)));
  } else if (format === 'gitlab') {
    const { renderDoctorGitlab } = await import('../../report/doctor-gitlab.js');
    stdout(renderDoctorGitlab(report));
  } else {
    const { renderDoctorText } = await import('../../report/doctor-text.js');
    stdout(renderDoctorText(report, styleFor(process.stdout)));
  }
  const { failsAt } = await import('../../report/fail-on.js');
  return report.failed || failsAt(report.findings, flags.failOn as 'error') ? ExitCode.Failed : ExitCode.Ok;
}
