import type { MigrationMode } from './prepare.js';

/** What `deploy` reports as it goes: rendered as log lines on a terminal, as NDJSON with --json. */
export type DeployEvent =
  | { type: 'run-started'; orm: string; project: string; target: string; embedded: boolean; historyTable: string }
  | { type: 'warning'; code: string; message: string; migration?: string }
  | { type: 'lock-waiting'; holder: string; waitedMs: number }
  | { type: 'lock-acquired'; waitedMs: number }
  /** The ORM's history table was brought to the format its current version writes (Drizzle v1's `name` and `applied_at`). */
  | { type: 'history-upgraded'; table: string; message: string }
  | { type: 'plan'; applied: number; pending: string[]; resume?: { migration: string; fromStatement: number } }
  | { type: 'lint'; files: number; errors: number; warnings: number; suppressed: number; overridden: boolean }
  | { type: 'migration-started'; migration: string; mode: MigrationMode; statements: number; fromStatement: number }
  | {
      type: 'lock-timeout';
      migration: string;
      statement: number;
      line: number;
      attempt: number;
      retryInMs: number | undefined;
      blockers: string[];
    }
  | { type: 'invalid-index-dropped'; migration: string; index: string }
  /** On --resume: the index the interrupted CREATE INDEX CONCURRENTLY builds is in place and valid; the statement is recorded as done. */
  | { type: 'index-already-built'; migration: string; index: string; statement: number }
  | {
      type: 'migration-applied';
      migration: string;
      mode: MigrationMode;
      durationMs: number;
      statements: number;
      lockWaits: number;
      retries: number;
    }
  | {
      type: 'migration-failed';
      migration: string;
      statement: number | undefined;
      line: number | undefined;
      code: string | undefined;
      message: string;
    }
  | { type: 'run-finished'; applied: string[]; durationMs: number }
  /** `--verify`: the live database compared with the replayed history after the deploy. */
  | { type: 'verify'; inSync: boolean; replayed: number; into: string; differences: string[] }
  /** `database`: with --embedded, the embedded database served to the app as DATABASE_URL (where it listens, never a URL). */
  | { type: 'app-starting'; command: string[]; database?: string };

export type DeployEventListener = (event: DeployEvent) => void;

/**
 * What lockstep is waiting for right now (`connecting to ...`), or undefined when it is not
 * waiting. `slow`: this usually takes seconds (starting the embedded database), so show it at once.
 */
export type ProgressListener = (activity: string | undefined, info?: { slow?: boolean }) => void;
