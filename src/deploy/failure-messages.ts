import { dropIndexSql } from '../db/postgres/server-checks.js';
import { ExitCode, LockstepError } from '../errors.js';
import type { HistoryElsewhere } from '../orm/adapter.js';
import type { MigrationStatus } from '../orm/types.js';
import { formatDuration } from '../util/duration.js';
import {
  blockerText,
  errorText,
  isCodeMigration,
  stateSentence,
  statementRange,
  type MigrationFailure,
} from './apply-migration.js';

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
import type { IndexLeftover } from './index-leftover.js';
import type { RunSettings } from './settings.js';
import type { Workspace } from './workspace.js';

/** Where a failure is recorded and which codes name the states, per ORM. */
export interface FailureContext {
  workspace: Workspace;
  /** The ORM's history table, e.g. public._prisma_migrations. */
  historyTable: string;
}

function codes(workspace: Workspace) {
  const prisma = workspace.orm.orm === 'prisma';
  return {
    failed: prisma ? 'P3018' : 'LS_MIGRATION_FAILED',
    blocked: prisma ? 'P3009' : 'LS_BLOCKED',
    notEmpty: prisma ? 'P3005' : 'LS_NEEDS_BASELINE',
  };
}

/** Where failures of this ORM's migrations are kept: its history table, or lockstep's audit log. */
function failureStore(ctx: FailureContext): string {
  return ctx.workspace.orm.recordsFailedTransactions
    ? ctx.historyTable
    : `lockstep's audit log (the ${ctx.workspace.orm.orm} history keeps no failures)`;
}

/** Names for a sentence: all of a few, or the first and last of many with the count between. */
export function summariseNames(names: string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names[0]} … ${names[names.length - 1]}`;
}

/**
 * The migrations this run applied before it stopped. Those in `unconfirmed` were committed without
 * waiting for the disk and not yet followed by a commit that waited: after a lost connection (the
 * server may have crashed) they may have been undone, with their history rows.
 */
export function appliedThisRun(applied: string[], unconfirmed: string[] = [], statusCommand = 'lockstep status'): string {
  if (applied.length === 0) return '';
  const confirmed = applied.filter((name) => !unconfirmed.includes(name));
  const maybe = applied.filter((name) => unconfirmed.includes(name));
  if (maybe.length === 0)
    return ` This run applied ${applied.length} migration${applied.length > 1 ? 's' : ''} before it (${summariseNames(applied)}); they stay applied.`;
  const sure =
    confirmed.length > 0
      ? ` This run applied ${confirmed.length} migration${confirmed.length > 1 ? 's' : ''} before it (${summariseNames(confirmed)}); ${confirmed.length > 1 ? 'they stay' : 'it stays'} applied.`
      : '';
  return `${sure} ${maybe.length === 1 ? 'Migration' : 'Migrations'} ${summariseNames(maybe)} ${maybe.length === 1 ? 'was' : 'were'} committed without waiting for the disk and not yet reported as applied: if the server crashed rather than the connection alone, ${maybe.length === 1 ? 'it' : 'they'} may have been undone, together with ${maybe.length === 1 ? 'its history row' : 'their history rows'}; \`${statusCommand}\` shows what is recorded, and the next deploy applies what is missing.`;
}

