import { ExitCode, LockstepError } from '../errors.js';
import { redact } from '../util/redact.js';
import type { Workspace } from './workspace.js';

const READ_ONLY = new Set(['status', 'drift', 'lint', 'detect']);

/** What a broken connection left behind, when the caller knows nothing more precise. */
function defaultState(workspace: Workspace): string {
  if (workspace.command === 'deploy')
    return 'No migration was applied by this run: the connection broke before lockstep started applying one.';
  if (READ_ONLY.has(workspace.command)) return `Unchanged: lockstep ${workspace.command} only reads the database.`;
  return `Unknown: what lockstep ${workspace.command} was recording may or may not have been committed before the connection broke; \`${workspace.cli('status')}\` shows what is recorded.`;
}

/**
 * The session broke (the server restarted or ended it, or the network dropped it) outside a
 * migration's own statements, whose failures carry their own LS_CONNECTION_LOST: while lockstep
 * waited for the migration lock, paused before a retry, read the history or recorded a result.
 */
export function connectionLostError(
  workspace: Workspace,
  error: unknown,
  state: string = defaultState(workspace),
): LockstepError {
  const doing = workspace.currentStep ? ` while lockstep was ${workspace.currentStep}` : '';
  const text = redact(error instanceof Error ? error.message : String(error));
  const rerun = READ_ONLY.has(workspace.command)
    ? `run \`${workspace.cli(workspace.command)}\` again`
    : `run \`${workspace.cli('status')}\` to see what is recorded, then the command again`;
  return new LockstepError({
    code: 'LS_CONNECTION_LOST',
    message: `The connection to ${workspace.targetDescription} broke${doing}: ${text}.`,
    state,
    recovery: [
      `Check that the database is reachable (a restart, a failover, a network or pooler timeout, or pg_terminate_backend ends sessions), then ${rerun}.`,
    ],
    exitCode: ExitCode.Failed,
    cause: error,
  });
}
