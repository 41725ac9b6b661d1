import { randomUUID } from 'node:crypto';
import { AuditLog, AuditWriteError, type AuditEvent } from '../audit/audit-log.js';
import { connectionHeadroom, headroomWarning } from '../db/postgres/server-checks.js';
import type { PgSession } from '../db/postgres/session.js';
import { collectBetweenPhases, economiseMemory } from '../util/memory.js';
import { ExitCode, LockstepError } from '../errors.js';
import type { OrmHistory } from '../orm/adapter.js';
import type { MigrationStatus } from '../orm/types.js';
import { applyMigration, errorText, MigrationFailure, statementRange, type AppliedMigration } from './apply-migration.js';
import type { FailureContext } from './failure-messages.js';
import { interruptedIndexBuild } from './index-leftover.js';
import { blockingFailures, historyProblems } from './history-problems.js';
import { takeMigrationLock } from './migration-lock.js';
import { connectionLostError } from './connection-lost.js';
import { DURABLE_REPORT_INTERVAL_MS, DurableReports, flushCommitted } from './durable-reports.js';
import { isConnectionLost } from './retry.js';
import { resolveAuditSettings, resolveRunSettings, type ProjectOptions, type RunOptions } from './options.js';
import { migrationSources, prepareMigrations, statementHashes, type PreparedMigration } from './prepare.js';
import type { DriftSettingsOptions } from '../drift/settings.js';
import type { DriftVerification } from '../drift/verify.js';
import type { RunSettings } from './settings.js';
import type { LintGateResult } from './lint-gate.js';
import { openWorkspace, runTarget, upgradeHistory, withSession, type RunTarget, type Workspace } from './workspace.js';

/** What `deploy()` takes: the project, the database, timeouts and retries, and what to refuse. */
export interface DeployOptions extends ProjectOptions, RunOptions {
  /**
   * Refuse when applied files were edited, history rows have no file, or migrations are out of
   * order (otherwise these are warnings).
   * @defaultValue `false`
   */
  strict?: boolean;
  /**
   * Continue a failed migration at the statement that did not complete.
   * @defaultValue `false`
   */
  resume?: boolean;
  /**
   * Apply migrations older than the newest applied one, which Drizzle would skip silently.
   * @defaultValue `false`
   */
  allowOutOfOrder?: boolean;
  /**
   * Deploy despite error-level lint findings; this reason and the findings are recorded in the audit log.
   * @defaultValue none: error-level findings refuse the deploy (LS_LINT_FAILED)
   */
  acceptLintErrors?: string;
  /**
   * After applying, replay the history and compare it with the live database (`lockstep drift`);
   * on drift, throw (exit 3). An object sets drift's options (`shadowUrl`, `ignore`).
   * @defaultValue `false`
   */
  verify?: boolean | DriftSettingsOptions;
}

/** A warning of the run (`code` is an LS_* code), as the `warning` events gave it. */
export interface DeployWarning {
  code: string;
  message: string;
  /** The migration it concerns, when it concerns one. */
  migration?: string;
}

/** What a successful `deploy()` did. */
export interface DeployResult extends RunTarget {
  /** Migrations applied by this run, in order. */
  applied: AppliedMigration[];
  /** Migrations that were already applied before this run. */
  alreadyApplied: number;
  warnings: DeployWarning[];
  /** How long the whole run took, in milliseconds. */
  durationMs: number;
  /** With `verify`: the live database against the migration history after the deploy. */
  verify?: DriftVerification;
}

interface DeployRun {
  workspace: Workspace;
  session: PgSession;
  history: OrmHistory;
  settings: RunSettings;
  options: DeployOptions;
  strict: boolean;
  failures: FailureContext;
}

/**
 * Applies the project's pending migrations under the migration lock, with lock and statement
 * timeouts and retries, recording each in the ORM's own history table. Throws a LockstepError
 * when anything fails; resolves only when every pending migration is applied.
 */
