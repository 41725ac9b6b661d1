import { AuditWriteError, type AuditLog } from '../audit/audit-log.js';
import { indexState, lockBlockers, type LockBlocker } from '../db/postgres/server-checks.js';
import { SqlExpression } from '../db/postgres/literal.js';
import { execScript, isPgError, type PgSession, type ScriptProgress } from '../db/postgres/session.js';
import { referencedRelations } from '../sql/postgres/relations.js';
import type { SqlStatement } from '../sql/postgres/statements.js';
import { pgInterval } from '../util/duration.js';
import { redact } from '../util/redact.js';
import { sleep } from '../util/sleep.js';
import type { DeployEvent } from './events.js';
import { statementHashes, type MigrationMode, type PreparedMigration } from './prepare.js';
import { concurrentIndexLeftover } from './index-leftover.js';
import { backoffDelay, isConnectionLost, isLockTimeout } from './retry.js';
import type { RunSettings } from './settings.js';

/** How an ORM records a migration in its own history table. lockstep calls these at fixed points. */
export interface MigrationRecorder {
  /**
   * Transaction mode: the statement that records the migration as applied, run inside its
   * transaction after its last statement (sent in one batch with the migration, the audit row
   * and COMMIT). Times in it are the server's: `transaction_timestamp()`, `clock_timestamp()`.
   */
  appliedInTransactionSql(migration: PreparedMigration): string;
  /** Transaction mode: after the rollback of a failed migration. */
  failedAndRolledBack(migration: PreparedMigration, startedAt: Date, logs: string): Promise<void>;
  /** Statements mode: before the first statement runs. Returns a handle for the row. */
  started(migration: PreparedMigration, startedAt: Date, statementsDone: number): Promise<string>;
  /** Statements mode: after each statement that completed outside an explicit transaction. */
  progressed(handle: string, statementsDone: number): Promise<void>;
  finished(handle: string, finishedAt: Date): Promise<void>;
  failed(handle: string, logs: string): Promise<void>;
}

export interface ApplyContext {
  session: PgSession;
  settings: RunSettings;
  recorder: MigrationRecorder;
  audit: AuditLog;
  emit: (event: DeployEvent) => void;
  random?: () => number;
}

/** One migration a deploy applied. */
export interface AppliedMigration {
  /** Its name as the ORM records it (Prisma: the folder name; Drizzle: the tag; TypeORM: the class name). */
  name: string;
  /** How it ran: `transaction` (all or nothing) or `statements` (one at a time, progress recorded after each). */
  mode: MigrationMode;
  /** How long it took, in milliseconds, lock waits and retries included. */
  durationMs: number;
  /** How many statements it ran. */
  statements: number;
  /** How many times a statement waited out its lock_timeout. */
  lockWaits: number;
  /** How many retries it needed after a lock timeout. */
  retries: number;
}

export type FailureKind =
  /** PostgreSQL rejected a statement. */
  | 'statement-error'
  /** The lock was not granted within lock_timeout, on every attempt. */
  | 'lock-timeout'
  /** The connection broke: the outcome of the statement in flight is unknown to this process. */
  | 'connection-lost';

export interface MigrationFailureInit {
  migration: PreparedMigration;
  kind: FailureKind;
  cause: unknown;
  /** 0-based index of the statement that failed, when known. */
  statementIndex?: number | undefined;
  /** For migrations that are code (TypeORM): the query that failed, parsed. */
  failedQuery?: SqlStatement | undefined;
  /** Statements whose effect is in the database (statements mode), or 0 (transaction mode: rolled back). */
  statementsDone: number;
  attempts: number;
  blockers?: LockBlocker[];
  /** An index the failed statement left INVALID. */
  invalidIndex?: { schema: string; name: string } | undefined;
}

/** A migration that did not apply, with everything needed to explain the database's state. */
export class MigrationFailure extends Error {
  readonly migration: PreparedMigration;
  readonly kind: FailureKind;
  override readonly cause: unknown;
  readonly statementIndex: number | undefined;
  readonly failedQuery: SqlStatement | undefined;
  readonly statementsDone: number;
  readonly attempts: number;
  readonly blockers: LockBlocker[];
  readonly invalidIndex: { schema: string; name: string } | undefined;

