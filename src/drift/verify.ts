import { randomUUID } from 'node:crypto';
import { AuditLog } from '../audit/audit-log.js';
import type { PgSession } from '../db/postgres/session.js';
import { resolveAuditSettings } from '../deploy/options.js';
import type { Workspace } from '../deploy/workspace.js';
import { ExitCode, LockstepError } from '../errors.js';
import type { DiskMigration, OrmHistory } from '../orm/adapter.js';
import type { DriftItem } from './compare.js';
import { plural } from './describe.js';
import { compareLiveWithHistory } from './live-check.js';
import { replayPlan, type ReplayPlan } from './replay.js';
import { resolveDriftSettings, type DriftSettingsOptions } from './settings.js';

/** What `deploy --verify` found after applying. */
export interface DriftVerification {
  inSync: boolean;
  /** Migrations replayed to compare with. */
  replayed: number;
  /** Where they were replayed. */
  into: string;
  differences: DriftItem[];
}

const LISTED = 20;

function listDifferences(items: DriftItem[]): string {
  const shown = items.slice(0, LISTED).map((d) => `  - ${d.message}`);
  if (items.length > LISTED) shown.push(`  - and ${items.length - LISTED} more`);
  return shown.join('\n');
}

/**
 * `deploy --verify`: after the deploy applied what was pending, on the same session and under the
 * same lock, replays the whole history and compares it with the live database. Emits a `verify`
 * event; on drift throws a LockstepError (exit 3), so that the app never starts.
 */
export async function verifyAfterDeploy(
  workspace: Workspace,
  session: PgSession,
  history: OrmHistory,
  options: DriftSettingsOptions,
  applied: string[],
): Promise<DriftVerification> {
  const settings = resolveDriftSettings(workspace.orm, workspace.config, workspace.target, options);
  const audit = await AuditLog.openExisting(session, resolveAuditSettings(workspace.config, {}), {
    runId: randomUUID(),
    command: 'deploy',
    orm: workspace.orm.orm,
    historyTable: history.qualifiedName,
  });
  const statuses = (await history.exists()) ? await history.statuses(workspace.disk.migrations, audit) : [];
  const plan = replayPlan(statuses, workspace.disk.migrations);
  const appliedText =
    applied.length > 0
      ? `This deploy applied ${applied.join(', ')} (recorded in ${history.qualifiedName}).`
      : 'This deploy had nothing to apply.';
  const comparison = await compareWorkspace(
    workspace,
    session,
    plan,
    settings,
    'deploy --verify',
    `${appliedText} The app was not started.`,
  );
  const result: DriftVerification = {
    inSync: comparison.differences.length === 0,
    replayed: comparison.replay.migrations.length,
    into: comparison.replay.into,
    differences: comparison.differences,
  };
  workspace.emit({
    type: 'verify',
    inSync: result.inSync,
    replayed: result.replayed,
    into: result.into,
    differences: comparison.differences.map((d) => d.message),
  });
  if (!result.inSync) {
    throw new LockstepError({
      code: 'LS_DRIFT',
      message: `The live database differs from the migration history in ${plural(comparison.differences.length, 'way')}:\n${listDifferences(comparison.differences)}`,
      state: `${appliedText} The app was not started.`,
      recovery: [
        `See every difference and the SQL that reconciles it: \`${workspace.cli('drift')}\` and \`${workspace.cli('drift --sql')}\``,
        'Record intended changes in a new migration, or undo the changes made by hand; then deploy again.',
      ],
      exitCode: ExitCode.Blocked,
      details: {
        differences: comparison.differences.map((d) => ({
          object: d.object,
          change: d.change,
          name: d.name,
          message: d.message,
        })),
      },
    });
  }
  return result;
}

/** compareLiveWithHistory for the workspace a command opened; `state` is what a replay failure says about the database. */
function compareWorkspace(
  workspace: Workspace,
  session: PgSession,
  plan: ReplayPlan,
  settings: ReturnType<typeof resolveDriftSettings>,
  command: string,
  state: string,
) {
  return compareLiveWithHistory({
    orm: workspace.orm,
    root: workspace.orm.root,
    session,
    targetDescription: workspace.targetDescription,
    plan,
    settings,
    command,
    cli: workspace.cli,
    state,
    location: workspace.rel(workspace.disk.location),
  });
}

/**
 * `baseline --check`: before recording migrations as applied without running them, replays them
 * into a scratch database and compares the result with the live schema. On any difference throws
 * a LockstepError (exit 3) and nothing is recorded.
 */
export async function checkBeforeBaseline(
  workspace: Workspace,
  session: PgSession,
  selected: DiskMigration[],
  options: DriftSettingsOptions,
): Promise<void> {
  const settings = resolveDriftSettings(workspace.orm, workspace.config, workspace.target, options);
  const plan: ReplayPlan = {
    steps: selected.map((migration) => ({ migration })),
    pending: [],
    missingOnDisk: [],
    edited: [],
    partial: [],
    failed: [],
  };
  const last = selected.at(-1)!.name;
  const comparison = await compareWorkspace(
    workspace,
    session,
    plan,
    settings,
    'baseline --check',
    'Unchanged: lockstep recorded nothing.',
  );
  if (comparison.differences.length === 0) return;
  throw new LockstepError({
    code: 'LS_BASELINE_DRIFT',
    message: `The live schema does not match the migrations up to ${last} (${plural(selected.length, 'migration')}, replayed into ${comparison.replay.into}); it differs in ${plural(comparison.differences.length, 'way')}:\n${listDifferences(comparison.differences)}`,
    state: 'Unchanged: lockstep recorded nothing.',
    recovery: [
      `If the schema matches an earlier migration, baseline up to that one: \`${workspace.cli('baseline --check --to <migration>')}\``,
      `Otherwise bring the schema in line with the migrations (or add a migration for the difference), then run \`${workspace.cli('baseline --check')}\` again.`,
    ],
    exitCode: ExitCode.Blocked,
    details: {
      differences: comparison.differences.map((d) => ({ object: d.object, change: d.change, name: d.name, message: d.message })),
    },
  });
}
