import {
  acquireAdvisoryLock,
  advisoryLockParts,
  describeHolder,
  PRISMA_LOCK_KEY,
  releaseAdvisoryLock,
} from '../db/postgres/advisory-lock.js';
import type { PgSession } from '../db/postgres/session.js';
import { ExitCode, LockstepError } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import type { Workspace } from './workspace.js';

/** The migration lock as messages name it: Prisma's own key, or lockstep's key for the history table. */
export function migrationLockText(workspace: Pick<Workspace, 'orm'>): string {
  const key = workspace.orm.lockKey;
  return key === PRISMA_LOCK_KEY
    ? `advisory lock ${key}, shared with prisma migrate`
    : `advisory lock ${key}, lockstep's lock for ${workspace.orm.historyTable}`;
}

/**
 * Takes the project's migration lock on the applying session: Prisma Migrate's own advisory lock
 * for a Prisma project (so that lockstep, `prisma migrate deploy` and other lockstep processes
 * never apply migrations at the same time), and for Drizzle and TypeORM, whose tools take none,
 * lockstep's key for the history table. deploy, resolve and baseline take it; status reports its
 * holder. Returns the function that releases it.
 */
export async function takeMigrationLock(session: PgSession, workspace: Workspace, waitMs: number): Promise<() => Promise<void>> {
  const key = workspace.orm.lockKey;
  const disabled = process.env.PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK;
  if (key === PRISMA_LOCK_KEY && disabled !== undefined && disabled !== '' && disabled !== '0') {
    workspace.emit({
      type: 'warning',
      code: 'LS_LOCK_DISABLED',
      message: 'PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK is set, so no migration lock is taken: concurrent deploys are not excluded.',
    });
    return async () => undefined;
  }
  const result = await acquireAdvisoryLock(session, key, {
    waitMs,
    onWaiting: (holder, waitedMs) => workspace.emit({ type: 'lock-waiting', holder: describeHolder(holder), waitedMs }),
  });
  if (!result.acquired) {
    const [classid, objid] = advisoryLockParts(key);
    throw new LockstepError({
      code: 'LS_LOCK_TIMEOUT',
      message: `The migration lock (${migrationLockText(workspace)}) is held by ${describeHolder(result.holder)}; lockstep waited ${formatDuration(result.waitedMs)} for it.`,
      state: 'Unchanged: lockstep applied nothing. Another deploy may be applying migrations right now.',
      recovery: [
        `Wait for that deploy to finish and run \`${workspace.cli(workspace.command)}\` again, or wait longer with --lock-wait 15m.`,
        result.holder
          ? `If the holder is stuck, end its session: SELECT pg_terminate_backend(${result.holder.pid});`
          : `Look for the holder in pg_locks (locktype advisory, classid ${classid}, objid ${objid}).`,
      ],
      exitCode: ExitCode.Blocked,
      details: { holder: result.holder ?? null, lockKey: key.toString() },
    });
  }
  workspace.emit({ type: 'lock-acquired', waitedMs: result.waitedMs });
  return async () => {
    await releaseAdvisoryLock(session, key).catch(() => undefined);
  };
}
