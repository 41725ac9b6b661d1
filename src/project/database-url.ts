import { ExitCode, LockstepError, usageError } from '../errors.js';
import { embeddedDataDir } from '../db/postgres/embedded-session.js';
import type { PgTarget } from '../db/postgres/connect.js';
import { InvalidDatabaseUrl, parseDatabaseUrl, poolerSuspicion, type DatabaseUrl } from '../db/url.js';
import type { ProjectEnv } from './env-file.js';

/** A URL the project's configuration names. */
export interface ConfiguredUrl {
  /** Where it is configured, e.g. `directUrl in prisma/schema.prisma` or `DIRECT_URL (from .env)`. */
  source: string;
  value: string | undefined;
  /** The environment variable it reads, when that variable is not set. */
  missingEnv: string | undefined;
  /** A direct (unpooled) URL by configuration: Prisma's directUrl, or the CLI URL of prisma.config.ts. */
  direct: boolean;
}

/** `auto`: use the embedded database only when no URL is configured anywhere. */
export type EmbeddedMode = 'auto' | 'always' | 'never';

export interface TargetWarning {
  code: string;
  message: string;
}

export interface ResolvedTarget {
  target: PgTarget;
  warnings: TargetWarning[];
}

export interface TargetOptions {
  url?: string | undefined;
  embedded?: EmbeddedMode | undefined;
  /** The lockstep command, with the flags that chose the project, for messages (`deploy --project app`). */
  command: string;
  /** False when the ORM cannot run on the embedded database (TypeORM runs through its own driver). */
  embeddedAvailable?: boolean;
}

/**
 * Chooses the database: `--url`, then the ORM's configuration (its direct URL first), then
 * DATABASE_URL, then, when allowed, the project's embedded database.
 */
export function resolveTarget(projectRoot: string, configured: ConfiguredUrl[], env: ProjectEnv, options: TargetOptions): ResolvedTarget {
  const embedded = options.embedded ?? 'auto';
  if (embedded === 'always') return { target: { kind: 'embedded', dataDir: embeddedDataDir(projectRoot) }, warnings: [] };

  const candidates: ConfiguredUrl[] = [];
  if (options.url) candidates.push({ source: '--url', value: options.url, missingEnv: undefined, direct: true });
  candidates.push(...configured);
  const databaseUrl = env.get('DATABASE_URL');
  if (!configured.some((c) => c.source.startsWith('DATABASE_URL '))) {
    candidates.push({
      source: databaseUrl ? `DATABASE_URL (from ${databaseUrl.source})` : 'DATABASE_URL',
      value: databaseUrl?.value,
      missingEnv: databaseUrl ? undefined : 'DATABASE_URL',
      direct: false,
    });
  }

  const chosen = candidates.find((c) => c.value);
  if (!chosen?.value) {
    if (embedded === 'never') {
      const missing = [...new Set(candidates.map((c) => c.missingEnv).filter(Boolean))];
      throw usageError('LS_NO_DATABASE_URL', `No database URL is configured${missing.length ? `: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set` : ''}.`, [
        `Set ${missing[0] ?? 'DATABASE_URL'} (or pass --url), then run \`lockstep ${options.command}\` again.`,
        options.embeddedAvailable === false
          ? 'The migrations run through the ORM\'s own driver, which needs a PostgreSQL server.'
          : `To use the project's embedded database instead, pass --embedded.`,
      ]);
    }
    return { target: { kind: 'embedded', dataDir: embeddedDataDir(projectRoot) }, warnings: [] };
  }

  let url: DatabaseUrl;
  try {
    url = parseDatabaseUrl(chosen.value);
  } catch (error) {
    if (error instanceof InvalidDatabaseUrl) {
      throw usageError('LS_BAD_DATABASE_URL', `The database URL from ${chosen.source} is not usable: ${error.message}.`, [
        `Fix ${chosen.source}, then run \`lockstep ${options.command}\` again.`,
      ]);
    }
    throw error;
  }
  if (url.dialect !== 'postgres') {
    throw new LockstepError({
      code: 'LS_DIALECT_UNSUPPORTED',
      message: `The database URL from ${chosen.source} is a ${url.dialect} URL; this project is configured for PostgreSQL.`,
      state: 'Unchanged: lockstep did not connect.',
      recovery: [`Point ${chosen.source} at the project's PostgreSQL database, then run \`lockstep ${options.command}\` again.`],
      exitCode: ExitCode.Usage,
    });
  }

  const warnings: TargetWarning[] = [];
  const pooled = poolerSuspicion(url);
  if (pooled) {
    const directConfigured = chosen.direct && chosen.source !== '--url';
    warnings.push({
      code: 'LS_POOLED_URL',
      message: directConfigured
        ? `The direct URL from ${chosen.source} looks like a transaction-mode pooler (${pooled.reason}). Migrations need a session of their own: advisory locks and SET lock_timeout do not survive a transaction pooler. Point it at the database itself (port 5432).`
        : `The URL from ${chosen.source} looks like a transaction-mode pooler (${pooled.reason}) and no direct URL is configured. Migrations need a session of their own: advisory locks and SET lock_timeout do not survive a transaction pooler. Configure a direct URL (Prisma: directUrl in the datasource, or datasource.url in prisma.config.ts) or pass --url.`,
    });
  }
  return { target: { kind: 'server', url, source: chosen.source }, warnings };
}
