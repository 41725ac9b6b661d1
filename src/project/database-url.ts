import { ExitCode, LockstepError, usageError } from '../errors.js';
import { embeddedDataDir } from '../db/postgres/embedded-session.js';
import type { PgTarget } from '../db/postgres/connect.js';
import { InvalidDatabaseUrl, parseDatabaseUrl, poolerSuspicion, type DatabaseUrl } from '../db/url.js';
import { isCi } from '../util/ci.js';
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

/**
 * When to use the project's embedded database (PGlite in `.lockstep/pglite`):
 * - `always`: use it, whatever URL is configured (`--embedded`, or `embedded: true` in the API);
 * - `never`: use a URL or fail (`--no-embedded`, `embedded: false`, and the API's default);
 * - `auto`: the CLI's default: use it when no URL is set anywhere and lockstep runs at an
 *   interactive terminal (see implicitEmbeddedRefusal); elsewhere fail as `never` does.
 */
export type EmbeddedMode = 'auto' | 'always' | 'never';

/** The embedded mode as options give it: `true` is `always`, `false` and no value are `never`. */
export function embeddedMode(value: boolean | EmbeddedMode | undefined): EmbeddedMode {
  if (value === true) return 'always';
  if (value === false || value === undefined) return 'never';
  return value;
}

/** What decides whether lockstep may choose the embedded database without being asked. */
export interface RunContext {
  env: NodeJS.ProcessEnv;
  /** Standard input and standard error are terminals: a person is at the keyboard. */
  terminal: boolean;
}

export function currentRunContext(): RunContext {
  return { env: process.env, terminal: Boolean(process.stdin.isTTY && process.stderr.isTTY) };
}

/**
 * Why the embedded database may not be chosen here without `--embedded`, or undefined when it may:
 * only a person at an interactive terminal gets it unasked. In CI, in production or without a
 * terminal, a missing URL is a missing secret, and migrating a throwaway database would report
 * success for a deploy that never reached the real one.
 */
export function implicitEmbeddedRefusal(context: RunContext = currentRunContext()): string | undefined {
  if (isCi(context.env)) return 'CI is set';
  if (context.env.NODE_ENV === 'production') return 'NODE_ENV is production';
  if (!context.terminal) return 'standard input or standard error is not a terminal';
  return undefined;
}

export interface TargetWarning {
  code: string;
  message: string;
}

export interface ResolvedTarget {
  target: PgTarget;
  warnings: TargetWarning[];
}

export interface TargetOptions {
  /** `--url` or the API's `url`; an empty string is a configuration error, never "not given". */
  url?: string | undefined;
  /**
   * See EmbeddedMode; default `never`. `placeholder`: with no URL set, the embedded target stands
   * for "no database" and is never opened (lint without a database).
   */
  embedded?: boolean | EmbeddedMode | 'placeholder' | undefined;
  /** The lockstep command, with the flags that chose the project, for messages (`deploy --project app`). */
  command: string;
  /** False when the ORM cannot run on the embedded database (TypeORM runs through its own driver). */
  embeddedAvailable?: boolean;
  /** Messages name options as the command line spells them (`--url`, `--embedded`) or as the API does (`url`, `embedded: true`). Default: cli. */
  phrasing?: 'cli' | 'api';
  /** Default: this process's environment and terminal. */
  context?: RunContext;
}

/** One place a URL can come from, as `LS_NO_DATABASE_URL` lists them. */
export interface UrlSourceTried {
  source: string;
  state: 'not given' | 'not set';
}

/** An explicitly empty URL: a secret that did not arrive, never a request for the embedded database. */
export function emptyUrlError(source: string, command: string, phrasing: 'cli' | 'api' = 'cli'): LockstepError {
  const api = phrasing === 'api';
  const given =
    source === '--url'
      ? api
        ? 'The url option is an empty string'
        : '--url was given an empty value'
      : `The database URL from ${source} is empty`;
  const rerun = api ? 'then call it again' : `then run \`lockstep ${command}\` again`;
  return usageError(
    'LS_EMPTY_DATABASE_URL',
    `${given}. An empty URL is a configuration error (often a secret that is missing in this environment), not a request for the embedded database.`,
    [
      source === '--url'
        ? `Pass the database's URL${api ? ' as url' : ' to --url'} (or leave it out to use the configured one), ${rerun}.`
        : `Set ${source} to the database's URL, or remove the empty setting, ${rerun}.`,
    ],
    { source },
  );
}

