import { Option, type Command } from 'commander';
import type { ProjectOptions } from '../deploy/options.js';
import type { OrmName } from '../orm/adapter.js';
import { ExitCode, isLockstepError, type LockstepError } from '../errors.js';
import type { EmbeddedMode } from '../project/database-url.js';
import { renderError } from '../report/error-text.js';
import { styleFor } from '../report/style.js';
import { redact, redactDeep } from '../util/redact.js';
import { progressDisplay, type ProgressDisplay } from './progress.js';

export interface CommonFlags {
  project?: string;
  orm?: string;
  config?: string;
  cwd?: string;
  url?: string;
  embedded?: boolean;
  json?: boolean;
}

/** Options every command takes. */
export function addCommonOptions(command: Command): Command {
  return command
    .option('-p, --project <dir>', 'the project directory (default: the current directory)')
    .addOption(new Option('--cwd <dir>', 'same as --project').hideHelp(false))
    .addOption(
      new Option('--orm <orm>', 'the ORM whose migrations to use, when the project has several').choices([
        'prisma',
        'drizzle',
        'typeorm',
      ]),
    )
    .option(
      '--config <file>',
      "the ORM's config file, as its CLI takes it: drizzle-kit --config, typeorm -d, prisma --config or --schema (default: found in the project)",
    )
    .option(
      '--url <url>',
      'database URL (default: the ORM configuration, then DATABASE_URL; an empty one is an error); never printed',
    )
    .option(
      '--embedded',
      "use the project's embedded PostgreSQL in .lockstep/pglite, even when a URL is configured (without a URL it is used unasked only at an interactive terminal, never in CI or with NODE_ENV=production)",
    )
    .option('--no-embedded', 'fail instead of using the embedded PostgreSQL when no URL is configured, even at a terminal')
    .option('--json', 'machine-readable output on stdout');
}

export function projectOptions(flags: CommonFlags): ProjectOptions {
  const project = flags.project ?? flags.cwd;
  const embedded: EmbeddedMode = flags.embedded === true ? 'always' : flags.embedded === false ? 'never' : 'auto';
  const cliFlags = [
    project ? `--project ${shellQuote(project)}` : '',
    flags.orm ? `--orm ${flags.orm}` : '',
    flags.config ? `--config ${shellQuote(flags.config)}` : '',
    flags.url ? `--url ${urlReference(flags.url)}` : '',
    flags.embedded === true ? '--embedded' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    ...(project ? { project } : {}),
    ...(flags.orm ? { orm: flags.orm as OrmName } : {}),
    ...(flags.config ? { config: flags.config } : {}),
    // An empty --url is kept: it is a configuration error, not "no --url".
    ...(flags.url !== undefined ? { url: flags.url } : {}),
    embedded,
    // Always set, even empty: messages are then written for the command line.
    cliFlags,
    onProgress: (activity, info) => progress().update(activity, info),
  };
}

/**
 * How a recovery command repeats --url without printing it: the environment variable that holds
 * the same URL (DATABASE_URL first), or a placeholder when none does.
 */
export function urlReference(url: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.DATABASE_URL === url) return '"$DATABASE_URL"';
  const name = Object.keys(env)
    .sort()
    .find((key) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && env[key] === url);
  return name ? `"$${name}"` : '"<the URL you passed>"';
}

let display: ProgressDisplay | undefined;
/** The progress line on stderr (created on first use). */
export function progress(): ProgressDisplay {
  display ??= progressDisplay(process.stderr);
  return display;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

// Through the progress display once it exists, which erases its spinner line first.
export const stdout = (line: string) =>
  display ? display.write(process.stdout, `${line}\n`) : process.stdout.write(`${line}\n`);
export const stderr = (line: string) =>
  display ? display.write(process.stderr, `${line}\n`) : process.stderr.write(`${line}\n`);

export function printJson(value: unknown): void {
  stdout(JSON.stringify(redactDeep(value)));
}

/** Prints a failure and sets the exit code. Unknown errors are reported without a stack trace. */
export function reportFailure(error: unknown, json: boolean): void {
  display?.update(undefined);
  if (isLockstepError(error)) {
    if (json) printJson({ type: 'error', error: error.toJSON() });
    else stderr(renderError(error, styleFor(process.stderr)));
    process.exitCode = error.exitCode;
    return;
  }
  const message = redact(error instanceof Error ? error.message : String(error));
  if (json) printJson({ type: 'error', error: { code: 'LS_INTERNAL', message, exitCode: ExitCode.Failed } });
  else {
    stderr(`error [LS_INTERNAL] lockstep stopped on an unexpected error: ${message}`);
    stderr('  Database: unknown; run `lockstep status` to see what is recorded.');
    stderr('  Next: run the command again with LOCKSTEP_DEBUG=1 for details, and report it if it persists.');
    if (process.env.LOCKSTEP_DEBUG && error instanceof Error && error.stack) stderr(redact(error.stack));
  }
  process.exitCode = ExitCode.Failed;
}

export type { LockstepError };
