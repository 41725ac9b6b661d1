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
  /** The project directory; default: the current directory. */
  project?: string;
  /** Which ORM's migrations to use when the project has several (or its files are not where detection looks). */
  orm?: OrmName;
  /**
   * The ORM's configuration file, as its own CLI takes it, relative to the project: drizzle-kit's
   * `--config`, the typeorm CLI's `-d` data source, Prisma's `--config` (prisma.config.ts) or
   * `--schema` (a .prisma file or folder). Default: the one lockstep finds.
   */
  config?: string;
  /** The database URL; default: the ORM's configuration, then DATABASE_URL. An empty string is a configuration error. */
  url?: string;
  /**
   * The project's embedded PostgreSQL (PGlite in `.lockstep/pglite`): `true` or `'always'` uses it
   * even when a URL is configured. Default (`false`, `'never'`): a URL must be configured, or the
   * call rejects with LS_NO_DATABASE_URL listing the sources it tried. `'auto'` is the CLI's rule:
   * the embedded database when no URL is set, at an interactive terminal only (not in CI, not with
   * NODE_ENV=production, not without a terminal).
   */
  embedded?: boolean | EmbeddedMode;
  /** Receives progress events as they happen. */
  onEvent?: DeployEventListener;
  /**
   * Told what lockstep is waiting for when it starts something that can take a while (loading
   * the configuration, starting the embedded database, connecting, waiting for the migration
   * lock), and `undefined` when that wait is over. The CLI shows it on stderr.
   */
  onProgress?: ProgressListener;
  /** Flags that recovery commands in messages repeat, e.g. `--project examples/shop` (the CLI passes its own). */
  cliFlags?: string;
}

/** Timeouts and retries; strings are durations such as "2s", numbers are milliseconds. */
export interface RunOptions {
  lockTimeout?: string | number;
  statementTimeout?: string | number;
  concurrentStatementTimeout?: string | number;
  lockRetries?: number;
  retryDelay?: string | number;
  retryMaxDelay?: string | number;
  lockWait?: string | number;
  /** Write lockstep's audit table (default true). */
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
    throw usageError('LS_BAD_OPTION', `lock retries must be a whole number of 0 or more, got ${retries}.`, ['Pass --lock-retries with a number such as 8.']);
  }
  return {
    lockTimeoutMs: duration(options.lockTimeout ?? config.lockTimeout, d.lockTimeoutMs, 'lock timeout'),
    statementTimeoutMs: duration(options.statementTimeout ?? config.statementTimeout, d.statementTimeoutMs, 'statement timeout'),
    concurrentStatementTimeoutMs: duration(options.concurrentStatementTimeout ?? config.concurrentStatementTimeout, d.concurrentStatementTimeoutMs, 'concurrent statement timeout'),
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
