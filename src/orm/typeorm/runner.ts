import type { AuditLog } from '../../audit/audit-log.js';
import { indexState } from '../../db/postgres/server-checks.js';
import { isPgError, type PgSession } from '../../db/postgres/session.js';
import {
  blockerText,
  describeBlockers,
  errorText,
  MigrationFailure,
  recordFailureAudit,
  recordQuietly,
  sessionTimeoutsSql,
  transactionTimeoutsSql,
  type AppliedMigration,
  type TimeoutClass,
} from '../../deploy/apply-migration.js';
import type { DeployEvent } from '../../deploy/events.js';
import type { PreparedMigration } from '../../deploy/prepare.js';
import { backoffDelay, isLockTimeout } from '../../deploy/retry.js';
import type { RunSettings } from '../../deploy/settings.js';
import { ExitCode, LockstepError } from '../../errors.js';
import { splitStatements, type SqlStatement } from '../../sql/postgres/statements.js';
import { sleep } from '../../util/sleep.js';
import { connectionLostCause, isTypeormConnectionLost } from './connection-lost.js';
import type { LoadedDataSource, TypeormQueryRunner } from './data-source-file.js';
import { reportedConnectionError } from './session.js';
import type { TypeormHistory } from './history.js';
import type { TypeormMigration } from './migration-files.js';

export type TransactionMode = 'all' | 'each' | 'none';

interface RunContext {
  session: PgSession;
  queryRunner: TypeormQueryRunner;
  dataSource: LoadedDataSource;
  history: TypeormHistory;
  settings: RunSettings;
  audit: AuditLog;
  emit: (event: DeployEvent) => void;
  rel: (path: string) => string;
}

/** What lockstep observes of a migration's up(): how many queries it sent, and the one that failed. */
class QueryTap {
  count = 0;
  /** The query that threw, if one did: a failure of up() that is not a query's names none. */
  failed: string | undefined;
  private readonly original: TypeormQueryRunner['query'];

  constructor(
    private readonly queryRunner: TypeormQueryRunner,
    /** Called before each query; may send session settings through `send`. */
    private readonly before?: (sql: string, send: (sql: string) => Promise<unknown>) => Promise<void>,
  ) {
    this.original = queryRunner.query.bind(queryRunner);
    queryRunner.query = async (sql: string, parameters?: unknown[], ...rest: unknown[]) => {
      try {
        if (this.before) await this.before(sql, (s) => this.original(s));
        const result = await (this.original as (...args: unknown[]) => Promise<unknown>)(sql, parameters, ...rest);
        this.count++;
        return result;
      } catch (error) {
        this.failed = sql;
        throw error;
      }
    };
  }

  restore(): void {
    this.queryRunner.query = this.original;
  }

  async failedStatement(): Promise<SqlStatement | undefined> {
    if (!this.failed) return undefined;
    try {
      return (await splitStatements(this.failed))[0];
    } catch {
      return undefined;
    }
  }
}

function prepared(
  migration: TypeormMigration,
  mode: 'transaction' | 'statements',
  rel: (path: string) => string,
  reason?: string,
): PreparedMigration {
  return {
    name: migration.name,
    file: rel(migration.path),
    checksum: '',
    statements: [],
    mode,
    modeReason: reason,
    createdAt: migration.createdAt,
  };
}

/**
 * Applies pending TypeORM migrations through TypeORM's own QueryRunner, honouring
 * migrationsTransactionMode (all, each, none) and each migration's `transaction` property as
 * TypeORM does, with lockstep's timeouts, lock retries and audit.
 */
export async function applyTypeormMigrations(
  pending: TypeormMigration[],
  mode: TransactionMode,
  ctx: RunContext,
): Promise<AppliedMigration[]> {
  if (pending.length === 0) return [];
  const builder = ctx.dataSource.driver.createSchemaBuilder();
  if (builder.createMetadataTableIfNecessary) await builder.createMetadataTableIfNecessary(ctx.queryRunner);
  if (mode === 'all') {
    const overriding = pending.filter((m) => m.transaction !== undefined);
    if (overriding.length > 0) {
      throw new LockstepError({
        code: 'LS_TYPEORM_TRANSACTION_MODE',
        message: `migrationsTransactionMode is "all", but ${overriding.map((m) => m.name).join(', ')} set${overriding.length === 1 ? 's' : ''} its own \`transaction\` property; TypeORM refuses this combination too (ForbiddenTransactionModeOverrideError).`,
        state: 'Unchanged: lockstep applied nothing.',
        recovery: [
          'Set migrationsTransactionMode: "each" in the data source, so that a migration may opt out of its transaction, or remove the property.',
        ],
        exitCode: ExitCode.Usage,
      });
    }
    return inOneTransaction(pending, ctx);
  }
  const applied: AppliedMigration[] = [];
  for (const migration of pending) {
    const transactional = migration.transaction ?? mode === 'each';
    applied.push(transactional ? (await inOneTransaction([migration], ctx))[0]! : await withoutTransaction(migration, ctx));
  }
  return applied;
}

