import type { PgSession } from '../db/postgres/session.js';
import type { DeployEvent } from './events.js';

/**
 * How long a run may go with migrations committed but not yet known to be on disk. A transactional
 * migration followed by others commits without waiting for the disk (synchronous_commit = off);
 * the first commit that waits, at least this long after the last, makes every earlier one durable
 * too (PostgreSQL writes its log in order), and their reports go out then.
 */
export const DURABLE_REPORT_INTERVAL_MS = 250;

/**
 * Holds back the `migration-applied` report of a migration committed without waiting for the disk
 * until a later commit has waited (or the run flushed the log): a migration is reported as applied
 * only once a server crash can no longer undo it. Other events pass through at once.
 */
export class DurableReports {
  private held: Array<Extract<DeployEvent, { type: 'migration-applied' }>> = [];
  /** Whether the migration being applied now waits for the disk when it commits. */
  waitsForDisk = true;

  constructor(private readonly sink: (event: DeployEvent) => void) {}

  readonly emit = (event: DeployEvent): void => {
    if (event.type === 'migration-applied') {
      if (!this.waitsForDisk) {
        this.held.push(event);
        return;
      }
      this.release();
    }
    this.sink(event);
  };

  /** Reports the held migrations: a commit that waited for the disk returned after theirs. */
  release(): void {
    for (const event of this.held.splice(0)) this.sink(event);
  }

  /** Committed, but not known to be on disk: a server crash may have undone them. */
  get unconfirmed(): string[] {
    return this.held.map((event) => event.migration);
  }
}

/**
 * Waits until everything committed on this server so far is on disk: a transaction that takes a
 * transaction id commits with synchronous_commit on, and its commit waits for the log up to it.
 */
export async function flushCommitted(session: PgSession): Promise<void> {
  await session.exec('BEGIN; SET LOCAL synchronous_commit = on; SELECT pg_catalog.txid_current(); COMMIT');
}
