import { Command } from 'commander';
import type { DeployOptions } from '../../deploy/deploy.js';
import type { DeployEvent } from '../../deploy/events.js';
import { DEFAULT_RUN_SETTINGS } from '../../deploy/settings.js';
import { styleFor } from '../../report/style.js';
import {
  addCommonOptions,
  printJson,
  progress,
  projectOptions,
  reportFailure,
  stderr,
  stdout,
  type CommonFlags,
} from '../common.js';
import type { ServedEmbedded } from '../embedded-app.js';

interface DeployFlags extends CommonFlags {
  lockTimeout?: string;
  statementTimeout?: string;
  concurrentStatementTimeout?: string;
  lockRetries?: string;
  retryDelay?: string;
  retryMaxDelay?: string;
  lockWait?: string;
  strict?: boolean;
  resume?: boolean;
  allowOutOfOrder?: boolean;
  acceptLintErrors?: string;
  verify?: boolean;
  shadowUrl?: string;
  audit?: boolean;
}

const d = DEFAULT_RUN_SETTINGS;

export function deployCommand(): Command {
  const command = new Command('deploy')
    .summary('apply pending migrations safely, then optionally start the app')
    .description(
      'Applies the pending migrations under the migration lock, each with lock_timeout and statement_timeout set and ' +
        "retried when a lock is not granted in time, and records them in the ORM's own history table.\n" +
        'With `-- <command> [args]`, starts the app only after every migration succeeded. The app never gets the ' +
        'embedded database unasked; with --embedded, lockstep serves it over the PostgreSQL protocol on a local port ' +
        "for the app's lifetime and passes its URL as DATABASE_URL (for development: `lockstep deploy --embedded -- npm run dev`). " +
        'A project with no migrations on disk is refused (exit 2), never deployed as "nothing to do".',
    )
    .argument('[command...]', 'the app to start after a successful deploy (after --)')
    .option('--lock-timeout <duration>', 'lock_timeout for statements that block reads or writes', '2s')
    .option('--statement-timeout <duration>', 'statement_timeout for statements that block reads or writes', '10m')
    .option(
      '--concurrent-statement-timeout <duration>',
      'statement_timeout for CONCURRENTLY statements (they never block the app)',
      '4h',
    )
    .option('--lock-retries <n>', 'retries after a lock was not granted within the lock timeout', String(d.lockRetries))
    .option('--retry-delay <duration>', 'first pause before a retry; doubles each time, with jitter', '500ms')
    .option('--retry-max-delay <duration>', 'longest pause between retries', '15s')
    .option('--lock-wait <duration>', 'how long to wait for the migration lock held by another deploy', '5m')
    .option(
      '--strict',
      'refuse to deploy when applied migrations were edited, are missing on disk, or pending ones are out of order',
    )
    .option('--resume', 'continue a failed migration at the statement that did not complete')
    .option('--allow-out-of-order', 'apply migrations older than the newest applied one (Drizzle would skip them silently)')
    .option(
      '--accept-lint-errors <reason>',
      'apply even with error-level lint findings; the reason and the findings are recorded in the audit log',
    )
    .option(
      '--verify',
      'after applying, compare the live database with the replayed history (lockstep drift); on drift exit 3 and do not start the app',
    )
    .option('--shadow-url <url>', 'with --verify: replay into this empty scratch database instead of PGlite; never printed')
    .option('--no-audit', "do not write lockstep's audit table (lockstep.audit_log)")
    .passThroughOptions()
    .action(async (appCommand: string[], flags: DeployFlags, cmd: Command) => {
      const json = Boolean(flags.json);
      // Implementation modules load only when the command runs, so that `lockstep --help` and a no-op deploy start fast.
      const [{ deploy }, { deployTextRenderer }] = await Promise.all([
        import('../../deploy/deploy.js'),
        import('../../report/deploy-text.js'),
      ]);
      const explicit = (name: keyof DeployFlags) =>
        cmd.getOptionValueSource(name) === 'cli' ? (flags[name] as string) : undefined;
      const render = json
        ? (event: DeployEvent) => printJson({ time: new Date().toISOString(), ...event })
        : deployTextRenderer({ out: stdout, err: stderr }, styleFor(process.stdout));
      const lockRetries = explicit('lockRetries');
      const options: DeployOptions = {
        ...projectOptions(flags),
        onEvent: render,
        ...(explicit('lockTimeout') ? { lockTimeout: explicit('lockTimeout') } : {}),
        ...(explicit('statementTimeout') ? { statementTimeout: explicit('statementTimeout') } : {}),
        ...(explicit('concurrentStatementTimeout') ? { concurrentStatementTimeout: explicit('concurrentStatementTimeout') } : {}),
        ...(lockRetries !== undefined ? { lockRetries: Number(lockRetries) } : {}),
        ...(explicit('retryDelay') ? { retryDelay: explicit('retryDelay') } : {}),
        ...(explicit('retryMaxDelay') ? { retryMaxDelay: explicit('retryMaxDelay') } : {}),
        ...(explicit('lockWait') ? { lockWait: explicit('lockWait') } : {}),
        ...(flags.strict ? { strict: true } : {}),
        ...(flags.resume ? { resume: true } : {}),
        ...(flags.allowOutOfOrder ? { allowOutOfOrder: true } : {}),
        ...(flags.acceptLintErrors ? { acceptLintErrors: flags.acceptLintErrors } : {}),
        ...(flags.verify ? { verify: flags.shadowUrl ? { shadowUrl: flags.shadowUrl } : true } : {}),
        ...(flags.audit === false ? { audit: false } : {}),
      };
      // With an app to start, the embedded database is never a silent fallback.
      if (appCommand.length > 0 && options.embedded === 'auto') options.embedded = 'never';
      let served: ServedEmbedded | undefined;
      try {
        const result = await deploy(options);
        if (json) printJson({ type: 'result', ...result });
        if (appCommand.length > 0 && result.embedded) {
          // The app gets the embedded database it was deployed to, served over the PostgreSQL protocol.
          const { serveEmbeddedToApp } = await import('../embedded-app.js');
          progress().update('serving the embedded PostgreSQL to the app', { slow: true });
          served = await serveEmbeddedToApp(
            result.projectRoot,
            `deploy ${options.cliFlags ?? ''} -- ${appCommand.join(' ')}`.replace(/ +/g, ' '),
          );
          progress().update(undefined);
        }
      } catch (error) {
        reportFailure(error, json);
        return;
      }
      if (appCommand.length > 0) {
        render({ type: 'app-starting', command: appCommand, ...(served ? { database: served.description } : {}) });
        const { runApp } = await import('../exec-app.js');
        await runApp(appCommand[0]!, appCommand.slice(1), served ? { env: served.env, afterExit: served.stop } : {});
      }
    });
  return addCommonOptions(command);
}
