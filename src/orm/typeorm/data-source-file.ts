import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { usageError } from '../../errors.js';
import { CompileCache, type Transform } from '../../project/compile-cache.js';
import { CONFIG_SHIMS } from '../../project/config-loader.js';
import { loadErrorText } from '../../project/load-error.js';
import { projectTsconfig, tsconfigForPaths } from '../../project/tsconfig.js';
import { projectTypescriptTransform } from '../../project/typescript-transform.js';
import { readPackageJson } from '../../project/package-json.js';
import { loadJiti } from '../../project/cjs-packages.js';
import { nativeTsRequire, needsFullLoader } from '../../project/native-ts-require.js';

/** The parts of a TypeORM DataSource lockstep uses; typed loosely because it is the project's own typeorm. */
/** Where a TypeORM data source connects: its own options, or those of its replication master. */
export interface ConnectionFields {
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: unknown;
  database?: string;
  ssl?: unknown;
}

export interface LoadedDataSource {
  options: Record<string, unknown> &
    ConnectionFields & {
      type?: string;
      schema?: string;
      /** Read replicas: TypeORM connects writes (and migrations) to `master`, ignoring the top-level connection fields. */
      replication?: { master?: ConnectionFields; slaves?: unknown[] };
      /** TypeORM's MixedList: classes and glob strings, in an array or as an object's values. */
      migrations?: unknown;
      entities?: unknown;
      subscribers?: unknown;
      migrationsTableName?: string;
      migrationsTransactionMode?: 'all' | 'each' | 'none';
      extra?: Record<string, unknown>;
    };
  setOptions(options: Record<string, unknown>): unknown;
  initialize(): Promise<unknown>;
  destroy(): Promise<unknown>;
  isInitialized: boolean;
  createQueryRunner(): TypeormQueryRunner;
  driver: { createSchemaBuilder(): { createMetadataTableIfNecessary?: (queryRunner: TypeormQueryRunner) => Promise<void> } };
}

export interface TypeormQueryRunner {
  connect(): Promise<unknown>;
  release(): Promise<void>;
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
  startTransaction(): Promise<void>;
  commitTransaction(): Promise<void>;
  rollbackTransaction(): Promise<void>;
  isTransactionActive: boolean;
  beforeMigration(): Promise<void>;
  afterMigration(): Promise<void>;
}

const COMMON_PATHS = [
  'src/data-source.ts',
  'src/data-source.js',
  'src/datasource.ts',
  'src/db/data-source.ts',
  'src/database/data-source.ts',
  'src/config/data-source.ts',
  'data-source.ts',
  'data-source.js',
  'dist/data-source.js',
  'dist/src/data-source.js',
  'ormconfig.ts',
  'ormconfig.js',
];

/**
 * Where a project's DataSource is: lockstep.config.json's `typeorm.dataSource`, then the file that
 * package.json scripts pass to the typeorm CLI (`-d` / `--dataSource`), then the usual places.
 */
