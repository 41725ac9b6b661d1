import type { DiskMigration } from '../orm/adapter.js';
import type { MigrationStatus } from '../orm/types.js';
import { missingFileText } from './missing-file.js';

export interface HistoryProblem {
  code: 'LS_EDITED' | 'LS_MISSING_ON_DISK' | 'LS_OUT_OF_ORDER' | 'LS_FILE_MISSING';
  migration: string;
  message: string;
}

/** What in the history disagrees with the files: edited, missing and out-of-order migrations. */
export function historyProblems(statuses: MigrationStatus[]): HistoryProblem[] {
  const problems: HistoryProblem[] = [];
  for (const s of statuses) {
    if (s.edited) {
      problems.push({
        code: 'LS_EDITED',
        migration: s.name,
        message: `${s.file} was edited after it was applied (its checksum no longer matches the history); the change never ran on this database.`,
      });
    }
    if (s.state === 'missing-on-disk') {
      problems.push({
        code: 'LS_MISSING_ON_DISK',
        migration: s.name,
        message: `${s.name} is recorded in the history but is not on disk: this build may be older than the database, or the migration was deleted or renamed.`,
      });
    }
    if (s.outOfOrder) {
      problems.push({
        code: 'LS_OUT_OF_ORDER',
        migration: s.name,
        message: `${s.name} is not applied but sorts before migrations that are (a branch merged after later migrations shipped).`,
      });
    }
  }
  return problems;
}

/** Pending migrations that something lists but whose file is missing: deploy refuses them before applying anything. */
export function missingFileProblems(
  statuses: MigrationStatus[],
  disk: DiskMigration[],
  rel: (path: string) => string,
): HistoryProblem[] {
  const byName = new Map(disk.map((m) => [m.name, m]));
  return statuses.flatMap((s) => {
    const migration = byName.get(s.name);
    if (s.state === 'applied' || !migration?.listedIn || migration.script !== undefined) return [];
    return [
      {
        code: 'LS_FILE_MISSING' as const,
        migration: s.name,
        message: missingFileText(rel(migration.path), s.name, rel(migration.listedIn)),
      },
    ];
  });
}

/** Recorded failures block deploys, whether or not the migration's file is on disk. */
export function blockingFailures(statuses: MigrationStatus[]): MigrationStatus[] {
  return statuses.filter((s) => s.state === 'failed' || (s.state === 'missing-on-disk' && s.finishedAt === undefined));
}
