import { errorText } from '../../deploy/apply-migration.js';
import { isConnectionLost } from '../../deploy/retry.js';
import { ExitCode, LockstepError } from '../../errors.js';

/**
 * Whether `error`, thrown by TypeORM's QueryRunner, means that the connection is gone. TypeORM
 * wraps the driver's error (QueryFailedError, with the original as `driverError`), and once its
 * PostgreSQL client has reported a broken connection it releases the QueryRunner, so that every
 * later query fails with "Query runner already released" instead.
 */
export function isTypeormConnectionLost(error: unknown): boolean {
  if (isConnectionLost(error)) return true;
  if (error instanceof LockstepError) return error.code === 'LS_CONNECTION_LOST';
  const e = error as { name?: unknown; driverError?: unknown } | undefined;
  if (e?.name === 'QueryRunnerAlreadyReleasedError') return true;
  return e?.driverError !== undefined && isConnectionLost(e.driverError);
}

/** What broke the connection, as the driver reported it, for a message. */
export function connectionLostCause(error: unknown, reported: unknown): unknown {
  if (error instanceof LockstepError && error.cause !== undefined) return error.cause;
  // "Query runner already released" says only that TypeORM gave up on the connection; the client said why.
  if ((error as { name?: unknown } | undefined)?.name === 'QueryRunnerAlreadyReleasedError' && reported !== undefined)
    return reported;
  return (error as { driverError?: unknown } | undefined)?.driverError ?? error;
}

/**
 * The connection broke while lockstep read or wrote its bookkeeping on TypeORM's connection (the
 * lock, the history table, the audit log), not while a migration ran: the server has rolled back
 * whatever was not committed and released the session's lock, and every migration reported as
 * applied before is committed with its history row.
 */
export function sessionConnectionLost(cause: unknown, command: string, cli: (args: string) => string): LockstepError {
  const again =
    command === 'status'
      ? `Run \`${cli('status')}\` again`
      : `Run \`${cli('status')}\` to see what is recorded, then \`${cli(command)}\` again`;
  return new LockstepError({
    code: 'LS_CONNECTION_LOST',
    message: `The connection to the database broke while lockstep ${command} was using it: ${errorText(cause)}.`,
    state:
      command === 'status'
        ? 'Unchanged: status changes nothing.'
        : 'No migration was running. The server rolled back whatever lockstep had not committed when the connection ended and released its migration lock; migrations reported as applied before this point are committed, each with its history row.',
    recovery: [`${again} once the database is reachable.`],
    exitCode: ExitCode.Failed,
    cause,
  });
}
