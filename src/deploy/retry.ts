import { isPgError, SQLSTATE } from '../db/postgres/session.js';

/**
 * Exponential backoff with jitter: attempt 1 waits about `base`, each next attempt twice as long,
 * capped at `max`. The pause is drawn from [half, full] so that replicas that collided spread out.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A failure that means "the lock was not granted in time"; the statement changed nothing. */
export function isLockTimeout(error: unknown): boolean {
  return isPgError(error) && (error.code === SQLSTATE.lockNotAvailable || error.code === SQLSTATE.deadlockDetected);
}

/** The connection itself is gone: nothing more can be written through it. */
export function isConnectionLost(error: unknown): boolean {
  // Socket errors first: EPIPE has the shape of a SQLSTATE (five upper-case letters).
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNRESET' || code === 'EPIPE') return true;
  if (isPgError(error))
    return error.code === SQLSTATE.adminShutdown || error.code === '57P02' || error.code === '08006' || error.code === '08003';
  const text = error instanceof Error ? error.message : String(error);
  return /Connection terminated|connection is closed|Client has encountered a connection error|not queryable/i.test(text);
}