export async function deploy(options: DeployOptions = {}): Promise<DeployResult> {
  const began = performance.now();
  const warnings: DeployWarning[] = [];
  const userEmit = options.onEvent;
  const workspace = await openWorkspace(
    {
      ...options,
      onEvent: (event) => {
        if (event.type === 'warning')
          warnings.push({ code: event.code, message: event.message, ...(event.migration ? { migration: event.migration } : {}) });
        userEmit?.(event);
      },
    },
    'deploy',
  );
  const settings = resolveRunSettings(workspace.config, options);
  const strict = options.strict ?? workspace.config.strict ?? false;
  for (const warning of workspace.warnings) workspace.emit({ type: 'warning', ...warning });

  return withSession(workspace, async (session, history) => {
    workspace.emit({
      type: 'run-started',
      orm: workspace.orm.orm,
      project: workspace.orm.root,
      target: workspace.targetDescription,
      embedded: workspace.target.kind === 'embedded',
      historyTable: history.qualifiedName,
    });
    workspace.step('waiting for the migration lock');
    const release = await takeMigrationLock(session, workspace, settings.lockWaitMs).finally(workspace.stepDone);
    try {
      const run: DeployRun = {
        workspace,
        session,
        history,
        settings,
        options,
        strict,
        failures: { workspace, historyTable: history.qualifiedName },
      };
      const { applied, alreadyApplied } = await deployLocked(run);
      const verify = options.verify ? await verifyDeployed(run, applied) : undefined;
      return {
        ...runTarget(workspace, history),
        applied,
        alreadyApplied,
        warnings,
        durationMs: performance.now() - began,
        ...(verify ? { verify } : {}),
      };
    } finally {
      await release();
    }
  });
}

async function warnAboutHeadroom(session: PgSession, workspace: Workspace): Promise<void> {
  try {
    const message = headroomWarning(await connectionHeadroom(session));
    if (message) workspace.emit({ type: 'warning', code: 'LS_CONNECTION_HEADROOM', message });
  } catch {
    /* pg_stat_activity may be restricted; the check is advisory */
  }
}

/** `--verify`: the drift check on the same session, still under the migration lock. Loaded only when asked for. */
async function verifyDeployed(run: DeployRun, applied: AppliedMigration[]): Promise<DriftVerification> {
  const { verifyAfterDeploy } = await import('../drift/verify.js');
  const settings = typeof run.options.verify === 'object' ? run.options.verify : {};
  return verifyAfterDeploy(
    run.workspace,
    run.session,
    run.history,
    settings,
    applied.map((a) => a.name),
  );
}

/** The texts of refusals and failures, loaded only when a deploy refuses or fails. */
const failureMessages = () => import('./failure-messages.js');

/** What deploy will do, decided before anything in the database changes. */
interface DeployPlan {
  statuses: MigrationStatus[];
  alreadyApplied: number;
  pendingNames: string[];
  /** The failed migration that --resume continues, and the statement it starts at (0-based). */
  resumeTarget: { status: MigrationStatus; from: number } | undefined;
  /** The migrations to apply, in order (the resumed one first). */
  names: string[];
  prepared: PreparedMigration[];
  /** The pending SQL is big (BIG_INPUT_CHARS): memory is economised. */
  big: boolean;
}

/**
 * Everything that can refuse a deploy is checked before the database is changed: the history is
 * read, the migrations are parsed and linted, and only then are the history table and the audit
 * table created (when missing) and the first migration applied. A refused deploy leaves the
 * database as it found it.
 */
