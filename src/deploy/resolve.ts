import { randomUUID } from 'node:crypto';
import { AuditLog } from '../audit/audit-log.js';
import type { LockstepError } from '../errors.js';
import { usageError } from '../errors.js';
import { takeMigrationLock } from './migration-lock.js';
import { requireHistoryPrivileges } from './privileges.js';
import { resolveAuditSettings, resolveRunSettings, type ProjectOptions, type RunOptions } from './options.js';
import { openWorkspace, upgradeHistory, withSession, type Workspace } from './workspace.js';

/** What `resolve()` takes: exactly one of `applied` and `rolledBack`, a migration name. */
export interface ResolveOptions extends ProjectOptions, Pick<RunOptions, 'lockWait' | 'audit'> {
  /**
   * Record this migration as applied without running it.
   * @defaultValue none
   */
  applied?: string;
  /**
   * Record this failed migration as rolled back, so that deploy applies it again.
   * @defaultValue none
   */
  rolledBack?: string;
}

/** What `resolve()` recorded. */
export interface ResolveResult {
  /** The migration's name. */
  migration: string;
  /** What was recorded. */
  action: 'applied' | 'rolled-back';
  /** Failure records of the migration that were marked rolled back. */
  rowsRolledBack: number;
}

/** `resolve --applied` and `--rolled-back`, with the records each ORM's own tooling would write. */
export async function resolve(options: ResolveOptions): Promise<ResolveResult> {
  if (Boolean(options.applied) === Boolean(options.rolledBack)) {
    throw usageError('LS_BAD_OPTION', 'resolve needs exactly one of --applied NAME or --rolled-back NAME.', [
      'lockstep resolve --rolled-back <migration>   (a failed migration that is not in the database)',
      'lockstep resolve --applied <migration>       (a migration whose changes are in the database)',
    ]);
  }
  const workspace = await openWorkspace(options, 'resolve');
  const settings = resolveRunSettings(workspace.config, options);
  const auditSettings = resolveAuditSettings(workspace.config, options);
  const prisma = workspace.orm.orm === 'prisma';
  for (const warning of workspace.warnings) workspace.emit({ type: 'warning', ...warning });
  return withSession(workspace, async (session, history) => {
    const release = await takeMigrationLock(session, workspace, settings.lockWaitMs);
    try {
      const name = (options.applied ?? options.rolledBack)!;
      const audit = await AuditLog.open(session, auditSettings, {
        runId: randomUUID(),
        command: 'resolve',
        orm: workspace.orm.orm,
        historyTable: history.qualifiedName,
      });
      const exists = await history.exists();
      if (exists || options.applied) await requireHistoryPrivileges(session, workspace, history, 'write');
      if (exists && options.applied) await upgradeHistory(workspace, history);
      const statuses = await history.statuses(workspace.disk.migrations, audit);
      const status = statuses.find((s) => s.name === name);
      if (options.applied) {
        const migration = workspace.disk.migrations.find((m) => m.name === name);
        if (!migration || (migration.script === undefined && workspace.orm.orm !== 'typeorm')) {
          throw unknownMigration(workspace, name, Boolean(migration), prisma ? 'P3017' : 'LS_UNKNOWN_MIGRATION');
        }
        if (status?.state === 'applied') {
          throw usageError(prisma ? 'P3008' : 'LS_ALREADY_APPLIED', `Migration ${name} is already recorded as applied.`, [
            `Nothing to do; \`${workspace.cli('status')}\` shows the history.`,
          ]);
        }
        await session.exec('BEGIN');
        let superseded: number;
        try {
          if (!exists) await history.create();
          superseded = await history.markApplied(migration, new Date(), audit);
          await session.exec('COMMIT');
        } catch (error) {
          await session.exec('ROLLBACK').catch(() => undefined);
          throw error;
        }
        await audit
          .record({
            event: 'resolved-applied',
            migration: name,
            checksum: migration.checksum,
            detail: { failedRecordsRolledBack: superseded },
          })
          .catch(() => undefined);
        return { migration: name, action: 'applied' as const, rowsRolledBack: superseded };
      }
      if (!exists) {
        throw usageError(
          prisma ? 'P3011' : 'LS_NOT_FAILED',
          `Migration ${name} cannot be rolled back: the database has no ${history.qualifiedName} table, so nothing was ever applied to it.`,
          [`Run \`${workspace.cli('deploy')}\`.`],
        );
      }
      if (!status || status.state === 'pending')
        throw unknownMigration(
          workspace,
          name,
          workspace.disk.migrations.some((m) => m.name === name),
          prisma ? 'P3011' : 'LS_NOT_FAILED',
        );
      if (status.state !== 'failed' && !(status.state === 'missing-on-disk' && status.finishedAt === undefined)) {
        throw usageError(
          prisma ? 'P3012' : 'LS_NOT_FAILED',
          `Migration ${name} is not in a failed state: ${status.state === 'rolled-back' ? 'its failure is already resolved as rolled back' : 'it is recorded as applied'}.`,
          [
            'Only a failed migration can be marked rolled back. To undo an applied migration, write a new migration that reverses it.',
          ],
        );
      }
      const count = await history.markRolledBack(name, new Date(), audit);
      await audit.record({ event: 'resolved-rolled-back', migration: name, detail: { records: count } }).catch(() => undefined);
      return { migration: name, action: 'rolled-back' as const, rowsRolledBack: count };
    } finally {
      await release();
    }
  });
}

function unknownMigration(workspace: Workspace, name: string, onDisk: boolean, code: string): LockstepError {
  const names = workspace.disk.migrations.map((m) => m.name);
  const close = names.filter((n) => n.includes(name) || name.includes(n)).slice(0, 3);
  const reason =
    code === 'P3017' || code === 'LS_UNKNOWN_MIGRATION'
      ? onDisk
        ? 'its file is missing or unreadable'
        : `there is no migration of that name in ${workspace.rel(workspace.disk.location)}`
      : 'no migration of that name is recorded in the history';
  return usageError(code, `Migration "${name}" cannot be resolved: ${reason}.`, [
    close.length
      ? `Did you mean ${close.join(' or ')}? Migration names are written out in full.`
      : `\`${workspace.cli('status')}\` lists the migrations by their full names.`,
  ]);
}
