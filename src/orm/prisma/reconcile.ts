import { relative } from 'node:path';
import type { MigrationStatus } from '../types.js';
import { checksumMatches } from './checksum.js';
import type { PrismaMigrationRow } from './history.js';
import type { DiskMigration } from '../adapter.js';

/**
 * Pairs the migrations on disk with the rows of `_prisma_migrations`, with Prisma's rules: a
 * migration is applied when a row with its name is finished and not rolled back, failed when a row
 * is neither finished nor rolled back, and pending when every row with its name is rolled back or
 * there is none. Statuses come in disk order, then rows with no file in the order they started.
 */
export function reconcilePrisma(files: DiskMigration[], rows: PrismaMigrationRow[], projectRoot: string): MigrationStatus[] {
  const rowsByName = new Map<string, PrismaMigrationRow[]>();
  for (const row of rows) {
    const list = rowsByName.get(row.migration_name) ?? [];
    list.push(row);
    rowsByName.set(row.migration_name, list);
  }
  const statuses: MigrationStatus[] = [];
  let lastAppliedIndex = -1;
  files.forEach((file, index) => {
    const own = rowsByName.get(file.name) ?? [];
    const live = own.filter((r) => r.rolled_back_at === null);
    const applied = live.find((r) => r.finished_at !== null);
    const failed = live.find((r) => r.finished_at === null);
    const base = {
      name: file.name,
      file: relative(projectRoot, file.path),
      outOfOrder: false,
      error: undefined,
      statementsDone: undefined,
    };
    if (failed) {
      statuses.push({
        ...base,
        state: 'failed',
        edited: false,
        startedAt: failed.started_at,
        finishedAt: undefined,
        error: failed.logs ?? undefined,
        statementsDone: failed.applied_steps_count,
      });
    } else if (applied) {
      lastAppliedIndex = index;
      const edited =
        file.script !== undefined && applied.checksum !== file.checksum && !checksumMatches(applied.checksum, file.script);
      statuses.push({
        ...base,
        state: 'applied',
        edited,
        startedAt: applied.started_at,
        finishedAt: applied.finished_at ?? undefined,
      });
    } else {
      statuses.push({
        ...base,
        state: own.length > 0 ? 'rolled-back' : 'pending',
        edited: false,
        startedAt: undefined,
        finishedAt: undefined,
      });
    }
  });
  // Statuses are in disk order here, so a status's index is its file's index.
  statuses.forEach((status, index) => {
    if ((status.state === 'pending' || status.state === 'rolled-back') && index < lastAppliedIndex) status.outOfOrder = true;
  });
  const onDisk = new Set(files.map((f) => f.name));
  const missing = new Map<string, PrismaMigrationRow>();
  for (const row of rows) {
    if (!onDisk.has(row.migration_name) && row.rolled_back_at === null && !missing.has(row.migration_name))
      missing.set(row.migration_name, row);
  }
  for (const [name, row] of missing) {
    statuses.push({
      name,
      state: 'missing-on-disk',
      edited: false,
      outOfOrder: false,
      file: undefined,
      startedAt: row.started_at,
      finishedAt: row.finished_at ?? undefined,
      error: row.finished_at === null ? (row.logs ?? undefined) : undefined,
      statementsDone: undefined,
    });
  }
  return statuses;
}
