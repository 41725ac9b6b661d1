import { acquireAdvisoryLock, describeHolder, PRISMA_LOCK_KEY, releaseAdvisoryLock } from '../db/postgres/advisory-lock.js';
import type { PgSession } from '../db/postgres/session.js';
import { ExitCode, LockstepError } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import type { Workspace } from './workspace.js';

/**
 * Takes Prisma Migrate's own advisory lock on the applying session, so that lockstep, `prisma
 * migrate deploy` and other lockstep processes never apply migrations at the same time. Returns
 * the function that releases it.
 */
export async function takeMigrationLock(session: PgSession, workspace: Workspace, waitMs: number): Promise<() => Promise<void>> {
  const disabled = process.env.PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK;
  if (disabled !== undefined && disabled !== '' && disabled !== '0') {
    workspace.emit({
      type: 'warning',
      code: 'LS_LOCK_DISABLED',
      message: 'PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK is set, so no migration lock is taken: concurrent deploys are not excluded.',
    });
    return async () => undefined;
  }
  const result = await acquireAdvisoryLock(session, PRISMA_LOCK_KEY, {
    waitMs,
    onWaiting: (holder, waitedMs) => workspace.emit({ type: 'lock-waiting', holder: describeHolder(holder), waitedMs }),
  });
  if (!result.acquired) {
    throw new LockstepError({
      code: 'LS_LOCK_TIMEOUT',
      message: `The migration lock (advisory lock ${PRISMA_LOCK_KEY}, shared with prisma migrate) is held by ${describeHolder(result.holder)}; lockstep waited ${formatDuration(result.waitedMs)} for it.`,
      state: 'Unchanged: lockstep applied nothing. Another deploy may be applying migrations right now.',
      recovery: [
        `Wait for that deploy to finish and run \`${workspace.cli(workspace.command)}\` again, or wait longer with --lock-wait 15m.`,
        result.holder ? `If the holder is stuck, end its session: SELECT pg_terminate_backend(${result.holder.pid});` : 'Look for the holder in pg_locks (locktype advisory, objid 72707369).',
      ],
      exitCode: ExitCode.Blocked,
      details: { holder: result.holder ?? null },
    });
  }
  workspace.emit({ type: 'lock-acquired', waitedMs: result.waitedMs });
  return async () => {
    await releaseAdvisoryLock(session, PRISMA_LOCK_KEY).catch(() => undefined);
  };
}