async function deployLocked(run: DeployRun): Promise<{ applied: AppliedMigration[]; alreadyApplied: number }> {
  const { workspace, session, history } = run;
  const runContext = { runId: randomUUID(), command: 'deploy', orm: workspace.orm.orm, historyTable: history.qualifiedName };
  const auditSettings = resolveAuditSettings(workspace.config, run.options);
  // Reads failures recorded by earlier runs, and records this run's refusal, only where the audit table already exists.
  const existingAudit = await AuditLog.openExisting(session, auditSettings, runContext);
  let audit = existingAudit;
  let started = false;
  try {
    workspace.step('reading the migration history');
    const exists = await history.exists();
    const statuses = await history.statuses(workspace.disk.migrations, existingAudit);
    const recorded = statuses.filter((s) => s.state !== 'pending');
    if (workspace.disk.migrations.length === 0) {
      const { migrationsMissingError, noMigrationsError } = await import('./no-migrations.js');
      throw recorded.length > 0 ? migrationsMissingError(workspace, recorded.length) : noMigrationsError(workspace);
    }
    if (recorded.length === 0) await refuseUnknownSchema(run, exists);
    workspace.step('checking the pending migrations');
    const plan = await planDeploy(run, statuses);
    if (plan.names.length > 0 || !exists)
      await (await import('./privileges.js')).requireHistoryPrivileges(session, workspace, history, 'write');
    let lint: LintGateResult | undefined;
    if (plan.names.length > 0) {
      // The linter and its rules load only when there is something to lint.
      const { lintGate } = await import('./lint-gate.js');
      lint = await lintGate(
        workspace,
        session,
        plan.pendingNames.map((n) => workspace.disk.migrations.find((m) => m.name === n)!),
        { acceptLintErrors: run.options.acceptLintErrors },
      );
      // The lint's parse trees are garbage now: a big file's do not stay in the peak while it is applied.
      if (plan.big) collectBetweenPhases();
    }

    workspace.stepDone();
    // From here on the database changes.
    if (!exists) await history.create();
    else await upgradeHistory(workspace, history);
    audit = await AuditLog.open(session, auditSettings, runContext);
    if (!audit.enabled && audit.whyDisabled !== 'turned off') {
      workspace.emit({
        type: 'warning',
        code: 'LS_AUDIT_DISABLED',
        message: `${audit.whyDisabled}; continuing without the audit log.`,
      });
    }
    if (!audit.enabled && !workspace.orm.recordsFailedTransactions) {
      workspace.emit({
        type: 'warning',
        code: 'LS_AUDIT_DISABLED',
        message: `Without the audit log, a statement-by-statement migration that fails part-way leaves no record (the ${workspace.orm.orm} history keeps none), so the next deploy cannot block on it.`,
      });
    }
    for (const event of lint?.auditEvents ?? []) await recordOrWarn(audit, workspace, event);
    if (plan.names.length > 0) {
      await startRun(run, audit);
      started = true;
    }
    const result = await applyPlanned(run, audit, plan);
    await recordOrWarn(audit, workspace, {
      event: 'run-finished',
      detail: { applied: result.applied.map((a) => a.name), ...(started ? {} : { nothingToApply: true }) },
    });
    return result;
  } catch (error) {
    await recordOrWarn(audit, workspace, {
      event: 'run-failed',
      errorCode: error instanceof LockstepError ? error.code : undefined,
      errorMessage: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

/**
 * A database with tables but no migration recorded was built some other way (`db push`, by hand),
 * or its history is in another table than the configuration names: refuse before changing anything.
 */
async function refuseUnknownSchema(run: DeployRun, exists: boolean): Promise<void> {
  const { history, workspace } = run;
  const tables = await history.nonEmptyTables();
  const elsewhere = (await history.elsewhere?.(workspace.disk.migrations, tables)) ?? [];
  if (elsewhere.length > 0) throw (await failureMessages()).historyElsewhereError(run.failures, elsewhere, exists);
  if (tables.length > 0) throw (await failureMessages()).needsBaselineError(run.failures, tables, exists);
}

/** A run that applies something is recorded as started before it does, so that a run that dies is visible to the next one. */
async function startRun(run: DeployRun, audit: AuditLog): Promise<void> {
  const { workspace, session } = run;
  if (workspace.target.kind === 'server') await warnAboutHeadroom(session, workspace);
  const interrupted = await audit.interruptedPreviousRun().catch(() => undefined);
  if (interrupted && !run.options.resume) {
    workspace.emit({
      type: 'warning',
      code: 'LS_PREVIOUS_RUN_INTERRUPTED',
      message: `The previous deploy (started ${interrupted.startedAt.toISOString()}${interrupted.host ? ` on ${interrupted.host}` : ''}) stopped before it finished. A migration it was applying at the time ran in a transaction and was rolled back with it; pending migrations are applied now.`,
    });
  }
  await recordOrWarn(audit, workspace, {
    event: 'run-started',
    detail: {
      target: workspace.targetDescription,
      strict: run.strict,
      resume: Boolean(run.options.resume),
      settings: run.settings,
    },
  });
}

async function recordOrWarn(audit: AuditLog, workspace: Workspace, event: AuditEvent): Promise<void> {
  try {
    await audit.record(event);
  } catch (error) {
    if (!(error instanceof AuditWriteError)) throw error;
    workspace.emit({
      type: 'warning',
      code: 'LS_AUDIT_DISABLED',
      message: `${error.message}; continuing without the audit log.`,
    });
  }
}

/** Pending SQL of at least this many characters is a big input: the run economises memory (src/util/memory.ts). */
const BIG_INPUT_CHARS = 4 * 1024 * 1024;

/** Decides what to apply, and refuses (blocked, strict, out of order, unreadable files) before anything changes. */
async function planDeploy(run: DeployRun, statuses: MigrationStatus[]): Promise<DeployPlan> {
  const { workspace, options } = run;
  const alreadyApplied = statuses.filter((s) => s.state === 'applied').length;
  const failed = blockingFailures(statuses);
  let resumeTarget: DeployPlan['resumeTarget'];
  if (failed.length > 0) {
    const only = failed[0]!;
    if (!options.resume || failed.length > 1 || only.state !== 'failed')
      throw (await failureMessages()).blockedByFailedError(
        run.failures,
        failed,
        await interruptedIndexBuild(workspace, run.session, failed),
      );
    resumeTarget = { status: only, from: only.statementsDone ?? 0 };
  } else if (options.resume) {
    workspace.emit({
      type: 'warning',
      code: 'LS_NOTHING_TO_RESUME',
      message: '--resume was given, but no migration is recorded as failed.',
    });
  }

  const problems = historyProblems(statuses);
  for (const problem of problems)
    workspace.emit({ type: 'warning', code: problem.code, message: problem.message, migration: problem.migration });
  if (run.strict && problems.length > 0)
    throw (await failureMessages()).strictError(
      workspace,
      problems.map((p) => p.message),
    );
  const outOfOrder = statuses.filter((s) => s.outOfOrder).map((s) => s.name);
  if (workspace.orm.outOfOrder === 'refuse' && outOfOrder.length > 0 && !options.allowOutOfOrder)
    throw (await failureMessages()).outOfOrderError(workspace, outOfOrder);

  const pendingNames = statuses.filter((s) => s.state === 'pending' || s.state === 'rolled-back').map((s) => s.name);
  workspace.emit({
    type: 'plan',
    applied: alreadyApplied,
    pending: pendingNames,
    ...(resumeTarget ? { resume: { migration: resumeTarget.status.name, fromStatement: resumeTarget.from + 1 } } : {}),
  });
  const names = resumeTarget ? [resumeTarget.status.name, ...pendingNames] : pendingNames;
  // Every file is read and parsed, then linted, before the first one is applied.
  const sources = workspace.orm.runtime ? [] : migrationSources(workspace, names);
  const big = sources.reduce((sum, s) => sum + (s.script?.length ?? 0), 0) >= BIG_INPUT_CHARS;
  if (big) economiseMemory();
  const prepared = sources.length === 0 ? [] : await prepareMigrations(sources, 'deploy');
  // The split's parse trees are garbage before the lint parses the files again.
  if (big) collectBetweenPhases();
  return { statuses, alreadyApplied, pendingNames, resumeTarget, names, prepared, big };
}

async function applyPlanned(
  run: DeployRun,
  audit: AuditLog,
  plan: DeployPlan,
): Promise<{ applied: AppliedMigration[]; alreadyApplied: number }> {
  const { workspace } = run;
  const { resumeTarget, names, prepared, alreadyApplied } = plan;
  const applied: AppliedMigration[] = [];
  const runtime = workspace.orm.runtime;
  const byName = new Map(workspace.disk.migrations.map((m) => [m.name, m]));
  // The migration being applied, for an error that breaks off outside its statements.
  let current: string | undefined;
  const reports = new DurableReports(workspace.emit);
  try {
    if (runtime) {
      current = names.length > 0 ? names.join(', ') : undefined;
      if (resumeTarget) await run.history.markRolledBack(resumeTarget.status.name, new Date(), audit);
      applied.push(
        ...(await runtime.applyPending(
          names.map((n) => byName.get(n)!),
          { session: run.session, history: run.history, settings: run.settings, audit, emit: workspace.emit, rel: workspace.rel },
        )),
      );
    } else {
      const ctx = {
        session: run.session,
        settings: run.settings,
        recorder: run.history.recorder(audit),
        audit,
        emit: reports.emit,
      };
      let lastWait = performance.now();
      for (const [i, migration] of prepared.entries()) {
        current = migration.name;
        workspace.step(`applying ${migration.name}`);
        // The last migration's commit waits for the disk, and one at least every DURABLE_REPORT_INTERVAL_MS,
        // so that reports follow the progress; the others do not wait (a statement-by-statement migration always does).
        const asynchronousCommit =
          migration.mode === 'transaction' &&
          i < prepared.length - 1 &&
          performance.now() - lastWait < DURABLE_REPORT_INTERVAL_MS;
        reports.waitsForDisk = !asynchronousCommit;
        if (resumeTarget && migration.name === resumeTarget.status.name) {
          const resumeFrom = await checkResumable(workspace, audit, migration, resumeTarget.from);
          await run.history.markRolledBack(migration.name, new Date(), audit);
          applied.push(await applyMigration(ctx, migration, { resumeFrom, asynchronousCommit }));
        } else {
          applied.push(await applyMigration(ctx, migration, { asynchronousCommit }));
        }
        if (!asynchronousCommit) lastWait = performance.now();
      }
      workspace.step(undefined);
    }
  } catch (error) {
    // Migrations committed without waiting for the disk are reported once they are on it; after a
    // lost connection that cannot be known, and the error names them instead.
    const unconfirmed =
      isConnectionLost(error) || (error instanceof MigrationFailure && error.kind === 'connection-lost')
        ? reports.unconfirmed
        : await confirmDurable(run.session, reports);
    if (error instanceof MigrationFailure) {
      workspace.emit({
        type: 'migration-failed',
        migration: error.migration.name,
        statement: error.statementIndex === undefined ? undefined : error.statementIndex + 1,
        line: error.statement?.line,
        code: error.sqlState,
        message: errorText(error.cause),
      });
      throw (await failureMessages()).migrationFailedError(
        run.failures,
        error,
        applied.map((a) => a.name),
        run.settings,
        unconfirmed,
      );
    }
    if (!(error instanceof LockstepError) && isConnectionLost(error))
      throw connectionLostError(workspace, error, await brokenOffState(run, applied, current, unconfirmed));
    throw error;
  }
  workspace.emit({
    type: 'run-finished',
    applied: applied.map((a) => a.name),
    durationMs: applied.reduce((sum, a) => sum + a.durationMs, 0),
  });
  return { applied, alreadyApplied };
}

/** After a failure with the connection still up: flushes the log so that every migration committed so far is reported. Returns what stays unconfirmed. */
async function confirmDurable(session: PgSession, reports: DurableReports): Promise<string[]> {
  if (reports.unconfirmed.length === 0) return [];
  try {
    await flushCommitted(session);
    reports.release();
  } catch {
    /* the connection may be unusable: they stay unconfirmed, and the error says so */
  }
  return reports.unconfirmed;
}

/** What a connection that broke while migrations were being applied, outside their statements, left behind. */
async function brokenOffState(
  run: DeployRun,
  applied: AppliedMigration[],
  current: string | undefined,
  unconfirmed: string[],
): Promise<string> {
  const before = (await failureMessages()).appliedThisRun(
    applied.map((a) => a.name),
    unconfirmed,
    run.workspace.cli('status'),
  );
  if (!current) return `No migration was being applied when the connection broke.${before}`;
  return `The connection broke while ${current} was being applied, outside ${current.includes(', ') ? 'their' : 'its'} statements (while lockstep recorded its progress): ${run.history.qualifiedName} and lockstep's audit log say how far it got, and \`${run.workspace.cli('status')}\` shows it.${before}`;
}

/**
 * A resume re-runs a failed migration from the first statement that did not complete. The
 * statements before it must be the ones that ran: their hashes are checked against the audit log.
 */
async function checkResumable(
  workspace: Workspace,
  audit: AuditLog,
  migration: PreparedMigration,
  from: number,
): Promise<number> {
  if (migration.mode === 'transaction') return 0;
  if (from > migration.statements.length) {
    throw new LockstepError({
      code: 'LS_RESUME_MISMATCH',
      message: `${migration.file} has ${migration.statements.length} statements, but ${from} of them are recorded as completed: the file changed since the failure.`,
      state: 'Unchanged: lockstep applied nothing.',
      recovery: [
        `Restore the file as it was when it failed, or resolve the migration by hand: \`${workspace.cli(`resolve --applied ${migration.name}`)}\` or \`${workspace.cli(`resolve --rolled-back ${migration.name}`)}\``,
      ],
      exitCode: ExitCode.Failed,
    });
  }
  const recorded = await audit.recordedStatementHashes(migration.name).catch(() => undefined);
  if (recorded && from > 0) {
    const now = statementHashes(migration.statements);
    const changed = recorded.slice(0, from).findIndex((hash, i) => hash !== now[i]);
    if (changed !== -1) {
      throw new LockstepError({
        code: 'LS_RESUME_MISMATCH',
        message: `Cannot resume ${migration.name}: statement ${changed + 1} of ${migration.file} completed before the failure but its text has changed since, so the file no longer describes what is in the database.`,
        state: 'Unchanged: lockstep applied nothing.',
        recovery: [
          `Restore ${statementRange(from)} as ${from === 1 ? 'it was' : 'they were'} (only the statements after it may change before a resume), then \`${workspace.cli('deploy --resume')}\`.`,
        ],
        exitCode: ExitCode.Failed,
      });
    }
  } else if (from > 0) {
    workspace.emit({
      type: 'warning',
      code: 'LS_RESUME_UNVERIFIED',
      migration: migration.name,
      message: `The audit log has no record of ${migration.name}'s statements, so lockstep cannot check that ${statementRange(from)} ${from === 1 ? 'is' : 'are'} unchanged since the failure.`,
    });
  }
  return from;
}