/**
 * Chooses the database: `--url`, then the ORM's configuration (its direct URL first), then
 * DATABASE_URL; the first of them that is set decides, and one that is set to an empty string is
 * a configuration error. With none set, the project's embedded database when the embedded mode
 * allows it (see EmbeddedMode), else LS_NO_DATABASE_URL listing the sources that were tried.
 */
export function resolveTarget(
  projectRoot: string,
  configured: ConfiguredUrl[],
  env: ProjectEnv,
  options: TargetOptions,
): ResolvedTarget {
  const phrasing = options.phrasing ?? 'cli';
  if (options.url !== undefined && options.url.trim() === '') throw emptyUrlError('--url', options.command, phrasing);
  const mode = options.embedded === 'placeholder' ? 'placeholder' : embeddedMode(options.embedded);
  const embedded = (): ResolvedTarget => ({ target: { kind: 'embedded', dataDir: embeddedDataDir(projectRoot) }, warnings: [] });
  if (mode === 'always') return embedded();

  const candidates: ConfiguredUrl[] = [];
  if (options.url !== undefined) candidates.push({ source: '--url', value: options.url, missingEnv: undefined, direct: true });
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

  const chosen = candidates.find((c) => c.value !== undefined);
  if (chosen?.value !== undefined && chosen.value.trim() === '') throw emptyUrlError(chosen.source, options.command, phrasing);
  if (chosen?.value === undefined) {
    if (mode === 'placeholder') return embedded();
    const refusal = mode === 'auto' ? implicitEmbeddedRefusal(options.context) : 'never';
    if (refusal === undefined) return embedded();
    throw noDatabaseUrlError(candidates, options, mode === 'auto' ? refusal : undefined);
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

/** No URL is set anywhere and the embedded database was not asked for: what was tried, and the two ways on. */
function noDatabaseUrlError(candidates: ConfiguredUrl[], options: TargetOptions, refusal: string | undefined): LockstepError {
  const api = options.phrasing === 'api';
  const urlOption = api ? 'the url option' : '--url';
  const tried: UrlSourceTried[] = [
    ...(options.url === undefined ? [{ source: urlOption, state: 'not given' as const }] : []),
    ...candidates.filter((c) => c.source !== '--url').map((c) => ({ source: c.source, state: 'not set' as const })),
  ];
  const missing = [...new Set(candidates.map((c) => c.missingEnv).filter((name): name is string => Boolean(name)))];
  const why =
    options.embeddedAvailable === false
      ? ''
      : refusal
        ? ` Without one, lockstep uses the project's embedded database unasked only at an interactive terminal, and here ${refusal}.`
        : api
          ? " The API uses the project's embedded database only when asked (embedded: true)."
          : '';
  const rerun = api ? 'then call it again' : `then run \`lockstep ${options.command}\` again`;
  return usageError(
    'LS_NO_DATABASE_URL',
    `No database URL is configured${missing.length ? `: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set` : ''}.${why} Tried: ${tried.map((t) => `${t.source} (${t.state})`).join(', ')}.`,
    [
      `Set ${missing[0] ?? 'DATABASE_URL'} (or pass ${urlOption}), ${rerun}.`,
      options.embeddedAvailable === false
        ? "The migrations run through the ORM's own driver, which needs a PostgreSQL server."
        : api
          ? "To use the project's embedded database (.lockstep/pglite) instead, pass embedded: true."
          : "To use the project's embedded database (.lockstep/pglite) instead, pass --embedded.",
    ],
    { tried },
  );
}