/** The error for a migration that failed while this deploy applied it. */
export function migrationFailedError(
  ctx: FailureContext,
  failure: MigrationFailure,
  appliedBefore: string[],
  settings: RunSettings,
  unconfirmed: string[] = [],
): LockstepError {
  const { workspace } = ctx;
  const m = failure.migration;
  const s = failure.statement;
  const code = isCodeMigration(m);
  const where = code
    ? `the up() method of ${m.file}${s ? `, at the query \`${s.text.split('\n')[0]!.slice(0, 120)}\`` : ''}`
    : s
      ? `statement ${s.index + 1} of ${m.statements.length} (${m.file}:${s.line}:${s.column})`
      : 'its first statement';
  const cli = workspace.cli;
  const sqlState = failure.sqlState ? `PostgreSQL error ${failure.sqlState}: ` : '';
  const details = {
    migration: m.name,
    statement: s ? s.index + 1 : null,
    line: s?.line ?? null,
    sqlState: failure.sqlState ?? null,
    statementsDone: failure.statementsDone,
    mode: m.mode,
    invalidIndex: failure.invalidIndex ?? null,
  };

  if (failure.kind === 'connection-lost') {
    return new LockstepError({
      code: 'LS_CONNECTION_LOST',
      message: `The connection to the database broke while migration ${m.name} was running ${where}: ${errorText(failure.cause)}.`,
      state:
        (m.mode === 'transaction'
          ? `The server rolls the migration's transaction back when it notices the connection is gone (within a second on PostgreSQL 14 and later), unless the transaction had already reached its COMMIT: then the migration is applied and recorded, together with its history row.`
          : `${capitalize(statementRange(failure.statementsDone))} ${failure.statementsDone === 1 ? 'is' : 'are'} in effect; statement ${failure.statementsDone + 1} may or may not have completed, and the migration is recorded as started and not finished in ${failureStore(ctx)}.`) +
        appliedThisRun(appliedBefore, unconfirmed, cli('status')),
      recovery: [
        `Run \`${cli('status')}\` to see what is recorded (applied or pending), then \`${cli('deploy')}\`${m.mode === 'statements' ? ` (with --resume to continue ${m.name})` : ''}.`,
      ],
      exitCode: ExitCode.Failed,
      details,
    });
  }

  if (failure.kind === 'lock-timeout' && m.mode === 'transaction') {
    const blockers = failure.blockers.map(blockerText);
    return new LockstepError({
      code: 'LS_LOCK_NOT_GRANTED',
      message:
        `Migration ${m.name} could not get its locks: ${where} waited longer than lock_timeout (${formatDuration(settings.lockTimeoutMs)}) on ${failure.attempts} attempts, so lockstep gave up instead of stalling the application's queries behind it.` +
        (blockers.length ? ` Sessions holding locks on its tables: ${blockers.join('; ')}.` : ''),
      state: `None of its statements is in effect, and no failure is recorded: the next deploy tries it again.${appliedThisRun(appliedBefore)}`,
      recovery: [
        `Run \`${cli('deploy')}\` again once the long transaction has ended${failure.blockers[0] ? ` (or end it: SELECT pg_terminate_backend(${failure.blockers[0].pid});)` : ''}.`,
        `Or retry for longer: \`${cli('deploy --lock-retries 20')}\`.`,
      ],
      exitCode: ExitCode.Failed,
      details,
    });
  }

  const blocks = m.mode === 'statements' || workspace.orm.recordsFailedTransactions;
  const recovery: string[] = [];
  if (failure.invalidIndex)
    recovery.push(
      `Remove the INVALID index the failed build left behind (lockstep also does this itself on --resume): ${dropIndexSql(failure.invalidIndex)}`,
    );
  if (!blocks) {
    recovery.push(`Fix ${m.file} (or the data it trips on), then run \`${cli('deploy')}\` again.`);
  } else if (m.mode === 'statements' && code) {
    recovery.push(
      `Undo the queries of up() that ran (or make up() safe to run twice), fix the cause, then run it again from the start: \`${cli('deploy --resume')}\``,
    );
  } else if (m.mode === 'statements') {
    recovery.push(`Fix the cause, then continue at statement ${failure.statementsDone + 1}: \`${cli('deploy --resume')}\``);
    recovery.push(
      failure.statementsDone > 0
        ? `Or undo ${statementRange(failure.statementsDone)} by hand, fix the file, then \`${cli(`resolve --rolled-back ${m.name}`)}\` and \`${cli('deploy')}\``
        : `Or fix the file, then \`${cli(`resolve --rolled-back ${m.name}`)}\` and \`${cli('deploy')}\``,
    );
  } else {
    recovery.push(
      `Fix ${m.file} (or the data it trips on), then \`${cli(`resolve --rolled-back ${m.name}`)}\` and \`${cli('deploy')}\``,
    );
  }
  if (blocks) recovery.push(`If you have applied its changes by hand instead: \`${cli(`resolve --applied ${m.name}`)}\``);
  const lockNote =
    failure.kind === 'lock-timeout' ? ` after its lock was not granted within lock_timeout on ${failure.attempts} attempts` : '';
  const recorded = blocks
    ? ` It is recorded as failed in ${failureStore(ctx)}, which blocks later deploys until it is resolved.`
    : ' No failure is recorded (the ORM keeps none, and nothing of it is in effect): the next deploy tries it again.';
  return new LockstepError({
    code: codes(workspace).failed,
    message: `Migration ${m.name} failed at ${where}${lockNote}: ${sqlState}${errorText(failure.cause)}`,
    state: `${stateSentence(failure).replace(/^State: /, '')}${recorded}${appliedThisRun(appliedBefore)}`,
    recovery,
    exitCode: ExitCode.Failed,
    details,
  });
}

