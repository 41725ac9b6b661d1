import type { AuditSettings } from '../audit/audit-log.js';
import { DEFAULT_AUDIT } from '../audit/audit-log.js';
import type { LockstepConfigFile } from '../config/config-file.js';
import { usageError } from '../errors.js';
import type { OrmName } from '../orm/adapter.js';
import type { EmbeddedMode } from '../project/database-url.js';
import { parseDuration } from '../util/duration.js';
import type { DeployEventListener, ProgressListener } from './events.js';
import { DEFAULT_RUN_SETTINGS, type RunSettings } from './settings.js';

/** Options every command shares. */
export interface ProjectOptions {
  /**
   * The project directory: where package.json, the ORM's configuration and lockstep.config.json are.
   * @defaultValue the current directory (`process.cwd()`)
   */
  project?: string;
  /**
   * Which ORM's migrations to use when the project has several (or its files are not where
   * detection looks): `"prisma"`, `"drizzle"` or `"typeorm"`.
   * @defaultValue the one detected; with several, an error (LS_SEVERAL_ORMS) asks for this option
   */
  orm?: OrmName;
  /**
   * The ORM's configuration file, as its own CLI takes it, relative to the project: drizzle-kit's
   * `--config`, the typeorm CLI's `-d` data source, Prisma's `--config` (prisma.config.ts) or
   * `--schema` (a .prisma file or folder).
   * @defaultValue the one lockstep finds (package.json scripts, then the ORM's usual places)
   */
  config?: string;
  /**
   * The database URL (`postgresql://...`); never printed. An empty string is a configuration
   * error (LS_EMPTY_DATABASE_URL), never "not given".
   * @defaultValue the ORM's configuration (its direct URL first), then the DATABASE_URL environment variable (or .env)
   */
  url?: string;
  /**
   * The project's embedded PostgreSQL (PGlite in `.lockstep/pglite`): `true` or `'always'` uses it
   * even when a URL is configured. Default (`false`, `'never'`): a URL must be configured, or the
   * call rejects with LS_NO_DATABASE_URL listing the sources it tried. `'auto'` is the CLI's rule:
   * the embedded database when no URL is set, at an interactive terminal only (not in CI, not with
   * NODE_ENV=production, not without a terminal).
   * @defaultValue `false`
   */
  embedded?: boolean | EmbeddedMode;
  /**
   * Receives events as they happen (the same objects `deploy --json` prints, without `time`).
   * @defaultValue none
   */
  onEvent?: DeployEventListener;
  /**
   * Told what lockstep is waiting for when it starts something that can take a while (loading
   * the configuration, starting the embedded database, connecting, waiting for the migration
   * lock), and `undefined` when that wait is over. The CLI shows it on stderr.
   * @defaultValue none
   */
  onProgress?: ProgressListener;
  /**
   * Flags that recovery commands in messages repeat, e.g. `--project examples/shop` (the CLI passes its own).
   * @defaultValue none
   */
  cliFlags?: string;
}

/**
 * Timeouts and retries. A duration is a string with a unit (`"500ms"`, `"2s"`, `"10m"`, `"4h"`) or
 * a number of milliseconds. lockstep.config.json can set each of them too; an option given here wins.
 */
export interface RunOptions {
  /**
   * `lock_timeout` for every statement that can block reads or writes: how long it may wait for
   * its lock before it gives up (and is retried).
   * @defaultValue `"2s"` (2000 ms)
   */
  lockTimeout?: string | number;
  /**
   * `statement_timeout` for every statement that can block reads or writes.
   * @defaultValue `"10m"` (600000 ms)
   */
  statementTimeout?: string | number;
  /**
   * `statement_timeout` for statements that never block reads and writes (CREATE INDEX
   * CONCURRENTLY and friends); they run with no lock_timeout.
   * @defaultValue `"4h"` (14400000 ms)
   */
  concurrentStatementTimeout?: string | number;
  /**
   * How many times a migration (or statement) is retried after its lock was not granted within
   * `lockTimeout`; a count.
   * @defaultValue `8`
   */
  lockRetries?: number;
  /**
   * The first pause before a retry; it doubles per attempt, with jitter, up to `retryMaxDelay`.
   * @defaultValue `"500ms"`
   */
  retryDelay?: string | number;
  /**
   * The longest pause between two retries.
   * @defaultValue `"15s"` (15000 ms)
   */
  retryMaxDelay?: string | number;
  /**
   * How long to wait for the migration lock while another deploy holds it.
   * @defaultValue `"5m"` (300000 ms)
   */
  lockWait?: string | number;
  /**
   * Write lockstep's audit table (`lockstep.audit_log`): who ran what, when, and with which result.
   * @defaultValue `true`
   */
  audit?: boolean;
}

function duration(value: string | number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  try {
    return parseDuration(value, name);
  } catch (error) {
    throw usageError('LS_BAD_OPTION', `${(error as Error).message}.`, [`Pass ${name} as a duration such as 500ms, 2s or 10m.`]);
  }
}

export function resolveRunSettings(config: LockstepConfigFile, options: RunOptions): RunSettings {
  const d = DEFAULT_RUN_SETTINGS;
  const retries = options.lockRetries ?? config.lockRetries ?? d.lockRetries;
  if (!Number.isInteger(retries) || retries < 0) {
    throw usageError('LS_BAD_OPTION', `lock retries must be a whole number of 0 or more, got ${retries}.`, [
      'Pass --lock-retries with a number such as 8.',
    ]);
  }
  return {
    lockTimeoutMs: duration(options.lockTimeout ?? config.lockTimeout, d.lockTimeoutMs, 'lock timeout'),
    statementTimeoutMs: duration(options.statementTimeout ?? config.statementTimeout, d.statementTimeoutMs, 'statement timeout'),
    concurrentStatementTimeoutMs: duration(
      options.concurrentStatementTimeout ?? config.concurrentStatementTimeout,
      d.concurrentStatementTimeoutMs,
      'concurrent statement timeout',
    ),
    lockRetries: retries,
    retryDelayMs: duration(options.retryDelay ?? config.retryDelay, d.retryDelayMs, 'retry delay'),
    retryMaxDelayMs: duration(options.retryMaxDelay ?? config.retryMaxDelay, d.retryMaxDelayMs, 'retry max delay'),
    lockWaitMs: duration(options.lockWait ?? config.lockWait, d.lockWaitMs, 'lock wait'),
  };
}

export function resolveAuditSettings(config: LockstepConfigFile, options: RunOptions): AuditSettings {
  const fromConfig = config.audit;
  const enabled = options.audit ?? (typeof fromConfig === 'boolean' ? fromConfig : true);
  const custom = typeof fromConfig === 'object' ? fromConfig : {};
  return { enabled, schema: custom.schema ?? DEFAULT_AUDIT.schema, table: custom.table ?? DEFAULT_AUDIT.table };
}
