import { randomUUID } from 'node:crypto';
import { AuditLog } from '../audit/audit-log.js';
import { advisoryLockHolder, describeHolder } from '../db/postgres/advisory-lock.js';
import { invalidIndexes, type InvalidIndex } from '../db/postgres/server-checks.js';
import type { MigrationStatus } from '../orm/types.js';
import { blockingFailures, historyProblems, missingFileProblems, type HistoryProblem } from './history-problems.js';
import { resolveAuditSettings, type ProjectOptions } from './options.js';
import { usageError } from '../errors.js';
import { nulByteProblem } from '../util/sql-text.js';
import { interruptedIndexBuild } from './index-leftover.js';
import { openWorkspace, runTarget, withSession, type RunTarget, type Workspace } from './workspace.js';

/** What `status()` takes: the project and the database. It changes nothing. */
export type StatusOptions = ProjectOptions;

/**
 * `up-to-date`: every migration is applied. `pending`: some are not applied yet. `blocked`: a
 * migration is recorded as failed, so deploys stop. `needs-baseline`: the database has tables but
 * no history table.
 */
export type DatabaseState = 'up-to-date' | 'pending' | 'blocked' | 'needs-baseline';

/** How the database's history and the migrations on disk stand. */
export interface StatusResult extends RunTarget {
  /** The ORM's history table exists in the database. */
  historyExists: boolean;
  /** The overall state; `lockstep status` exits 0 only for `up-to-date`. */
  state: DatabaseState;
  /** Every migration on disk or in the history, in order, with its state. */
  migrations: MigrationStatus[];
  /** How many migrations are in each state (counts of `migrations`). */
  counts: {
    applied: number;
    pending: number;
    failed: number;
    rolledBack: number;
    edited: number;
    missingOnDisk: number;
    outOfOrder: number;
  };
  /** What is wrong with the history: edited files, rows without a file, migrations out of order, failed runs. */
  problems: HistoryProblem[];
  /** Indexes left INVALID by a failed CONCURRENTLY build, with the statement that removes each. */
  invalidIndexes: Array<InvalidIndex & { cleanup: string }>;
  /** A deploy that holds the migration lock right now. */
  lockHeldBy: string | undefined;
  /** Tables that make a database without history non-empty (state needs-baseline). */
  existingTables: string[];
  /** What to run next when the database is blocked or needs a baseline: the recovery deploy would print. */
  next: string[];
}

/** Reads the history and the migrations on disk and says how they stand. Changes nothing. */
export async function status(options: StatusOptions = {}): Promise<StatusResult> {
  const workspace = await openWorkspace(options, 'status');
  for (const warning of workspace.warnings) workspace.emit({ type: 'warning', ...warning });
  return withSession(workspace, async (session, history) => {
    workspace.step('reading the migration history');
    const exists = await history.exists();
    const audit = await AuditLog.openExisting(session, resolveAuditSettings(workspace.config, {}), {
      runId: randomUUID(),
      command: 'status',
      orm: workspace.orm.orm,
      historyTable: history.qualifiedName,
    });
    if (!audit.enabled && audit.whyDisabled?.startsWith('the database role') && !workspace.orm.recordsFailedTransactions) {
      workspace.emit({
        type: 'warning',
        code: 'LS_AUDIT_DISABLED',
        message: `${audit.whyDisabled}, where failures of ${workspace.orm.orm} migrations are recorded: a failed migration is not shown.`,
      });
    }
    const migrations = await history.statuses(workspace.disk.migrations, audit);
    refuseUnsendable(workspace, migrations);
    const recorded = migrations.filter((m) => m.state !== 'pending');
    if (workspace.disk.migrations.length === 0) {
      const { migrationsMissingError, noMigrationsError } = await import('./no-migrations.js');
      throw recorded.length > 0 ? migrationsMissingError(workspace, recorded.length) : noMigrationsError(workspace);
    }
    const failures = { workspace, historyTable: history.qualifiedName };
    let existingTables: string[] = [];
    if (recorded.length === 0) {
      // As deploy sees it: tables without any history, which may be kept in another table.
      existingTables = await history.nonEmptyTables();
      const elsewhere = (await history.elsewhere?.(workspace.disk.migrations, existingTables)) ?? [];
      if (elsewhere.length > 0) throw (await import('./failure-messages.js')).historyElsewhereError(failures, elsewhere, exists);
    }
    const holder = await advisoryLockHolder(session, workspace.orm.lockKey).catch(() => undefined);
    const invalid = await invalidIndexes(session).catch(() => []);
    const count = (pred: (m: MigrationStatus) => boolean) => migrations.filter(pred).length;
    const failed = blockingFailures(migrations);
    const counts = {
      applied: count((m) => m.state === 'applied'),
      pending: count((m) => m.state === 'pending' || m.state === 'rolled-back'),
      failed: failed.length,
      rolledBack: count((m) => m.state === 'rolled-back'),
      edited: count((m) => m.edited),
      missingOnDisk: count((m) => m.state === 'missing-on-disk'),
      outOfOrder: count((m) => m.outOfOrder),
    };
    const state: DatabaseState =
      counts.failed > 0
        ? 'blocked'
        : existingTables.length > 0
          ? 'needs-baseline'
          : counts.pending > 0
            ? 'pending'
            : 'up-to-date';
    // The recovery texts are loaded only for a database that needs one.
    const messages = state === 'blocked' || state === 'needs-baseline' ? await import('./failure-messages.js') : undefined;
    const next =
      state === 'blocked'
        ? messages!.blockedByFailedError(failures, failed, await interruptedIndexBuild(workspace, session, failed)).recovery
        : state === 'needs-baseline'
          ? messages!.needsBaselineError(failures, existingTables, exists).recovery
          : [];
    return {
      ...runTarget(workspace, history),
      historyExists: exists,
      state,
      migrations,
      counts,
      problems: [...historyProblems(migrations), ...missingFileProblems(migrations, workspace.disk.migrations, workspace.rel)],
      invalidIndexes: invalid.map((index) => ({
        ...index,
        cleanup: `DROP INDEX CONCURRENTLY IF EXISTS "${index.schema}"."${index.name}";`,
      })),
      lockHeldBy: holder ? describeHolder(holder) : undefined,
      existingTables,
      next,
    };
  });
}

/**
 * A pending migration whose text cannot reach PostgreSQL as written (not UTF-8, or a NUL byte,
 * where the rest of the file would be dropped) is refused here as deploy refuses it, instead of
 * being listed as pending.
 */
function refuseUnsendable(workspace: Workspace, migrations: MigrationStatus[]): void {
  const waiting = new Set(migrations.filter((m) => m.state === 'pending' || m.state === 'rolled-back').map((m) => m.name));
  const problems: string[] = [];
  for (const migration of workspace.disk.migrations) {
    if (!waiting.has(migration.name) || migration.script === undefined) continue;
    const file = workspace.rel(migration.path);
    if (migration.invalidUtf8At !== undefined)
      problems.push(
        `${file} is not valid UTF-8: the first invalid byte is at offset ${migration.invalidUtf8At}. Save the file as UTF-8`,
      );
    else {
      const nul = nulByteProblem(file, migration.script);
      if (nul) problems.push(nul);
    }
  }
  if (problems.length === 0) return;
  throw usageError(
    'LS_MIGRATION_FILE',
    problems.length === 1
      ? `A pending migration cannot be applied: ${problems[0]}.`
      : `${problems.length} pending migrations cannot be applied:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    [`Fix the file${problems.length > 1 ? 's' : ''} named above, then run \`${workspace.cli('status')}\` again.`],
    { problems },
  );
}
