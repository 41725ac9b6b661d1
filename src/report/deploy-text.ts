import type { DeployEvent } from '../deploy/events.js';
import { formatDuration } from '../util/duration.js';
import { redact } from '../util/redact.js';
import type { Style } from './style.js';

export interface TextSink {
  out: (line: string) => void;
  err: (line: string) => void;
}

export function embeddedNotice(target: string): string {
  return `Using ${target}, not a server (set DATABASE_URL or pass --url to deploy to one).`;
}

/** Renders deploy events as log lines: one per migration, plus waits, retries and warnings. */
export function deployTextRenderer(sink: TextSink, style: Style): (event: DeployEvent) => void {
  let width = 0;
  const out = (line: string) => sink.out(redact(line));
  const err = (line: string) => sink.err(redact(line));
  return (event) => {
    switch (event.type) {
      case 'run-started':
        out(event.embedded ? embeddedNotice(event.target) : `Deploying ${event.orm} migrations to ${event.target}`);
        break;
      case 'warning':
        err(`${style.yellow('warning')} ${event.message}`);
        break;
      case 'lock-waiting':
        out(`Waiting for the migration lock (${formatDuration(event.waitedMs)} so far): held by ${event.holder}`);
        break;
      case 'lock-acquired':
        if (event.waitedMs >= 1000) out(`Took the migration lock after ${formatDuration(event.waitedMs)}`);
        break;
      case 'history-upgraded':
        out(event.message);
        break;
      case 'plan': {
        width = Math.max(0, ...event.pending.map((n) => n.length), event.resume ? event.resume.migration.length : 0);
        if (event.resume) out(`Resuming ${event.resume.migration} at statement ${event.resume.fromStatement}`);
        if (event.pending.length === 0 && !event.resume)
          out(`Up to date: ${event.applied} migration${event.applied === 1 ? '' : 's'} applied, nothing to do`);
        else if (event.pending.length > 0)
          out(
            `${event.pending.length} pending migration${event.pending.length === 1 ? '' : 's'} (${event.applied} already applied)`,
          );
        break;
      }
      case 'lint':
        if (event.errors || event.warnings || event.suppressed) {
          const parts = [
            `${event.errors} error${event.errors === 1 ? '' : 's'}${event.overridden ? ' (accepted)' : ''}`,
            `${event.warnings} warning${event.warnings === 1 ? '' : 's'}`,
          ];
          if (event.suppressed) parts.push(`${event.suppressed} suppressed in the SQL`);
          out(`Lint of the pending migrations: ${parts.join(', ')} (details: lockstep lint)`);
        }
        break;
      case 'migration-started':
        break;
      case 'lock-timeout': {
        const who = event.blockers.length ? `; blocked by ${event.blockers.join('; ')}` : '';
        const next = event.retryInMs === undefined ? 'no retries left' : `retrying in ${formatDuration(event.retryInMs)}`;
        out(
          `  ${style.yellow('…')} ${event.migration}: statement ${event.statement} (line ${event.line}) was not granted its lock within lock_timeout${who}; ${next}`,
        );
        break;
      }
      case 'index-already-built':
        out(
          `  ${style.yellow('…')} ${event.migration}: statement ${event.statement} (CREATE INDEX CONCURRENTLY) completed in the server after the interrupted run: the index ${event.index} is valid and as the statement defines it, so it is recorded as done`,
        );
        break;
      case 'invalid-index-dropped':
        out(
          `  ${style.yellow('…')} ${event.migration}: dropped the INVALID index ${event.index} left by an earlier failed build`,
        );
        break;
      case 'migration-applied': {
        const extras = [
          `${event.statements} statement${event.statements === 1 ? '' : 's'}`,
          event.mode === 'transaction' ? 'in one transaction' : 'statement by statement',
          ...(event.lockWaits ? [`${event.lockWaits} lock wait${event.lockWaits === 1 ? '' : 's'}`] : []),
          ...(event.retries ? [`${event.retries} retr${event.retries === 1 ? 'y' : 'ies'}`] : []),
        ];
        out(
          `  ${style.green('✓')} ${event.migration.padEnd(width)}  ${formatDuration(event.durationMs).padStart(8)}  ${style.dim(extras.join(', '))}`,
        );
        break;
      }
      case 'migration-failed':
        out(
          `  ${style.red('✗')} ${event.migration.padEnd(width)}  ${event.statement ? `failed at statement ${event.statement} (line ${event.line})` : 'failed'}`,
        );
        break;
      case 'run-finished':
        if (event.applied.length > 0)
          out(
            `Applied ${event.applied.length} migration${event.applied.length === 1 ? '' : 's'} in ${formatDuration(event.durationMs)}`,
          );
        break;
      case 'verify':
        if (event.inSync)
          out(
            `${style.green('Verified')}: the live database matches the migration history (${event.replayed} migration${event.replayed === 1 ? '' : 's'} replayed into ${event.into})`,
          );
        else
          out(
            `${style.red('Drift')}: the live database differs from the migration history in ${event.differences.length} way${event.differences.length === 1 ? '' : 's'} (${event.replayed} migration${event.replayed === 1 ? '' : 's'} replayed into ${event.into})`,
          );
        break;
      case 'app-starting':
        out(`Starting ${event.command.join(' ')}${event.database ? ` with ${event.database}` : ''}`);
        break;
    }
  };
}