  constructor(init: MigrationFailureInit) {
    super(errorText(init.cause));
    this.migration = init.migration;
    this.kind = init.kind;
    this.cause = init.cause;
    this.statementIndex = init.statementIndex;
    this.failedQuery = init.failedQuery;
    this.statementsDone = init.statementsDone;
    this.attempts = init.attempts;
    this.blockers = init.blockers ?? [];
    this.invalidIndex = init.invalidIndex;
  }

  /** The statement that failed: a statement of the file, or the failing query of a code migration. */
  get statement(): SqlStatement | undefined {
    return this.statementIndex === undefined ? this.failedQuery : this.migration.statements[this.statementIndex];
  }

  get sqlState(): string | undefined {
    return isPgError(this.cause) ? this.cause.code : undefined;
  }
}

export function errorText(error: unknown): string {
  if (isPgError(error)) {
    const lines = [error.message];
    if (error.detail) lines.push(`DETAIL: ${error.detail}`);
    if (error.hint) lines.push(`HINT: ${error.hint}`);
    if (error.where) lines.push(`CONTEXT: ${error.where}`);
    return redact(lines.join('\n'));
  }
  return redact(error instanceof Error ? error.message : String(error));
}

/** The text lockstep stores in the history's `logs` column for a failed migration. */
export function failureLogs(failure: MigrationFailure): string {
  const m = failure.migration;
  const statement = failure.statement;
  const total = m.statements.length;
  const lines: string[] = [];
  lines.push(
    statement
      ? `lockstep: migration ${m.name} failed at statement ${statement.index + 1} of ${total} (${m.file}:${statement.line}:${statement.column}).`
      : `lockstep: migration ${m.name} failed.`,
  );
  lines.push('');
  if (failure.kind === 'lock-timeout') {
    lines.push(`Its lock was not granted within lock_timeout on ${failure.attempts} attempts.`);
  }
  lines.push(`${failure.sqlState ? `PostgreSQL error ${failure.sqlState}: ` : ''}${errorText(failure.cause)}`);
  if (statement) {
    lines.push('', 'Statement:', truncate(statement.text, 2000));
  }
  lines.push('', stateSentence(failure));
  return lines.join('\n');
}

/** One sentence on what of the migration is in effect. */
export function stateSentence(failure: MigrationFailure): string {
  const total = failure.migration.statements.length;
  const invalid = failure.invalidIndex
    ? ` The failed statement left the INVALID index ${failure.invalidIndex.schema}.${failure.invalidIndex.name} behind.`
    : '';
  if (failure.migration.mode === 'transaction') {
    return `State: the migration ran in one transaction, which was rolled back; none of its ${total === 0 ? 'queries' : 'statements'} is in effect.`;
  }
  const done = failure.statementsDone;
  if (isCodeMigration(failure.migration)) {
    const ran =
      done === 0
        ? 'no query of it is in effect'
        : `the first ${done} quer${done === 1 ? 'y' : 'ies'} of its up() ${done === 1 ? 'is' : 'are'} in effect`;
    return `State: the migration ran without a transaction (${failure.migration.modeReason}); ${ran}, and the failing query and everything after it did not complete.${invalid}`;
  }
  const doneText =
    done === 0 ? 'no statement of it is in effect' : `${statementRange(done)} of ${total} ${done > 1 ? 'are' : 'is'} in effect`;
  return `State: the migration ran statement by statement (${failure.migration.modeReason}); ${doneText}, and statement ${done + 1} and later did not complete.${invalid}`;
}

/** A migration written as code (TypeORM): lockstep sees its queries only as they run. */
export function isCodeMigration(migration: PreparedMigration): boolean {
  return migration.statements.length === 0 && migration.checksum === '';
}