/** The first lines of a failed row's logs, for a message. */
function logsExcerpt(status: MigrationStatus): string {
  const logs = status.error;
  if (!logs) {
    return `no error was recorded: the process applying it stopped while statement ${(status.statementsDone ?? 0) + 1} was running (killed, or its connection broke), so that statement may or may not have completed`;
  }
  const lines = logs.split('\n').filter((line) => line.trim() !== '');
  const end = lines.indexOf('Statement:');
  return lines
    .slice(0, end === -1 ? 4 : Math.min(end, 4))
    .join(' ')
    .slice(0, 600);
}

/** The CREATE INDEX CONCURRENTLY a failed migration stopped at, and what of its index is in the database. */
export interface InterruptedIndexBuild {
  migration: string;
  /** 1-based. */
  statement: number;
  leftover: Exclude<IndexLeftover, { state: 'absent' }>;
}

/** What the next step is for a migration that stopped at a CREATE INDEX CONCURRENTLY, from what the database holds. */
function indexBuildRecovery(
  build: InterruptedIndexBuild,
  cli: (args: string) => string,
): { state: string; step: string; replaces?: boolean } {
  const { leftover, statement, migration } = build;
  switch (leftover.state) {
    case 'built':
      return {
        state: `Statement ${statement} of ${migration} (CREATE INDEX CONCURRENTLY) completed in the server after the run that sent it stopped: the index ${leftover.index} is there, valid and as the statement defines it, but not recorded as done.`,
        step: `\`${cli('deploy --resume')}\` records statement ${statement} as done (without building the index again) and goes on with the statements after it.`,
        replaces: true,
      };
    case 'invalid':
      return {
        state: `Statement ${statement} of ${migration} (CREATE INDEX CONCURRENTLY) did not finish: it left the INVALID index ${leftover.index}, which queries never use.`,
        step: `Once the cause of the failure is fixed (nothing to fix if the run was only interrupted), \`${cli('deploy --resume')}\` drops the INVALID index (${leftover.drop}) and builds it again from statement ${statement}.`,
      };
    case 'different':
      return {
        state: `An index ${leftover.index} exists, but it is not the one statement ${statement} of ${migration} builds (${leftover.definition}).`,
        step: `Drop or rename ${leftover.index} if it is not wanted, or change the migration's index name, then \`${cli('deploy --resume')}\`.`,
      };
  }
}

