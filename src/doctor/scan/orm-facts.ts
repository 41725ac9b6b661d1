/**
 * The ORM facts doctor works from, per package: lockstep's own detection (`detectOrms`) and
 * loading (`loadOrm`) for Prisma and Drizzle, and the data source file for TypeORM (whose options
 * are read from the source, not evaluated). Nothing here connects to a database, and a missing
 * environment variable is never an error: a configuration that cannot be loaded is reported as a
 * note and read statically where that is possible.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { readConfigFile } from '../../config/config-file.js';
import { isLockstepError } from '../../errors.js';
import type { DrizzleOrm } from '../../orm/drizzle/adapter.js';
import { findDrizzleConfig } from '../../orm/drizzle/config-file.js';
import type { PrismaOrm } from '../../orm/prisma/adapter.js';
import { findPrismaConfig } from '../../orm/prisma/config-file.js';
import { readDatasource, type PrismaDatasource } from '../../orm/prisma/schema-file.js';
import { findDataSourceFile } from '../../orm/typeorm/data-source-file.js';
import { detectOrms, loadOrm } from '../../project/detect.js';
import { readPackageJson } from '../../project/package-json.js';
import { redact } from '../../util/redact.js';
import { type AstNode, objectProperties, unwrapExpression, walk } from '../../js/estree.js';
import { evaluate, moduleBindings } from '../code/static-eval.js';
import { joinPath } from './file-index.js';
import type { SourceIndex } from './source-index.js';

export interface PrismaFacts {
  /** The schema file (or folder), relative to the scanned root. */
  schema: string | undefined;
  /** The file with the datasource block. */
  datasourceFile: string | undefined;
  migrationsDir: string;
  /** Whether a direct URL is configured (directUrl in the schema or prisma.config.ts). */
  directUrl: boolean;
  /** The environment variable the datasource URL comes from (`DATABASE_URL`), when it is one. */
  urlEnv: string | undefined;
  /** A literal URL in the datasource (never printed). */
  urlLiteral: string | undefined;
  provider: string | undefined;
  configFile: string | undefined;
}

export interface DrizzleFacts {
  configFile: string | undefined;
  dialect: string | undefined;
  /** The migrations folder (`out`), relative to the scanned root. */
  out: string;
  /** The history table drizzle-kit and lockstep use (`migrations.table`, `migrations.schema`). */
  migrationsTable?: string;
  migrationsSchema?: string;
  /**
   * Every drizzle-kit config of the package: this one and the others its scripts pass with
   * `--config` (a project with one config per dialect has several), each read from its source.
   */
  configs?: Array<{
    file: string;
    dialect: string | undefined;
    migrationsTable?: string | undefined;
    migrationsSchema?: string | undefined;
  }>;
}

export interface TypeormFacts {
  /** The data source lockstep and the typeorm CLI load; undefined when none was found (the project is TypeORM all the same). */
  dataSourceFile: string | undefined;
}

export interface PackageOrms {
  dir: string;
  prisma: PrismaFacts | undefined;
  drizzle: DrizzleFacts | undefined;
  typeorm: TypeormFacts | undefined;
}