/**
 * One transaction around `migrations` and their rows; on a lock timeout, all of it is rolled back
 * and tried again. The history rows and audit rows go in one batch before COMMIT.
 */
async function inOneTransaction(migrations: TypeormMigration[], ctx: RunContext): Promise<AppliedMigration[]> {
  const began = performance.now();
  let lockWaits = 0;
  let auditInBatch = ctx.audit.enabled;
  for (let attempt = 1; ; attempt++) {
    const done: Array<{ migration: TypeormMigration; statements: number; durationMs: number }> = [];
    let current: TypeormMigration | undefined;
    let finishing = false;
    const tap = new QueryTap(ctx.queryRunner);
    try {
      await ctx.queryRunner.startTransaction();
      await ctx.session.exec(transactionTimeoutsSql(ctx.settings));
      for (const migration of migrations) {
        current = migration;
        ctx.emit({ type: 'migration-started', migration: migration.name, mode: 'transaction', statements: 0, fromStatement: 1 });
        const started = performance.now();
        const before = tap.count;
        await new migration.migrationClass().up(ctx.queryRunner);
        done.push({ migration, statements: tap.count - before, durationMs: performance.now() - started });
      }
      current = undefined;
      finishing = true;
      tap.restore();
      const rows = done.flatMap((d) => [
        ctx.history.insertRowSql(d.migration.name, d.migration.createdAt ?? 0),
        auditInBatch
          ? ctx.audit.recordSql({
              event: 'migration-applied',
              migration: d.migration.name,
              attempt,
              statementsTotal: d.statements,
              statementsDone: d.statements,
              durationMs: d.durationMs,
              lockWaits,
            })
          : undefined,
      ]);
      await ctx.session.exec(rows.filter(Boolean).join(';\n'));
      await ctx.queryRunner.commitTransaction();
      if (ctx.audit.enabled && !auditInBatch) {
        ctx.audit.disable("its rows could not be written inside the migrations' transaction");
        ctx.emit({
          type: 'warning',
          code: 'LS_AUDIT_DISABLED',
          message: "lockstep's audit rows could not be written; continuing without the audit log.",
        });
      }
      return done.map((d) => {
        const result: AppliedMigration = {
          name: d.migration.name,
          mode: 'transaction',
          durationMs: migrations.length === 1 ? performance.now() - began : d.durationMs,
          statements: d.statements,
          lockWaits,
          retries: attempt - 1,
        };
        ctx.emit({
          type: 'migration-applied',
          migration: result.name,
          mode: 'transaction',
          durationMs: result.durationMs,
          statements: result.statements,
          lockWaits,
          retries: result.retries,
        });
        return result;
      });
    } catch (error) {
      tap.restore();
      const failing = current ?? migrations[migrations.length - 1]!;
      const failedQuery = finishing ? undefined : await tap.failedStatement();
      const migration = prepared(failing, 'transaction', ctx.rel);
      if (isTypeormConnectionLost(error)) {
        throw new MigrationFailure({
          migration,
          kind: 'connection-lost',
          cause: connectionLostCause(error, reportedConnectionError(ctx.queryRunner)),
          failedQuery,
          statementsDone: 0,
          attempts: attempt,
        });
      }
      if (ctx.queryRunner.isTransactionActive) await ctx.queryRunner.rollbackTransaction().catch(() => undefined);
      if (finishing && auditInBatch) {
        // A history row or an audit row failed: try once more without the audit rows to tell which.
        auditInBatch = false;
        attempt--;
        continue;
      }
      if (isLockTimeout(error)) {
        lockWaits++;
        const blockers = await describeBlockers(ctx.session, failedQuery);
        const delay =
          attempt <= ctx.settings.lockRetries
            ? backoffDelay(attempt, ctx.settings.retryDelayMs, ctx.settings.retryMaxDelayMs)
            : undefined;
        ctx.emit({
          type: 'lock-timeout',
          migration: failing.name,
          statement: tap.count + 1,
          line: 0,
          attempt,
          retryInMs: delay,
          blockers: blockers.map(blockerText),
        });
        await recordQuietly(ctx, {
          event: 'lock-retry',
          migration: failing.name,
          attempt,
          errorCode: isPgError(error) ? error.code : undefined,
          errorMessage: errorText(error),
        });
        if (delay !== undefined) {
          await sleep(delay);
          continue;
        }
        const failure = new MigrationFailure({
          migration,
          kind: 'lock-timeout',
          cause: error,
          failedQuery,
          statementsDone: 0,
          attempts: attempt,
          blockers,
        });
        await recordFailureAudit(ctx, failure, lockWaits);
        throw failure;
      }
      const failure = new MigrationFailure({
        migration,
        kind: 'statement-error',
        cause: error,
        failedQuery,
        statementsDone: 0,
        attempts: attempt,
      });
      await recordFailureAudit(ctx, failure, lockWaits);
      throw failure;
    }
  }
}

