import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ProjectEnv } from '../../project/env-file.js';
import { loadConfigModule } from '../../project/config-loader.js';
import { MISSING_ENV_PREFIX } from '../../project/shims/prisma-config.js';

const CONFIG_NAMES = [
  'prisma.config.ts',
  'prisma.config.mts',
  'prisma.config.cts',
  'prisma.config.js',
  'prisma.config.mjs',
  'prisma.config.cjs',
  '.config/prisma.ts',
  '.config/prisma.mts',
  '.config/prisma.js',
  '.config/prisma.mjs',
];

/** A configured URL: its value, or the name of the environment variable it needs and lacks. */
export type ConfigUrl = { value: string } | { missingEnv: string };

/** What lockstep reads from prisma.config.ts. Paths are absolute. */
export interface PrismaConfigFile {
  file: string;
  schema: string | undefined;
  migrationsPath: string | undefined;
  url: ConfigUrl | undefined;
  directUrl: ConfigUrl | undefined;
  externalTables: string[];
}

export function findPrismaConfig(root: string): string | undefined {
  for (const name of CONFIG_NAMES) {
    const file = join(root, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * Evaluates prisma.config.ts the way Prisma's CLI does (see loadConfigModule). `prisma/config`
 * resolves to a stand-in whose `env()` reports a missing variable by name instead of throwing.
 */
export async function loadPrismaConfig(file: string, root: string, env: ProjectEnv): Promise<PrismaConfigFile> {
  const loaded = await loadConfigModule(file, root, env, 'LS_PRISMA_CONFIG');
  const config = (loaded ?? {}) as {
    schema?: unknown;
    migrations?: { path?: unknown };
    datasource?: { url?: unknown; directUrl?: unknown };
    tables?: { external?: unknown };
  };
  const base = dirname(file);
  const path = (value: unknown) => (typeof value === 'string' && value ? resolve(base, value) : undefined);
  return {
    file,
    schema: path(config.schema),
    migrationsPath: path(config.migrations?.path),
    url: configUrl(config.datasource?.url),
    directUrl: configUrl(config.datasource?.directUrl),
    externalTables: Array.isArray(config.tables?.external)
      ? config.tables.external.filter((t): t is string => typeof t === 'string')
      : [],
  };
}

function configUrl(value: unknown): ConfigUrl | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (value.startsWith(MISSING_ENV_PREFIX)) return { missingEnv: value.slice(MISSING_ENV_PREFIX.length) };
  return { value };
}