export async function readOrmFacts(root: string, dir: string, sources: SourceIndex, notes: string[]): Promise<PackageOrms> {
  const abs = join(root, dir);
  const rel = (path: string) => relative(root, path).split('\\').join('/');
  const found = new Set(detectOrms(abs).map((d) => d.orm));
  const facts: PackageOrms = { dir, prisma: undefined, drizzle: undefined, typeorm: undefined };
  const note = (what: string, error: unknown) =>
    notes.push(
      `${dir || '.'}: ${what}: ${redact(isLockstepError(error) ? error.message : error instanceof Error ? error.message : String(error))}`,
    );

  if (found.has('prisma')) {
    try {
      const project = ((await loadOrm(abs, 'prisma')) as PrismaOrm).project;
      const ds = project.datasource;
      const configEnv = project.config ? prismaConfigUrlEnv(sources, rel(project.config.file)) : undefined;
      facts.prisma = {
        schema: project.schemaPath ? rel(project.schemaPath) : undefined,
        datasourceFile: project.datasourceFile ? rel(project.datasourceFile) : undefined,
        migrationsDir: rel(project.migrationsDir),
        directUrl: Boolean(ds?.directUrl) || Boolean(project.config?.directUrl),
        urlEnv: configEnv?.url ?? (ds?.url?.kind === 'env' ? ds.url.name : undefined),
        urlLiteral: ds?.url?.kind === 'literal' ? ds.url.value : undefined,
        provider: ds?.provider ?? project.lockProvider,
        configFile: project.config ? rel(project.config.file) : undefined,
      };
      if (configEnv?.directUrl) facts.prisma.directUrl = true;
    } catch (error) {
      // Read from the source instead (a config that imports a package that is not installed), as for drizzle.config.
      facts.prisma = staticPrismaFacts(abs, sources, rel);
      note(`the Prisma configuration could not be loaded${facts.prisma ? ', and was read from its source' : ''}`, error);
    }
  }

  if (found.has('drizzle')) {
    try {
      const orm = (await loadOrm(abs, 'drizzle')) as DrizzleOrm;
      facts.drizzle = {
        configFile: orm.config.file ? rel(orm.config.file) : undefined,
        dialect: orm.dialect,
        out: rel(orm.config.out),
        migrationsTable: orm.config.migrationsTable,
        migrationsSchema: orm.config.migrationsSchema,
      };
    } catch (error) {
      const file = findDrizzleConfig(abs);
      const fallback = file ? staticDrizzleConfig(sources, rel(file), dir) : undefined;
      if (fallback) facts.drizzle = fallback;
      else note('drizzle.config could not be read', error);
    }
    if (facts.drizzle) {
      const named = Object.values(readPackageJson(abs)?.scripts ?? {}).flatMap((command) => {
        const match = /drizzle-kit\b.*?--config[=\s]+("[^"]+"|'[^']+'|\S+)/.exec(command);
        return match ? [rel(join(abs, match[1]!.replace(/^["']|["']$/g, '')))] : [];
      });
      const configs = [...new Set([facts.drizzle.configFile, ...named].filter((f): f is string => Boolean(f)))];
      facts.drizzle.configs = configs.map((file) => {
        const read = file === facts.drizzle!.configFile ? facts.drizzle! : staticDrizzleConfig(sources, file, dir);
        return { file, dialect: read?.dialect, migrationsTable: read?.migrationsTable, migrationsSchema: read?.migrationsSchema };
      });
    }
  }

  if (found.has('typeorm')) {
    try {
      const configured = readConfigFile(abs).typeorm?.dataSource;
      const file = findDataSourceFile(abs, configured);
      // `lockstep detect` finds the project by its dependency too: doctor reads the sources either way.
      facts.typeorm = { dataSourceFile: file ? rel(file.file) : undefined };
      if (!file) {
        notes.push(
          `${dir || '.'}: no TypeORM data source was found (no package.json script passes one to the typeorm CLI with -d, and none is at src/data-source.ts or the other usual places); the TypeORM checks read the options objects in the sources instead. Set typeorm.dataSource in lockstep.config.json to the file that exports it.`,
        );
      }
    } catch (error) {
      note('the TypeORM data source could not be found', error);
    }
  }
  return facts;
}

/** `datasource: { url: env('X'), directUrl: env('Y') }` in prisma.config.ts, read from the source. */
function prismaConfigUrlEnv(sources: SourceIndex, file: string): { url: string | undefined; directUrl: boolean } | undefined {
  const parsed = sources.parse(file);
  if (!parsed) return undefined;
  let url: string | undefined;
  let directUrl = false;
  walk(parsed.program as unknown as AstNode, (node) => {
    if (node.type !== 'Property') return;
    const key = (node.key as AstNode).name ?? (node.key as AstNode).value;
    if (key !== 'url' && key !== 'directUrl') return;
    const value = unwrapExpression(node.value as AstNode);
    let name: string | undefined;
    if (
      value?.type === 'CallExpression' &&
      (value.callee as AstNode).type === 'Identifier' &&
      (value.callee as AstNode).name === 'env'
    ) {
      const arg = (value.arguments as AstNode[])[0];
      if (arg?.type === 'Literal' && typeof arg.value === 'string') name = arg.value;
    }
    if (value?.type === 'MemberExpression') {
      const text = parsed.file.text.slice(value.start, value.end);
      name = /^process\.env\.(\w+)/.exec(text)?.[1];
    }
    if (key === 'url' && name) url = name;
    if (key === 'directUrl') directUrl = true;
  });
  return { url, directUrl };
}

/**
 * A Prisma project read without running prisma.config.ts: its `schema` and `migrations.path` as
 * far as they are literal (relative to the config file, as Prisma resolves them), else the usual
 * schema locations; the datasource from the schema files.
 */
function staticPrismaFacts(abs: string, sources: SourceIndex, rel: (path: string) => string): PrismaFacts | undefined {
  const configFile = findPrismaConfig(abs);
  let schemaPath: string | undefined;
  let migrationsPath: string | undefined;
  if (configFile) {
    const parsed = sources.parse(rel(configFile));
    const config = parsed ? defaultExportObject(parsed.program as unknown as AstNode) : undefined;
    if (config && parsed) {
      const props = objectProperties(config);
      const ctx = { env: {}, dirname: rel(dirname(configFile)), ...moduleBindings(parsed.program as unknown as AstNode) };
      const schema = evaluate(props.get('schema')?.value as AstNode, ctx);
      const migrations = unwrapExpression(props.get('migrations')?.value as AstNode);
      const path =
        migrations?.type === 'ObjectExpression'
          ? evaluate(objectProperties(migrations).get('path')?.value as AstNode, ctx)
          : undefined;
      if (typeof schema === 'string') schemaPath = resolve(dirname(configFile), schema);
      if (typeof path === 'string') migrationsPath = resolve(dirname(configFile), path);
    }
  }
  schemaPath ??= ['prisma/schema.prisma', 'schema.prisma', 'prisma/schema'].map((c) => join(abs, c)).find((c) => existsSync(c));
  if (!schemaPath || !existsSync(schemaPath)) return undefined;
  const files = (function list(path: string): string[] {
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() && e.name !== 'migrations' && e.name !== 'node_modules'
        ? list(join(path, e.name))
        : e.isFile() && e.name.endsWith('.prisma')
          ? [join(path, e.name)]
          : [],
    );
  })(schemaPath).sort();
  let datasource: PrismaDatasource | undefined;
  let datasourceFile: string | undefined;
  for (const file of files) {
    datasource = readDatasource(readFileSync(file, 'utf8'));
    if (datasource) {
      datasourceFile = file;
      break;
    }
  }
  const schemaDir = datasourceFile
    ? dirname(datasourceFile)
    : statSync(schemaPath).isDirectory()
      ? schemaPath
      : dirname(schemaPath);
  return {
    schema: rel(schemaPath),
    datasourceFile: datasourceFile ? rel(datasourceFile) : undefined,
    migrationsDir: rel(migrationsPath ?? join(schemaDir, 'migrations')),
    directUrl: Boolean(datasource?.directUrl),
    urlEnv: datasource?.url?.kind === 'env' ? datasource.url.name : undefined,
    urlLiteral: datasource?.url?.kind === 'literal' ? datasource.url.value : undefined,
    provider: datasource?.provider,
    configFile: configFile ? rel(configFile) : undefined,
  };
}

/** `export default {...}`, `export default defineConfig({...})`. */
function defaultExportObject(program: AstNode): AstNode | undefined {
  let config: AstNode | undefined;
  walk(program, (node) => {
    if (config) return false;
    if (node.type === 'ExportDefaultDeclaration') {
      let value = unwrapExpression(node.declaration as AstNode);
      if (value?.type === 'CallExpression') value = unwrapExpression((value.arguments as AstNode[])[0]);
      if (value?.type === 'ObjectExpression') config = value;
    }
  });
  return config;
}

/** drizzle.config read from its source when it cannot be evaluated: `dialect` and `out`. */
function staticDrizzleConfig(sources: SourceIndex, file: string, packageDir: string): DrizzleFacts | undefined {
  const parsed = sources.parse(file);
  if (!parsed) return undefined;
  let config: AstNode | undefined;
  walk(parsed.program as unknown as AstNode, (node) => {
    if (config) return false;
    if (node.type === 'ExportDefaultDeclaration') {
      let value = unwrapExpression(node.declaration as AstNode);
      if (value?.type === 'CallExpression') value = unwrapExpression((value.arguments as AstNode[])[0]);
      if (value?.type === 'ObjectExpression') config = value;
    }
  });
  if (!config) return undefined;
  const props = objectProperties(config);
  const ctx = { env: {}, dirname: undefined, ...moduleBindings(parsed.program as unknown as AstNode) };
  const dialect = evaluate(props.get('dialect')?.value as AstNode, ctx);
  const out = evaluate(props.get('out')?.value as AstNode, ctx);
  const migrations = unwrapExpression(props.get('migrations')?.value as AstNode);
  const history = migrations?.type === 'ObjectExpression' ? objectProperties(migrations) : undefined;
  const table = history ? evaluate(history.get('table')?.value as AstNode, ctx) : undefined;
  const schema = history ? evaluate(history.get('schema')?.value as AstNode, ctx) : undefined;
  // drizzle-kit resolves `out` against the directory it runs in (the package's), wherever the config is.
  const base = packageDir;
  return {
    configFile: file,
    dialect: typeof dialect === 'string' ? dialect : undefined,
    out: joinPath(base, typeof out === 'string' ? out : 'drizzle'),
    migrationsTable: typeof table === 'string' ? table : history?.has('table') ? undefined : '__drizzle_migrations',
    migrationsSchema: typeof schema === 'string' ? schema : history?.has('schema') ? undefined : 'drizzle',
  };
}