/** Deploy refuses while a migration is recorded as failed (Prisma: P3009). */
export function blockedByFailedError(
  ctx: FailureContext,
  failed: MigrationStatus[],
  indexBuild?: InterruptedIndexBuild,
): LockstepError {
  const { workspace } = ctx;
  const cli = workspace.cli;
  const list = failed.map((f) => `${f.name} (started ${f.startedAt?.toISOString() ?? 'at an unknown time'}): ${logsExcerpt(f)}`);
  const first = failed[0]!;
  const partial = failed.find((f) => (f.statementsDone ?? 0) > 0);
  const resumeStep = `Once the cause is fixed, run it again${partial ? ` from statement ${(partial.statementsDone ?? 0) + 1}, the first that did not complete` : ''}: \`${cli('deploy --resume')}\``;
  const recovery = [
    `If its changes are not in the database (a failure inside a transaction rolls back), fix the migration, then \`${cli(`resolve --rolled-back ${first.name}`)}\` and \`${cli('deploy')}\``,
    `If you have completed its changes by hand: \`${cli(`resolve --applied ${first.name}`)}\``,
  ];
  if (failed.length === 1 && first.state === 'failed') recovery.splice(partial ? 0 : 1, 0, resumeStep);
  const build = indexBuild && indexBuildRecovery(indexBuild, cli);
  if (build?.replaces) {
    // The index is built: re-running the migration from an earlier point would fail with "already exists".
    recovery.splice(
      0,
      recovery.length,
      build.step,
      `If you have completed its changes by hand: \`${cli(`resolve --applied ${first.name}`)}\``,
    );
  } else if (build) {
    const at = recovery.indexOf(resumeStep);
    if (at !== -1) recovery.splice(at, 1);
    recovery.unshift(build.step);
  }
  return new LockstepError({
    code: codes(workspace).blocked,
    message: `Deploy blocked: ${failed.length === 1 ? 'a migration is' : `${failed.length} migrations are`} recorded as failed in ${failureStore(ctx)}, so no new migration will be applied until ${failed.length === 1 ? 'it is' : 'they are'} resolved.\n${list.map((l) => `  - ${l}`).join('\n')}`,
    state:
      (partial
        ? `Unchanged by this run. ${partial.name} ran statement by statement and ${statementRange(partial.statementsDone ?? 0)} of it ${partial.statementsDone === 1 ? 'is' : 'are'} in effect.`
        : 'Unchanged by this run.') + (build ? ` ${build.state}` : ''),
    recovery,
    exitCode: ExitCode.Blocked,
    details: {
      failed: failed.map((f) => ({
        name: f.name,
        startedAt: f.startedAt ?? null,
        statementsDone: f.statementsDone ?? null,
        error: f.error ?? null,
      })),
      ...(indexBuild
        ? {
            interruptedIndexBuild: {
              migration: indexBuild.migration,
              statement: indexBuild.statement,
              index: indexBuild.leftover.index,
              state: indexBuild.leftover.state,
            },
          }
        : {}),
    },
  });
}

/** The database has tables but no migration history: no history table, or one with no rows (Prisma: P3005). */
export function needsBaselineError(ctx: FailureContext, tables: string[], historyExists = false): LockstepError {
  const { workspace } = ctx;
  const shown = tables.slice(0, 8).join(', ') + (tables.length > 8 ? `, and ${tables.length - 8} more` : '');
  const noHistory = historyExists ? `no migration recorded in ${ctx.historyTable}` : `no ${ctx.historyTable} table`;
  return new LockstepError({
    code: codes(workspace).notEmpty,
    message: `The database is not empty (it has ${tables.length} table${tables.length > 1 ? 's' : ''}: ${shown}) but has ${noHistory}, so lockstep cannot tell which migrations its schema already contains. This happens when the schema was created by ${workspace.orm.orm === 'prisma' ? '`prisma db push`' : workspace.orm.orm === 'drizzle' ? '`drizzle-kit push`' : 'synchronize'}, by hand, or by another tool.`,
    state: 'Unchanged: lockstep applied nothing and created nothing.',
    recovery: [
      `If the schema matches all migrations on disk: \`${workspace.cli('baseline')}\`, then \`${workspace.cli('deploy')}\``,
      `If it matches them only up to some migration: \`${workspace.cli('baseline --to <migration name>')}\`, then \`${workspace.cli('deploy')}\` applies the rest`,
    ],
    exitCode: ExitCode.Blocked,
    details: { tables },
  });
}