export function findDataSourceFile(root: string, configured: string | undefined): { file: string; why: string } | undefined {
  if (configured) return { file: resolve(root, configured), why: 'typeorm.dataSource in lockstep.config.json' };
  const scripts = Object.entries(readPackageJson(root)?.scripts ?? {}).filter(([, command]) => /typeorm/.test(command));
  // The script that runs migrations names the data source they run against; prefer it.
  const runsMigrations = ([, command]: [string, string]) => /migration:run\b/.test(command);
  for (const [name, command] of [...scripts.filter(runsMigrations), ...scripts.filter((s) => !runsMigrations(s))]) {
    const match = /(?:^|\s)(?:-d|--dataSource|--data-source)[\s=]+("[^"]+"|'[^']+'|\S+)/.exec(command);
    if (match) {
      const file = resolve(root, match[1]!.replace(/^["']|["']$/g, ''));
      if (existsSync(file)) return { file, why: `the "${name}" script in package.json` };
    }
  }
  for (const path of COMMON_PATHS) {
    const file = join(root, path);
    if (existsSync(file) && /DataSource/.test(readFileSync(file, 'utf8'))) return { file, why: 'its usual location' };
  }
  return undefined;
}

function isDataSource(value: unknown): value is LoadedDataSource {
  return (
    Boolean(value) &&
    typeof value === 'object' &&
    typeof (value as LoadedDataSource).initialize === 'function' &&
    typeof (value as LoadedDataSource).options === 'object'
  );
}

type Jiti = ReturnType<typeof import('jiti').createJiti>;

/** Loads one file of the project and resolves with its exports. */
export type Importer = (file: string) => Promise<unknown>;

/**
 * The loader for a TypeScript project's code: jiti, compiling with the project's own TypeScript
 * and tsconfig.json where it has them (decorator metadata included), resolving the tsconfig's
 * `paths` and `baseUrl` as ts-node with tsconfig-paths does, keeping compiled output in the
 * compile cache, and sharing Node's module cache so that entities, migrations and typeorm itself
 * are loaded once. Compiled JavaScript (a production build) is loaded by Node itself; TypeScript
 * goes straight to the compiler, without first being offered to Node, which cannot load it. Where
 * the project's own TypeScript compiles and the tsconfig has no `paths`, `.ts` files are run by
 * Node's CommonJS loader with the compiled output (see nativeTsRequire), and jiti is loaded only
 * for what Node cannot load (an ES module package, a specifier only jiti resolves).
 */
export async function typeormLoader(file: string, root: string): Promise<Importer> {
  // jiti is loaded on first use: a TypeScript project whose imports Node resolves never needs it.
  const createJiti: typeof import('jiti').createJiti = (...args) => loadJiti().createJiti(...args);
  const tsconfig = projectTsconfig(root);
  const cache = CompileCache.forProject(root);
  const options = {
    alias: { 'dotenv/config': CONFIG_SHIMS['dotenv/config'] },
    fsCache: false,
    moduleCache: true,
    interopDefault: false,
    ...(tsconfigForPaths(tsconfig) ? { tsconfigPaths: tsconfigForPaths(tsconfig) } : {}),
  };
  const projectTransform = projectTypescriptTransform(root, tsconfig, cache);
  const transform = projectTransform ?? jitiTransform(createJiti(file, options), cache);
  // Each loader is made on first use: a TypeScript project needs only the second.
  let javascript: Jiti | undefined;
  let typescript: Jiti | undefined;
  const viaJiti: Importer = (path) =>
    /\.[cm]?tsx?$/.test(path)
      ? (typescript ??= createJiti(file, { ...options, transform, tryNative: false })).import(path)
      : (javascript ??= createJiti(file, { ...options, transform, tryNative: true })).import(path);
  // Node's own loader, for `.ts` files compiled by the project's TypeScript, where Node resolves
  // every import itself (no tsconfig `paths`); what it cannot load goes to jiti.
  if (!projectTransform || options.tsconfigPaths) return viaJiti;
  return async (path) => {
    if (!path.endsWith('.ts')) return viaJiti(path);
    try {
      return nativeTsRequire(path, projectTransform, options.alias);
    } catch (error) {
      if (needsFullLoader(error)) return viaJiti(path);
      throw error;
    }
  };
}

/** jiti's own transform (Babel), for a project without TypeScript, through the compile cache. */
function jitiTransform(jiti: Jiti, cache: CompileCache | undefined): Transform {
  const transform: Transform = (input) => ({ code: jiti.transform(input as import('jiti').TransformOptions) });
  if (!cache) return transform;
  const { version } = createRequire(import.meta.url)('jiti/package.json') as { version: string };
  return cache.wrap(transform, `jiti@${version}`);
}

/**
 * Loads the project's DataSource the way the typeorm CLI does with a TypeScript loader: the file is
 * evaluated (TypeScript, decorators and their metadata included) without compiling the project,
 * and the one exported DataSource (or promise of one) is used. The caller runs it in the project's
 * folder with its .env values visible.
 */
export async function loadDataSource(file: string, root: string, importer: Importer): Promise<LoadedDataSource> {
  let values: unknown[];
  try {
    const exported = await importer(file);
    // The typeorm CLI awaits each export, so a DataSource built by an async factory counts too.
    values = isDataSource(exported) ? [exported] : await Promise.all(Object.values((exported ?? {}) as Record<string, unknown>));
  } catch (error) {
    throw usageError(
      'LS_TYPEORM_DATA_SOURCE',
      `Could not load the TypeORM data source ${relative(root, file)}: ${loadErrorText(error, file, root)}`,
      [`Fix the error in ${relative(root, file)} (or install the packages it imports), then run the command again.`],
    );
  }
  const unique = [...new Set(values.filter(isDataSource))];
  if (unique.length !== 1) {
    throw usageError(
      'LS_TYPEORM_DATA_SOURCE',
      unique.length === 0
        ? `${relative(root, file)} exports no TypeORM DataSource.`
        : `${relative(root, file)} exports ${unique.length} DataSources; lockstep needs exactly one, as the typeorm CLI does.`,
      [
        'Export exactly one DataSource from the file (e.g. `export const AppDataSource = new DataSource({...})`), or set typeorm.dataSource in lockstep.config.json.',
      ],
    );
  }
  return unique[0]!;
}
