import { randomUUID } from 'node:crypto';
import { AuditLog } from '../audit/audit-log.js';
import { ExitCode, LockstepError, usageError } from '../errors.js';
import type { DriftSettingsOptions } from '../drift/settings.js';
import { takeMigrationLock } from './migration-lock.js';
import { requireHistoryPrivileges } from './privileges.js';
import { resolveAuditSettings, resolveRunSettings, type ProjectOptions, type RunOptions } from './options.js';
import { openWorkspace, withSession } from './workspace.js';

/** What `baseline()` takes. */
export interface BaselineOptions extends ProjectOptions, Pick<RunOptions, 'lockWait' | 'audit'> {
  /**
   * The last migration the live schema already contains.
   * @defaultValue the last migration on disk
   */
  to?: string;
  /**
   * First replay the migrations up to `to` and compare them with the live schema (`lockstep drift`);
   * refuse on any difference. An object sets drift's options (`shadowUrl`, `ignore`).
   * @defaultValue `false`
   */
  check?: boolean | DriftSettingsOptions;
}

/** What `baseline()` recorded. */
export interface BaselineResult {
  /** Migrations recorded as applied without running them. */
  marked: string[];
  /** Migrations after `to`, which deploy will apply. */
  pending: string[];
}

/**
 * For a database whose schema already exists (`db push`ed, or built by hand): records the
 * migrations up to `to` as applied without running them, as `prisma migrate resolve --applied`
 * would one by one, in one transaction.
 */
export async function baseline(options: BaselineOptions = {}): Promise<BaselineResult> {
  const workspace = await openWorkspace(options, 'baseline');
  const settings = resolveRunSettings(workspace.config, options);
  const auditSettings = resolveAuditSettings(workspace.config, options);
  for (const warning of workspace.warnings) workspace.emit({ type: 'warning', ...warning });
  const all = workspace.disk.migrations;
  if (all.length === 0) {
    throw usageError(
      'LS_NO_MIGRATIONS',
      `There is nothing to baseline: ${workspace.rel(workspace.disk.location)} has no migrations.`,
      ['Generate the first migration with the ORM before baselining.'],
    );
  }
  const end = options.to === undefined ? all.length - 1 : all.findIndex((m) => m.name === options.to);
  if (end === -1) {
    throw usageError(
      'LS_UNKNOWN_MIGRATION',
      `There is no migration named "${options.to}" in ${workspace.rel(workspace.disk.location)}.`,
      [`Pass --to with one of: ${all.map((m) => m.name).join(', ')}.`],
    );
  }
  const selected = all.slice(0, end + 1);
  const unreadable = workspace.orm.orm === 'typeorm' ? [] : selected.filter((m) => !m.checksum);
  if (unreadable.length > 0) {
    throw usageError(
      'LS_MIGRATION_FILE',
      `Cannot baseline: ${unreadable.map((m) => workspace.rel(m.path)).join(', ')} ${unreadable.length > 1 ? 'do' : 'does'} not exist.`,
      ['Restore the missing files, then run the command again.'],
    );
  }

  return withSession(workspace, async (session, history) => {
    const release = await takeMigrationLock(session, workspace, settings.lockWaitMs);
    try {
      const audit = await AuditLog.openExisting(session, auditSettings, {
        runId: randomUUID(),
        command: 'baseline',
        orm: workspace.orm.orm,
        historyTable: history.qualifiedName,
      });
      if (await history.exists()) {
        const live = (await history.statuses(all, audit)).filter((s) => s.state !== 'pending' && s.state !== 'rolled-back');
        if (live.length > 0) {
          throw usageError(
            'LS_HAS_HISTORY',
            `The database already has a migration history (${live.length} migration${live.length > 1 ? 's' : ''} recorded in ${history.qualifiedName}); baseline is for a database that has none.`,
            [`To record single migrations as applied: \`${workspace.cli('resolve --applied <migration>')}\``],
          );
        }
      }
      const tables = await history.nonEmptyTables();
      if (tables.length === 0) {
        throw new LockstepError({
          code: 'LS_BASELINE_EMPTY',
          message:
            'The database has no tables, so its schema cannot already contain the migrations; baselining it would record migrations as applied that never ran.',
          state: 'Unchanged: lockstep recorded nothing.',
          recovery: [`Apply the migrations instead: \`${workspace.cli('deploy')}\``],
          exitCode: ExitCode.Usage,
        });
      }
      await requireHistoryPrivileges(session, workspace, history, 'write');
      if (options.check) {
        const { checkBeforeBaseline } = await import('../drift/verify.js');
        await checkBeforeBaseline(workspace, session, selected, typeof options.check === 'object' ? options.check : {});
      }
      const at = Date.now();
      await session.exec('BEGIN');
      try {
        if (!(await history.exists())) await history.create();
        for (const [i, migration] of selected.entries()) await history.markApplied(migration, new Date(at + i), audit);
        await session.exec('COMMIT');
      } catch (error) {
        await session.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
      const written = await AuditLog.open(session, auditSettings, {
        runId: randomUUID(),
        command: 'baseline',
        orm: workspace.orm.orm,
        historyTable: history.qualifiedName,
      });
      await written
        .record({ event: 'baselined', detail: { migrations: selected.map((m) => m.name), tables: tables.length } })
        .catch(() => undefined);
      return { marked: selected.map((m) => m.name), pending: all.slice(end + 1).map((m) => m.name) };
    } finally {
      await release();
    }
  });
}