/**
 * The configured history table is missing or empty, but the ORM's history is in another table:
 * the ORM's runtime and its configuration disagree. Deploying would apply every migration again.
 */
export function historyElsewhereError(ctx: FailureContext, found: HistoryElsewhere[], historyExists: boolean): LockstepError {
  const { workspace } = ctx;
  const config = workspace.orm.configFile ? workspace.rel(workspace.orm.configFile) : undefined;
  const configured = `${ctx.historyTable}${config ? ` (as ${config} configures it)` : ''}`;
  const list = found.map(
    (f) => `${f.table}: ${f.rows} migration${f.rows === 1 ? '' : 's'} recorded${f.newest ? `, the newest ${f.newest}` : ''}`,
  );
  return new LockstepError({
    code: 'LS_HISTORY_ELSEWHERE',
    message:
      `lockstep reads the ${workspace.orm.orm} history from ${configured}, which ${historyExists ? 'has no rows' : 'does not exist'}, but ${found.length === 1 ? 'another table holds' : 'other tables hold'} this ORM's history:\n${list.map((l) => `  - ${l}`).join('\n')}\n` +
      `The migrations were applied with another history table (typically by the app's runtime migrator with settings that differ from the configuration). Deploying now would apply every migration again, from the first, to a database that already has them.`,
    state: 'Unchanged: lockstep applied nothing and created nothing.',
    recovery: [
      ...found.slice(0, 2).map((f) => f.fix),
      `Then \`${workspace.cli('status')}\` shows the history where it is, and \`${workspace.cli('deploy')}\` applies only what is pending.`,
    ],
    exitCode: ExitCode.Usage,
    details: { configured: ctx.historyTable, found },
  });
}

/** Stopping for --strict: applied files edited, rows without files, migrations out of order. */
export function strictError(workspace: Workspace, problems: string[]): LockstepError {
  return new LockstepError({
    code: 'LS_STRICT',
    message: `Deploy refused (--strict): the migration history does not match the files on disk.\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    state: 'Unchanged: lockstep applied nothing.',
    recovery: [
      'Restore edited files from version control (git log -p -- <file> shows the change), restore missing migration folders, or rename out-of-order migrations so they sort last.',
      `To deploy anyway and keep the warnings, run \`${workspace.cli('deploy')}\` without --strict.`,
    ],
    exitCode: ExitCode.Failed,
    details: { problems },
  });
}

/** Pending migrations that sort before applied ones, for an ORM that would skip them silently. */
export function outOfOrderError(workspace: Workspace, names: string[]): LockstepError {
  return new LockstepError({
    code: 'LS_OUT_OF_ORDER',
    message:
      `${names.length === 1 ? `Migration ${names[0]} is` : `Migrations ${names.join(', ')} are`} not applied but older than the newest applied migration (a branch merged after later migrations shipped). ` +
      `${workspace.orm.orm === 'drizzle' ? "Drizzle's migrator skips such a migration without a word, so it would never run on this database." : 'It would run after migrations that were written later than it.'}`,
    state: 'Unchanged: lockstep applied nothing.',
    recovery: [
      `If ${names.length === 1 ? 'it does' : 'they do'} not depend on anything newer, apply ${names.length === 1 ? 'it' : 'them'} anyway: \`${workspace.cli('deploy --allow-out-of-order')}\` (recorded so that ${workspace.orm.orm} stays consistent).`,
      `Or regenerate ${names.length === 1 ? 'it' : 'them'} so that ${names.length === 1 ? 'it sorts' : 'they sort'} after the applied migrations.`,
    ],
    exitCode: ExitCode.Failed,
    details: { outOfOrder: names },
  });
}