/**
 * A migration outside a transaction (`transaction = false`, or mode none): its queries run one by
 * one with the timeouts their kind needs. A failure part-way leaves some queries in effect, so it
 * is recorded in the audit log and blocks the next deploy until it is resolved.
 */
async function withoutTransaction(migration: TypeormMigration, ctx: RunContext): Promise<AppliedMigration> {
  const began = performance.now();
  const reason = migration.transaction === false ? 'its `transaction` property is false' : 'migrationsTransactionMode is "none"';
  const migrationInfo = prepared(migration, 'statements', ctx.rel, reason);
  ctx.emit({ type: 'migration-started', migration: migration.name, mode: 'statements', statements: 0, fromStatement: 1 });
  await recordQuietly(ctx, { event: 'migration-started', migration: migration.name, statementsDone: 0 });
  let timeoutClass: TimeoutClass | undefined;
  const tap = new QueryTap(ctx.queryRunner, async (sql, send) => {
    let wanted: TimeoutClass = 'blocking';
    try {
      wanted = (await splitStatements(sql)).some((s) => s.nonBlocking) ? 'non-blocking' : 'blocking';
    } catch {
      /* not parseable here; the server will say */
    }
    if (wanted !== timeoutClass) {
      await send(sessionTimeoutsSql(wanted, ctx.settings));
      timeoutClass = wanted;
    }
  });
  try {
    await new migration.migrationClass().up(ctx.queryRunner);
  } catch (error) {
    tap.restore();
    const failedQuery = await tap.failedStatement();
    let invalidIndex: { schema: string; name: string } | undefined;
    const target = failedQuery?.concurrentIndex;
    if (target?.name) {
      const state = await indexState(ctx.session, target, target.name).catch(() => undefined);
      if (state && !state.valid) invalidIndex = { schema: state.schema, name: target.name };
    }
    const kind = isTypeormConnectionLost(error) ? 'connection-lost' : isLockTimeout(error) ? 'lock-timeout' : 'statement-error';
    const cause = kind === 'connection-lost' ? connectionLostCause(error, reportedConnectionError(ctx.queryRunner)) : error;
    const failure = new MigrationFailure({
      migration: migrationInfo,
      kind,
      cause,
      failedQuery,
      statementsDone: tap.count,
      attempts: 1,
      invalidIndex,
    });
    if (kind !== 'connection-lost') await recordFailureAudit(ctx, failure, kind === 'lock-timeout' ? 1 : 0);
    throw failure;
  } finally {
    tap.restore();
    if (timeoutClass !== undefined) await ctx.session.exec('RESET lock_timeout; RESET statement_timeout').catch(() => undefined);
  }
  await ctx.history.insertRow(migration.name, migration.createdAt ?? 0);
  const durationMs = performance.now() - began;
  await recordQuietly(ctx, {
    event: 'migration-applied',
    migration: migration.name,
    statementsTotal: tap.count,
    statementsDone: tap.count,
    durationMs,
    detail: { mode: 'statements' },
  });
  ctx.emit({
    type: 'migration-applied',
    migration: migration.name,
    mode: 'statements',
    durationMs,
    statements: tap.count,
    lockWaits: 0,
    retries: 0,
  });
  return { name: migration.name, mode: 'statements', durationMs, statements: tap.count, lockWaits: 0, retries: 0 };
}