/** "statement 1" or "statements 1-3": the first `count` statements. */
export function statementRange(count: number): string {
  return count === 1 ? 'statement 1' : `statements 1-${count}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
}

/** Sessions that hold locks on the tables of the statement that timed out. */
export async function describeBlockers(session: PgSession, statement: SqlStatement | undefined): Promise<LockBlocker[]> {
  if (!statement) return [];
  try {
    return await lockBlockers(session, referencedRelations(statement.node));
  } catch {
    return [];
  }
}

export function blockerText(blocker: LockBlocker): string {
  const since = blocker.transactionStart ? `, in a transaction since ${blocker.transactionStart.toISOString()}` : '';
  const app = blocker.applicationName ? ` (${blocker.applicationName})` : '';
  return `pid ${blocker.pid}${app} holds ${blocker.mode} on ${blocker.relation}${since}${blocker.state ? `, ${blocker.state}` : ''}`;
}

export async function rollbackQuietly(session: PgSession): Promise<void> {
  try {
    await session.exec('ROLLBACK');
  } catch {
    /* the connection may be gone; the server rolls back on its own */
  }
}

export interface ApplyOptions {
  /** For a migration that ran statement by statement before and failed: the statement to start at (0-based). */
  resumeFrom?: number;
  /**
   * A transactional migration then commits without waiting for its WAL to reach disk
   * (synchronous_commit = off): a server crash could undo it, always together with its history
   * row, and never once a later commit that does wait has returned, since WAL is flushed in order.
   * The caller reports it as applied only then (see DurableReports).
   */
  asynchronousCommit?: boolean;
}

/** Applies one migration under lockstep's timeouts and retries. Throws MigrationFailure. */
export async function applyMigration(
  ctx: ApplyContext,
  migration: PreparedMigration,
  options: ApplyOptions = {},
): Promise<AppliedMigration> {
  const resumeFrom = options.resumeFrom ?? 0;
  ctx.emit({
    type: 'migration-started',
    migration: migration.name,
    mode: migration.mode,
    statements: migration.statements.length,
    fromStatement: resumeFrom + 1,
  });
  return migration.mode === 'transaction'
    ? applyInTransaction(ctx, migration, Boolean(options.asynchronousCommit))
    : applyStatementByStatement(ctx, migration, resumeFrom, options.resumeFrom !== undefined);
}

/**
 * One transaction for the whole file, in one round trip where the server allows it (execScript):
 * BEGIN, the timeouts, every statement, the history row, the audit row and COMMIT travel as one
 * query. The rows' times are the server's, taken as the transaction runs.
 */
async function applyInTransaction(
  ctx: ApplyContext,
  migration: PreparedMigration,
  asynchronousCommit: boolean,
): Promise<AppliedMigration> {
  const { session, settings } = ctx;
  const began = performance.now();
  let lockWaits = 0;
  let auditInBatch = ctx.audit.enabled;
  const head = [
    'BEGIN',
    ...transactionTimeoutStatements(settings),
    ...(asynchronousCommit ? ['SET LOCAL synchronous_commit = off'] : []),
    ...migration.statements.map((statement) => statement.text),
  ];
  const firstStatement = head.length - migration.statements.length;
  for (let attempt = 1; ; attempt++) {
    const startedAt = new Date();
    const progress: ScriptProgress = { completed: 0 };
    const audit = auditInBatch
      ? ctx.audit.recordSql({
          event: 'migration-applied',
          migration: migration.name,
          checksum: migration.checksum,
          attempt,
          statementsTotal: migration.statements.length,
          statementsDone: migration.statements.length,
          // The attempts before this one (lock waits, back-off), then this transaction so far.
          durationMs: new SqlExpression(
            `${Math.round(performance.now() - began)} + round(extract(epoch FROM clock_timestamp() - transaction_timestamp()) * 1000)::integer`,
          ),
          lockWaits,
        })
      : undefined;
    const script = [...head, ctx.recorder.appliedInTransactionSql(migration), ...(audit ? [audit] : []), 'COMMIT'];
    try {
      await execScript(session, script, progress);
      if (ctx.audit.enabled && !auditInBatch) {
        ctx.audit.disable("its row could not be written inside the migration's transaction");
        ctx.emit({
          type: 'warning',
          code: 'LS_AUDIT_DISABLED',
          message: `lockstep's audit row for ${migration.name} could not be written; continuing without the audit log.`,
        });
      }
      const applied = {
        name: migration.name,
        mode: migration.mode,
        durationMs: performance.now() - began,
        statements: migration.statements.length,
        lockWaits,
        retries: attempt - 1,
      };
      ctx.emit({
        type: 'migration-applied',
        migration: migration.name,
        mode: migration.mode,
        durationMs: applied.durationMs,
        statements: applied.statements,
        lockWaits,
        retries: applied.retries,
      });
      return applied;
    } catch (error) {
      // The statement that failed: the first one of the script that did not complete. Past the
      // migration's statements, it is the history row, the audit row or COMMIT.
      const failedAt = progress.completed - firstStatement;
      const finishing = failedAt >= migration.statements.length;
      const current = finishing || failedAt < 0 ? undefined : migration.statements[failedAt]?.index;
      if (isConnectionLost(error)) {
        throw new MigrationFailure({
          migration,
          kind: 'connection-lost',
          cause: error,
          statementIndex: current,
          statementsDone: 0,
          attempts: attempt,
        });
      }
      await rollbackQuietly(session);
      if (finishing && auditInBatch) {
        // The history row or the audit row failed: try once more without the audit row to tell which.
        auditInBatch = false;
        attempt--;
        continue;
      }
      const statement = current === undefined ? undefined : migration.statements[current];
      if (isLockTimeout(error)) {
        lockWaits++;
        const blockers = await describeBlockers(session, statement);
        const retry = attempt <= settings.lockRetries;
        const delay = retry ? backoffDelay(attempt, settings.retryDelayMs, settings.retryMaxDelayMs, ctx.random) : undefined;
        ctx.emit({
          type: 'lock-timeout',
          migration: migration.name,
          statement: (current ?? 0) + 1,
          line: statement?.line ?? 0,
          attempt,
          retryInMs: delay,
          blockers: blockers.map(blockerText),
        });
        await recordQuietly(ctx, {
          event: 'lock-retry',
          migration: migration.name,
          attempt,
          errorCode: isPgError(error) ? error.code : undefined,
          errorMessage: errorText(error),
          detail: { blockers: blockers.map(blockerText), retryInMs: delay },
        });
        if (delay !== undefined) {
          await sleep(delay);
          continue;
        }
        // Nothing of the migration is in effect and nothing is wrong with it: no failed row, so
        // that the next deploy simply tries again.
        const failure = new MigrationFailure({
          migration,
          kind: 'lock-timeout',
          cause: error,
          statementIndex: current,
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
        statementIndex: current,
        statementsDone: 0,
        attempts: attempt,
      });
      await ctx.recorder.failedAndRolledBack(migration, startedAt, failureLogs(failure));
      await recordFailureAudit(ctx, failure, lockWaits);
      throw failure;
    }
  }
}

