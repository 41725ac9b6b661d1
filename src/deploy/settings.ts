import { parseDuration } from '../util/duration.js';

/** How migrations are run: timeouts, retries and the wait for the migration lock. */
export interface RunSettings {
  /** lock_timeout for every statement that can block reads or writes. */
  lockTimeoutMs: number;
  /** statement_timeout for every statement that can block reads or writes. */
  statementTimeoutMs: number;
  /**
   * statement_timeout for statements whose locks never block reads and writes (CREATE INDEX
   * CONCURRENTLY and friends, plain VACUUM). They run with no lock_timeout: waiting does not stall
   * the application, and a lock timeout would leave an INVALID index behind.
   */
  concurrentStatementTimeoutMs: number;
  /** How many times a migration (or statement) is retried after its lock was not granted in time. */
  lockRetries: number;
  /** First pause before a retry; it doubles per attempt up to `retryMaxDelayMs`, with jitter. */
  retryDelayMs: number;
  retryMaxDelayMs: number;
  /** How long to wait for the migration lock held by another deploy. */
  lockWaitMs: number;
}

/** The settings a run uses when neither the options nor lockstep.config.json set them (all in milliseconds, but `lockRetries`). */
export const DEFAULT_RUN_SETTINGS: RunSettings = {
  lockTimeoutMs: parseDuration('2s'),
  statementTimeoutMs: parseDuration('10m'),
  concurrentStatementTimeoutMs: parseDuration('4h'),
  lockRetries: 8,
  retryDelayMs: parseDuration('500ms'),
  retryMaxDelayMs: parseDuration('15s'),
  lockWaitMs: parseDuration('5m'),
};
