/** How one migration stands, as `status` reports it and `deploy` plans from it. ORM-neutral. */
export type MigrationState =
  /** Recorded as applied and not rolled back. */
  | 'applied'
  /** On disk, never recorded. */
  | 'pending'
  /** Recorded as started and not finished: it failed or was interrupted. Blocks deploys. */
  | 'failed'
  /** Its only records are rolled back; deploy will apply it again. */
  | 'rolled-back'
  /** Recorded in the history, but its file is not on disk. */
  | 'missing-on-disk';

export interface MigrationStatus {
  name: string;
  state: MigrationState;
  /** Applied, and the file on disk no longer matches the recorded checksum. */
  edited: boolean;
  /** Not applied, and it sorts before a migration that is applied (a merged branch). */
  outOfOrder: boolean;
  /** Path of the migration's file, relative to the project. */
  file: string | undefined;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  /** For failed migrations: the error the history recorded. */
  error: string | undefined;
  /** For failed migrations that ran statement by statement: how many statements completed. */
  statementsDone: number | undefined;
}