export async function recordQuietly(
  ctx: Pick<ApplyContext, 'audit' | 'emit'>,
  event: Parameters<AuditLog['record']>[0],
): Promise<void> {
  try {
    await ctx.audit.record(event);
  } catch (error) {
    if (error instanceof AuditWriteError)
      ctx.emit({ type: 'warning', code: 'LS_AUDIT_DISABLED', message: `${error.message}; continuing without the audit log.` });
    else throw error;
  }
}

export async function recordFailureAudit(
  ctx: Pick<ApplyContext, 'audit' | 'emit'>,
  failure: MigrationFailure,
  lockWaits: number,
): Promise<void> {
  await recordQuietly(ctx, {
    event: 'migration-failed',
    migration: failure.migration.name,
    checksum: failure.migration.checksum,
    attempt: failure.attempts,
    statementsTotal: failure.migration.statements.length,
    statementsDone: failure.statementsDone,
    statementHashes: statementHashes(failure.migration.statements),
    lockWaits,
    errorCode: failure.sqlState,
    errorMessage: errorText(failure.cause),
    detail: {
      kind: failure.kind,
      statement: failure.statementIndex === undefined ? null : failure.statementIndex + 1,
      mode: failure.migration.mode,
    },
  });
}

export type TimeoutClass = 'blocking' | 'non-blocking';

