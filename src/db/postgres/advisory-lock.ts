import { sha256Hex } from '../../util/hash.js';
import { sleep } from '../../util/sleep.js';
import type { PgSession } from './session.js';

/** Prisma Migrate's advisory lock key on PostgreSQL; sharing it makes lockstep and `prisma migrate` exclude each other. */
export const PRISMA_LOCK_KEY = 72707369n;

/**
 * An advisory lock key of lockstep's own for a history table. Drizzle and TypeORM take no lock,
 * so lockstep serialises its own commands per history table (schema-per-tenant deploys do not
 * wait for each other): deploy, resolve and baseline take it, status reports who holds it.
 */
export function lockstepLockKey(historyTable: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${sha256Hex(`lockstep:${historyTable}`).slice(0, 16)}`));
}

/** The session that holds an advisory lock, as pg_stat_activity describes it. */
export interface LockHolder {
  pid: number;
  applicationName: string;
  user: string | null;
  clientAddress: string | null;
  /** When the holding session connected: a session-level lock is held at most since then. */
  connectedAt: Date | null;
  state: string | null;
  stateSince: Date | null;
}

export interface AcquireOptions {
  /** How long to wait in total; 0 tries once. */
  waitMs: number;
  /** Called about every `reportEveryMs` while waiting, with the current holder (if visible). */
  onWaiting?: (holder: LockHolder | undefined, waitedMs: number) => void;
  reportEveryMs?: number;
}

export type AcquireResult =
  | { acquired: true; waitedMs: number }
  | { acquired: false; waitedMs: number; holder: LockHolder | undefined };

/** The two 32-bit halves pg_locks shows a bigint advisory key as: classid and objid. */
export function advisoryLockParts(key: bigint): [number, number] {
  return [Number((key >> 32n) & 0xffffffffn), Number(key & 0xffffffffn)];
}

/**
 * Takes a session-level advisory lock on `session`, polling pg_try_advisory_lock with growing,
 * jittered pauses so that the wait is bounded and the holder can be reported while waiting.
 */
export async function acquireAdvisoryLock(session: PgSession, key: bigint, options: AcquireOptions): Promise<AcquireResult> {
  const started = Date.now();
  const reportEvery = options.reportEveryMs ?? 5000;
  let nextReport = Math.min(1000, reportEvery);
  let pause = 25;
  for (;;) {
    const [row] = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key.toString()]);
    const waited = Date.now() - started;
    if (row?.locked) return { acquired: true, waitedMs: waited };
    if (waited >= options.waitMs) return { acquired: false, waitedMs: waited, holder: await advisoryLockHolder(session, key) };
    if (options.onWaiting && waited >= nextReport) {
      options.onWaiting(await advisoryLockHolder(session, key), waited);
      nextReport = waited + reportEvery;
    }
    await sleep(Math.min(pause * (0.5 + Math.random()), Math.max(1, options.waitMs - waited)));
    pause = Math.min(pause * 2, 1000);
  }
}

export async function releaseAdvisoryLock(session: PgSession, key: bigint): Promise<void> {
  await session.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]);
}

export async function advisoryLockHolder(session: PgSession, key: bigint): Promise<LockHolder | undefined> {
  const [classid, objid] = advisoryLockParts(key);
  const rows = await session.query<{
    pid: number;
    application_name: string;
    usename: string | null;
    client_addr: string | null;
    backend_start: Date | null;
    state: string | null;
    state_change: Date | null;
  }>(
    `SELECT a.pid, a.application_name, a.usename, host(a.client_addr) AS client_addr, a.backend_start, a.state, a.state_change
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.pid <> pg_backend_pid()
      LIMIT 1`,
    [classid, objid],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    pid: row.pid,
    applicationName: row.application_name ?? '',
    user: row.usename,
    clientAddress: row.client_addr,
    connectedAt: row.backend_start,
    state: row.state,
    stateSince: row.state_change,
  };
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'a session that is not visible to this user';
  const parts = [`pid ${holder.pid}`];
  parts.push(holder.applicationName ? `application "${holder.applicationName}"` : 'no application name');
  if (holder.user) parts.push(`user ${holder.user}`);
  if (holder.clientAddress) parts.push(`from ${holder.clientAddress}`);
  if (holder.connectedAt) parts.push(`connected since ${holder.connectedAt.toISOString()}`);
  if (holder.state) parts.push(`${holder.state}${holder.stateSince ? ` since ${holder.stateSince.toISOString()}` : ''}`);
  return parts.join(', ');
}
