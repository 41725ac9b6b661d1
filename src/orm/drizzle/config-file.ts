import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { usageError } from '../../errors.js';
import { loadConfigModule } from '../../project/config-loader.js';
import type { StaticConfigOptions } from '../../project/static-config.js';
import type { ProjectEnv } from '../../project/env-file.js';
import { readPackageJson } from '../../project/package-json.js';

export const DRIZZLE_CONFIG_NAMES = [
  'drizzle.config.ts',
  'drizzle.config.mts',
  'drizzle.config.cts',
  'drizzle.config.js',
  'drizzle.config.mjs',
  'drizzle.config.cjs',
  'drizzle.config.json',
];

/** What lockstep reads from drizzle.config.*. Paths are absolute. */
export interface DrizzleConfig {
  file: string;
  /** How the file was read: JSON, from its syntax tree (data only), or run by a TypeScript-capable loader. */
  readAs?: 'json' | 'data' | 'loader';
  /** postgresql, mysql, sqlite, turso, singlestore, gel; old configs say pg via `driver`. */
  dialect: string | undefined;
  driver: string | undefined;
  /** The migrations folder (`out`, default `drizzle`). */
  out: string;
  /** The TypeScript schema file(s). */
  schema: string[];
  url: string | undefined;
  migrationsTable: string;
  migrationsSchema: string;
  schemaFilter: string[];
  /** drizzle-kit's `casing` (snake_case, camelCase), which names columns in generated SQL. */
  casing?: string | undefined;
}

/** A script or config file named for tests or local development (`test:db`, `drizzle.config.test.ts`). */
const NOT_PRODUCTION = /(^|[:_./-])(test|tests|e2e|spec|integration|ci|dev|development|local)([:_.-]|$)/i;

/**
 * The drizzle-kit config, as the project's scripts use it: the `--config` of a `drizzle-kit
 * migrate` script (the one that applies migrations; one without `--config` uses the default), else
 * drizzle.config.* in the project directory, as drizzle-kit looks for it, else the `--config`
 * another drizzle-kit script passes. Scripts and files named for tests or local development
 * (`test:push`, `drizzle.config.test.ts`) are left out: they point at another database.
 */
export function findDrizzleConfig(root: string): string | undefined {
  const scripts = Object.entries(readPackageJson(root)?.scripts ?? {}).filter(([, command]) => /drizzle-kit/.test(command));
  const configOf = ([name, command]: [string, string]): string | undefined => {
    const match = /--config[=\s]+("[^"]+"|'[^']+'|\S+)/.exec(command);
    const file = match ? resolve(root, match[1]!.replace(/^["']|["']$/g, '')) : undefined;
    if (
      !file ||
      !existsSync(file) ||
      NOT_PRODUCTION.test(name) ||
      NOT_PRODUCTION.test(basename(file).replace(/^drizzle\.config\./, '.'))
    )
      return undefined;
    return file;
  };
  const migrate = scripts.filter(([name, command]) => /drizzle-kit\s+migrate\b/.test(command) && !NOT_PRODUCTION.test(name));
  const fromMigrate = migrate.map(configOf).find(Boolean);
  if (fromMigrate) return fromMigrate;
  for (const name of DRIZZLE_CONFIG_NAMES) {
    const file = join(root, name);
    if (existsSync(file)) return file;
  }
  if (migrate.length === 0) return scripts.map(configOf).find(Boolean);
  return undefined;
}

type RawCredentials = {
  url?: unknown;
  connectionString?: unknown;
  host?: unknown;
  port?: unknown;
  user?: unknown;
  password?: unknown;
  database?: unknown;
  ssl?: unknown;
};

/** A URL from dbCredentials: its `url`, or one built from host, port, user, password and database. */
function credentialsUrl(credentials: RawCredentials | undefined): string | undefined {
  if (!credentials) return undefined;
  const direct = credentials.url ?? credentials.connectionString;
  // An empty url is kept: it is a configuration error (a missing secret), not "no URL".
  if (typeof direct === 'string') return direct;
  if (typeof credentials.host !== 'string' || typeof credentials.database !== 'string') return undefined;
  const user = typeof credentials.user === 'string' ? encodeURIComponent(credentials.user) : '';
  const password = typeof credentials.password === 'string' ? `:${encodeURIComponent(credentials.password)}` : '';
  const auth = user ? `${user}${password}@` : '';
  const port = credentials.port === undefined ? '' : `:${String(credentials.port)}`;
  const ssl = credentials.ssl === true || credentials.ssl === 'require' ? '?sslmode=require' : '';
  return `postgresql://${auth}${credentials.host}${port}/${encodeURIComponent(credentials.database)}${ssl}`;
}

/** What a drizzle.config.ts that is only data may use: drizzle-kit's defineConfig and dotenv/config. */
const DRIZZLE_CONFIG_DATA = (env: ProjectEnv): StaticConfigOptions => ({
  env: (name) => env.visible(name),
  identityImports: { 'drizzle-kit': ['defineConfig'] },
  sideEffectImports: ['dotenv/config'],
});

/**
 * Evaluates drizzle.config.* the way drizzle-kit does (a TypeScript-capable loader; JSON as JSON).
 * drizzle-kit resolves `out` and `schema` against the directory it runs in, the project's, wherever
 * the config file is (`--config=config/drizzle.ts` with `out: './drizzle'` means `<root>/drizzle`).
 */
export async function loadDrizzleConfig(file: string, env: ProjectEnv, root: string): Promise<DrizzleConfig> {
  let raw: unknown;
  let readAs: DrizzleConfig['readAs'] = 'json';
  if (file.endsWith('.json')) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw usageError('LS_DRIZZLE_CONFIG', `Could not read ${file}: ${(error as Error).message}.`, [
        `Fix ${file}, then run the command again.`,
      ]);
    }
  } else {
    // A config that is only data is read without running it; any other is run as drizzle-kit runs it.
    // The reader of configs as data loads only for a Drizzle project, not when detecting the ORM.
    const { readStaticConfig } = await import('../../project/static-config.js');
    const data = await readStaticConfig(file, readFileSync(file, 'utf8'), DRIZZLE_CONFIG_DATA(env));
    readAs = data !== undefined ? 'data' : 'loader';
    raw = data !== undefined ? data : await loadConfigModule(file, root, env, 'LS_DRIZZLE_CONFIG');
  }
  const config = (raw ?? {}) as {
    dialect?: unknown;
    driver?: unknown;
    out?: unknown;
    schema?: unknown;
    dbCredentials?: RawCredentials;
    migrations?: { table?: unknown; schema?: unknown };
    schemaFilter?: unknown;
    casing?: unknown;
  };
  const base = root;
  const strings = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return {
    file,
    readAs,
    dialect: typeof config.dialect === 'string' ? config.dialect : undefined,
    driver: typeof config.driver === 'string' ? config.driver : undefined,
    out: resolve(base, typeof config.out === 'string' && config.out ? config.out : 'drizzle'),
    schema: strings(config.schema).map((s) => resolve(base, s)),
    url: credentialsUrl(config.dbCredentials),
    migrationsTable: typeof config.migrations?.table === 'string' ? config.migrations.table : '__drizzle_migrations',
    migrationsSchema: typeof config.migrations?.schema === 'string' ? config.migrations.schema : 'drizzle',
    schemaFilter: strings(config.schemaFilter),
    casing: typeof config.casing === 'string' ? config.casing : undefined,
  };
}