/** Session-level timeouts for a statement: lock_timeout only where waiting could stall the application. */
export function sessionTimeoutsSql(kind: TimeoutClass, settings: RunSettings): string {
  return kind === 'blocking'
    ? `SET lock_timeout = '${pgInterval(settings.lockTimeoutMs)}'; SET statement_timeout = '${pgInterval(settings.statementTimeoutMs)}'`
    : `SET lock_timeout = 0; SET statement_timeout = '${pgInterval(settings.concurrentStatementTimeoutMs)}'`;
}

/** Transaction-level timeouts for a migration that runs in one transaction. */
export function transactionTimeoutStatements(settings: RunSettings): string[] {
  return [
    `SET LOCAL lock_timeout = '${pgInterval(settings.lockTimeoutMs)}'`,
    `SET LOCAL statement_timeout = '${pgInterval(settings.statementTimeoutMs)}'`,
  ];
}

export function transactionTimeoutsSql(settings: RunSettings): string {
  return transactionTimeoutStatements(settings).join('; ');
}

async function applyStatementByStatement(
  ctx: ApplyContext,
  migration: PreparedMigration,
  resumeFrom: number,
  resuming: boolean,
): Promise<AppliedMigration> {
  const { session, settings } = ctx;
  const began = performance.now();
  const startedAt = new Date();
  const statements = migration.statements;
  const handle = await ctx.recorder.started(migration, startedAt, resumeFrom);
  await recordQuietly(ctx, {
    event: 'migration-started',
    migration: migration.name,
    checksum: migration.checksum,
    statementsTotal: statements.length,
    statementsDone: resumeFrom,
    statementHashes: statementHashes(statements),
  });
  let durable = resumeFrom;
  let lockWaits = 0;
  let attempt = 1;
  let timeoutClass: TimeoutClass | undefined;
  let inExplicitTransaction = false;
  const leavesAt = migration.leavesTransactionAt;
  let i = resumeFrom;
  try {
    while (i < statements.length) {
      const statement = statements[i]!;
      const wanted: TimeoutClass = statement.nonBlocking ? 'non-blocking' : 'blocking';
      try {
        // The transaction a file that ends with its own COMMIT expects to start in, as its ORM's runner opens it.
        if (leavesAt !== undefined && i <= leavesAt && !inExplicitTransaction) {
          await session.exec('BEGIN');
          inExplicitTransaction = true;
        }
        if (wanted !== timeoutClass) {
          await session.exec(sessionTimeoutsSql(wanted, settings));
          timeoutClass = wanted;
        }
        const done = statement.concurrentIndex?.name
          ? await settleIndexLeftover(ctx, migration, statement, resuming && i === resumeFrom)
          : false;
        if (!done) await session.exec(statement.text);
      } catch (error) {
        if (isConnectionLost(error)) {
          throw new MigrationFailure({
            migration,
            kind: 'connection-lost',
            cause: error,
            statementIndex: i,
            statementsDone: durable,
            attempts: attempt,
          });
        }
        if (inExplicitTransaction) await rollbackQuietly(session);
        inExplicitTransaction = false;
        timeoutClass = undefined;
        if (isLockTimeout(error)) {
          lockWaits++;
          const blockers = await describeBlockers(session, statement);
          const retry = attempt <= settings.lockRetries;
          const delay = retry ? backoffDelay(attempt, settings.retryDelayMs, settings.retryMaxDelayMs, ctx.random) : undefined;
          ctx.emit({
            type: 'lock-timeout',
            migration: migration.name,
            statement: i + 1,
            line: statement.line,
            attempt,
            retryInMs: delay,
            blockers: blockers.map(blockerText),
          });
          await recordQuietly(ctx, {
            event: 'lock-retry',
            migration: migration.name,
            attempt,
            errorCode: isPgError(error) ? error.code : undefined,
            errorMessage: errorText(error),
            detail: { statement: i + 1, retryInMs: delay },
          });
          if (delay !== undefined) {
            attempt++;
            await sleep(delay);
            i = durable;
            continue;
          }
          throw await failStatements(ctx, migration, handle, 'lock-timeout', error, i, durable, attempt, blockers, lockWaits);
        }
        throw await failStatements(ctx, migration, handle, 'statement-error', error, i, durable, attempt, [], lockWaits);
      }
      if (statement.transactionControl === 'begin') inExplicitTransaction = true;
      else if (statement.transactionControl === 'commit' || statement.transactionControl === 'rollback')
        inExplicitTransaction = false;
      i++;
      if (!inExplicitTransaction) {
        durable = i;
        if (i < statements.length) await ctx.recorder.progressed(handle, durable);
      }
    }
    await ctx.recorder.finished(handle, new Date());
    const durationMs = performance.now() - began;
    await recordQuietly(ctx, {
      event: 'migration-applied',
      migration: migration.name,
      checksum: migration.checksum,
      attempt,
      statementsTotal: statements.length,
      statementsDone: statements.length,
      durationMs,
      lockWaits,
      detail: resumeFrom > 0 ? { resumedFromStatement: resumeFrom + 1 } : undefined,
    });
    ctx.emit({
      type: 'migration-applied',
      migration: migration.name,
      mode: migration.mode,
      durationMs,
      statements: statements.length - resumeFrom,
      lockWaits,
      retries: attempt - 1,
    });
    return {
      name: migration.name,
      mode: migration.mode,
      durationMs,
      statements: statements.length - resumeFrom,
      lockWaits,
      retries: attempt - 1,
    };
  } finally {
    if (timeoutClass !== undefined) await session.exec('RESET lock_timeout; RESET statement_timeout').catch(() => undefined);
  }
}

