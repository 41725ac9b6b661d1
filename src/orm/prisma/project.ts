import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { explicitConfigFile } from '../../project/explicit-config.js';
import { usageError } from '../../errors.js';
import { ProjectEnv } from '../../project/env-file.js';
import { hasDependency, readPackageJson } from '../../project/package-json.js';
import { findPrismaConfig, loadPrismaConfig, type ConfigUrl, type PrismaConfigFile } from './config-file.js';
import type { PrismaDatasource, PslValue } from './schema-file.js';
import type { ConfiguredUrl } from '../../project/database-url.js';

/** Everything lockstep knows about a Prisma project before it touches a database. */
export interface PrismaProject {
  orm: 'prisma';
  root: string;
  /** Why this is a Prisma project: the files and dependencies found. */
  evidence: string[];
  config: PrismaConfigFile | undefined;
  /** The schema file, or the folder of a multi-file schema. */
  schemaPath: string | undefined;
  datasource: PrismaDatasource | undefined;
  datasourceFile: string | undefined;
  migrationsDir: string;
  /** provider from migration_lock.toml, when the file exists. */
  lockProvider: string | undefined;
  externalTables: string[];
  env: ProjectEnv;
}

/** Cheap evidence that `root` is a Prisma project, without evaluating any config. */
export function prismaEvidence(root: string): string[] {
  const evidence: string[] = [];
  const pkg = readPackageJson(root);
  if (hasDependency(pkg, 'prisma')) evidence.push('package.json depends on prisma');
  else if (hasDependency(pkg, '@prisma/client')) evidence.push('package.json depends on @prisma/client');
  const config = findPrismaConfig(root);
  if (config) evidence.push(relative(root, config));
  const schema = defaultSchemaPath(root, pkg?.prisma?.schema);
  if (schema) evidence.push(relative(root, schema) || '.');
  for (const candidate of ['prisma/migrations/migration_lock.toml', 'migrations/migration_lock.toml']) {
    if (existsSync(join(root, candidate))) evidence.push(candidate);
  }
  return evidence;
}

function defaultSchemaPath(root: string, fromPackageJson: string | undefined): string | undefined {
  const candidates = [fromPackageJson, 'prisma/schema.prisma', 'schema.prisma', 'prisma/schema'].filter((c): c is string =>
    Boolean(c),
  );
  for (const candidate of candidates) {
    const path = resolve(root, candidate);
    if (existsSync(path)) return path;
  }
  return undefined;
}

function prismaFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const files: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory() && entry.name !== 'migrations' && entry.name !== 'node_modules') files.push(...prismaFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.prisma')) files.push(full);
  }
  return files.sort();
}

export function readLockProvider(migrationsDir: string): string | undefined {
  const file = join(migrationsDir, 'migration_lock.toml');
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .find((l) => l.trimStart().startsWith('provider'));
  if (!line) return undefined;
  return line
    .replace(/^\s*provider\s*=\s*/, '')
    .trim()
    .replace(/^"(.*)"$/, '$1');
}

/**
 * A Prisma project as Prisma's CLI sees it. `explicit` is what `--config` names: a schema file or
 * folder (Prisma's --schema), or else a prisma.config.ts (Prisma's --config).
 */
export async function loadPrismaProject(root: string, explicit?: string): Promise<PrismaProject> {
  const pkg = readPackageJson(root);
  const evidence = prismaEvidence(root);
  const explicitFile = explicit ? explicitConfigFile(root, explicit) : undefined;
  const explicitSchema =
    explicitFile && (explicitFile.endsWith('.prisma') || statSync(explicitFile).isDirectory()) ? explicitFile : undefined;
  const configFile = explicitFile && !explicitSchema ? explicitFile : findPrismaConfig(root);
  const earlyEnv = new ProjectEnv([root]);
  const config = configFile ? await loadPrismaConfig(configFile, root, earlyEnv) : undefined;
  const schemaPath = explicitSchema ?? config?.schema ?? defaultSchemaPath(root, pkg?.prisma?.schema);
  if (config?.schema && !existsSync(config.schema)) {
    throw usageError(
      'LS_PRISMA_SCHEMA_MISSING',
      `${relative(root, config.file)} names the schema ${relative(root, config.schema)}, which does not exist.`,
      [`Fix "schema" in ${relative(root, config.file)}, then run the command again.`],
    );
  }

  let datasource: PrismaDatasource | undefined;
  let datasourceFile: string | undefined;
  if (schemaPath) {
    // The schema reader loads only for a Prisma project, not when detecting the ORM.
    const { readDatasource } = await import('./schema-file.js');
    for (const file of prismaFiles(schemaPath)) {
      datasource = readDatasource(readFileSync(file, 'utf8'));
      if (datasource) {
        datasourceFile = file;
        break;
      }
    }
  }
  const schemaDir = datasourceFile
    ? dirname(datasourceFile)
    : schemaPath
      ? statSync(schemaPath).isDirectory()
        ? schemaPath
        : dirname(schemaPath)
      : join(root, 'prisma');
  const migrationsDir = config?.migrationsPath ?? join(schemaDir, 'migrations');
  const env = new ProjectEnv(schemaDir === root ? [root] : [root, schemaDir]);
  return {
    orm: 'prisma',
    root,
    evidence,
    config,
    schemaPath,
    datasource,
    datasourceFile,
    migrationsDir,
    lockProvider: readLockProvider(migrationsDir),
    externalTables: config?.externalTables ?? [],
    env,
  };
}

/** Prisma's URLs, direct one first: prisma.config.ts, then the schema's datasource. */
export function prismaConfiguredUrls(project: PrismaProject): ConfiguredUrl[] {
  const urls: ConfiguredUrl[] = [];
  const rel = (file: string) => relative(project.root, file) || file;
  const fromConfig = (value: ConfigUrl | undefined, key: string, direct: boolean) => {
    if (!value || !project.config) return;
    const where = `datasource.${key} in ${rel(project.config.file)}`;
    urls.push(
      'value' in value
        ? { source: where, value: value.value, missingEnv: undefined, direct }
        : { source: where, value: undefined, missingEnv: value.missingEnv, direct },
    );
  };
  // In prisma.config.ts the datasource URL is the one the CLI (and so migrations) use.
  fromConfig(project.config?.directUrl, 'directUrl', true);
  fromConfig(project.config?.url, 'url', !project.config?.directUrl);
  const fromSchema = (value: PslValue | undefined, key: string, direct: boolean) => {
    if (!value || !project.datasourceFile) return;
    const where = `${key} in ${rel(project.datasourceFile)}`;
    if (value.kind === 'literal') {
      urls.push({ source: where, value: value.value, missingEnv: undefined, direct });
      return;
    }
    const found = project.env.get(value.name);
    const origin = found?.source === 'the environment' ? 'the environment' : found ? rel(found.source) : undefined;
    urls.push({
      source: `${value.name} (${key} in ${rel(project.datasourceFile)}${origin ? `, from ${origin}` : ''})`,
      value: found?.value,
      missingEnv: found ? undefined : value.name,
      direct,
    });
  };
  fromSchema(project.datasource?.directUrl, 'directUrl', true);
  fromSchema(project.datasource?.url, 'url', false);
  return urls;
}