async function failStatements(
  ctx: ApplyContext,
  migration: PreparedMigration,
  handle: string,
  kind: FailureKind,
  error: unknown,
  index: number,
  durable: number,
  attempts: number,
  blockers: LockBlocker[],
  lockWaits: number,
): Promise<MigrationFailure> {
  const statement = migration.statements[index]!;
  let invalidIndex: { schema: string; name: string } | undefined;
  const target = statement.concurrentIndex;
  if (target?.name) {
    const state = await indexState(ctx.session, target, target.name).catch(() => undefined);
    if (state && !state.valid) invalidIndex = { schema: state.schema, name: target.name };
  }
  const failure = new MigrationFailure({
    migration,
    kind,
    cause: error,
    statementIndex: index,
    statementsDone: durable,
    attempts,
    blockers,
    invalidIndex,
  });
  await ctx.recorder.failed(handle, failureLogs(failure));
  await recordFailureAudit(ctx, failure, lockWaits);
  return failure;
}

/**
 * Before a CREATE INDEX CONCURRENTLY runs, what an earlier attempt left of its index. An INVALID
 * index of the same name would make the statement fail ("already exists") or, with IF NOT EXISTS,
 * succeed while leaving the index unusable; it is never used by queries, so it is dropped and the
 * build tried again. When a resume starts at this statement and the index is there, valid, with
 * the statement's definition, the build finished in the server after the previous run lost it
 * (killed, or its connection broken): the statement is recorded as done instead of failing with
 * "already exists". Returns true when the statement is not to run.
 */
async function settleIndexLeftover(
  ctx: ApplyContext,
  migration: PreparedMigration,
  statement: SqlStatement,
  resumedHere: boolean,
): Promise<boolean> {
  const found = await concurrentIndexLeftover(ctx.session, statement);
  if (found.state === 'invalid') {
    await ctx.session.exec(found.drop);
    ctx.emit({ type: 'invalid-index-dropped', migration: migration.name, index: found.index });
    await recordQuietly(ctx, { event: 'invalid-index-dropped', migration: migration.name, detail: { index: found.index } });
    return false;
  }
  if (found.state === 'built' && resumedHere) {
    ctx.emit({ type: 'index-already-built', migration: migration.name, index: found.index, statement: statement.index + 1 });
    await recordQuietly(ctx, {
      event: 'index-already-built',
      migration: migration.name,
      detail: { index: found.index, statement: statement.index + 1, definition: found.definition },
    });
    return true;
  }
  return false;
}
