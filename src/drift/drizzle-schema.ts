import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usageError } from '../errors.js';
import type { DrizzleConfig } from '../orm/drizzle/config-file.js';
import type { ProjectEnv } from '../project/env-file.js';
import { CONFIG_SHIMS } from '../project/config-loader.js';
import { redact } from '../util/redact.js';
import type { IgnoreRules } from './ignore.js';
import type { SchemaFileCheck, SchemaFileDifference } from './schema-file.js';
import { loadJiti } from '../project/cjs-packages.js';

/** drizzle-kit's programmatic API (drizzle-kit/api), as far as lockstep uses it. */
interface DrizzleKitApi {
  generateDrizzleJson(imports: Record<string, unknown>, prevId?: string, schemaFilters?: string[], casing?: string): Snapshot;
  generateMigration(prev: Snapshot, cur: Snapshot): Promise<string[]>;
}

type Snapshot = Record<string, unknown> & { id?: string };
type Collection = Record<string, Record<string, unknown>>;

const here = dirname(fileURLToPath(import.meta.url));

/** A package resolved from the project first, then from lockstep's own installation. */
function resolvePackage(root: string, specifier: string): string | undefined {
  for (const base of [root, here]) {
    try {
      return createRequire(join(base, 'noop.js')).resolve(specifier);
    } catch {
      /* try the next place */
    }
  }
  return undefined;
}

/** The directory of a package's package.json (drizzle-orm exports no package.json, so its entry point is resolved). */
function packageDir(root: string, name: string): string | undefined {
  const entry = resolvePackage(root, name);
  if (!entry) return undefined;
  let dir = dirname(entry);
  while (dir !== dirname(dir) && !existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** The newest drizzle-kit snapshot: the last journal entry's, else the highest-numbered file in meta/. */
function latestSnapshot(out: string): string | undefined {
  const meta = join(out, 'meta');
  try {
    const journal = JSON.parse(readFileSync(join(meta, '_journal.json'), 'utf8')) as { entries?: Array<{ tag: string }> };
    const last = journal.entries?.at(-1);
    if (last) {
      const file = join(meta, `${last.tag.split('_')[0]}_snapshot.json`);
      if (existsSync(file)) return file;
    }
  } catch {
    /* no journal */
  }
  if (!existsSync(meta)) return undefined;
  const files = readdirSync(meta)
    .filter((f) => f.endsWith('_snapshot.json'))
    .sort();
  return files.length > 0 ? join(meta, files.at(-1)!) : undefined;
}

/**
 * drizzle-kit asks on a terminal whether a removed object and an added one are a rename. To compare
 * without asking, an object that disappeared from the schema while another appeared in the same
 * collection is kept in the current snapshot and reported here instead.
 */
function withoutRenameQuestions(prev: Snapshot, cur: Snapshot): { cur: Snapshot; removed: SchemaFileDifference[] } {
  const next: Snapshot = JSON.parse(JSON.stringify(cur)) as Snapshot;
  const removed: SchemaFileDifference[] = [];
  const settle = (before: Collection | undefined, after: Collection | undefined, what: (key: string) => string) => {
    if (!before || !after) return;
    const added = Object.keys(after).filter((k) => !(k in before));
    const gone = Object.keys(before).filter((k) => !(k in after));
    if (added.length === 0 || gone.length === 0) return;
    for (const key of gone) {
      after[key] = before[key]!;
      removed.push({
        side: 'migrations',
        message: `${what(key)} is gone from the schema while ${added.map(what).join(', ')} appeared: a rename or a removal that no migration records (drizzle-kit generate asks which)`,
        sql: undefined,
      });
    }
  };
  for (const [collection, label] of [
    ['schemas', 'schema'],
    ['enums', 'enum'],
    ['sequences', 'sequence'],
    ['tables', 'table'],
    ['views', 'view'],
    ['roles', 'role'],
    ['policies', 'policy'],
  ] as const) {
    settle(prev[collection] as Collection | undefined, next[collection] as Collection | undefined, (key) => `${label} ${key}`);
  }
  const prevTables = (prev.tables ?? {}) as Record<string, { columns?: Collection; policies?: Collection }>;
  for (const [key, table] of Object.entries(
    (next.tables ?? {}) as Record<string, { columns?: Collection; policies?: Collection }>,
  )) {
    const before = prevTables[key];
    if (!before) continue;
    settle(before.columns, table.columns, (column) => `column ${key}.${column}`);
    settle(before.policies, table.policies, (policy) => `policy ${policy} on ${key}`);
  }
  return { cur: next, removed };
}

/**
 * Leaves out of a snapshot the tables, views, enums and sequences the ignore rules match (keyed
 * `schema.name`; a table's schema is '' for public), and the schemas `schema.*` matches. Returns the
 * qualified names left out.
 */
function withoutIgnored(snapshot: Snapshot, ignore: IgnoreRules): string[] {
  const left: string[] = [];
  for (const collection of ['tables', 'views', 'enums', 'sequences'] as const) {
    const objects = snapshot[collection] as Record<string, { name?: string; schema?: string }> | undefined;
    if (!objects) continue;
    for (const [key, object] of Object.entries(objects)) {
      const schema = object.schema || key.split('.')[0] || 'public';
      const name = object.name ?? key.split('.').slice(1).join('.');
      if (ignore.matchesSchema(schema) || ignore.matches(schema, name)) {
        delete objects[key];
        left.push(`${schema}.${name}`);
      }
    }
  }
  const schemas = snapshot.schemas as Record<string, string> | undefined;
  for (const key of Object.keys(schemas ?? {})) {
    if (ignore.matchesSchema(key)) {
      delete schemas![key];
      left.push(`schema ${key}`);
    }
  }
  return left;
}

/** Which side a statement drizzle-kit would generate says has the object: DROP the migrations, CREATE/ADD the schema. */
function sideOf(sql: string): SchemaFileDifference['side'] {
  const text = sql.trim().toUpperCase();
  if (/^DROP\b|^ALTER TABLE \S+ DROP (COLUMN|CONSTRAINT)\b/.test(text)) return 'migrations';
  if (/^CREATE\b|^ALTER TABLE \S+ ADD\b|^ALTER TYPE \S+ ADD VALUE\b/.test(text)) return 'schema';
  return 'both';
}

/**
 * Compares the TypeScript schema with the last migration's snapshot through drizzle-kit's own
 * generator (drizzle-kit/api), both ways: any statement it would generate (creating what the
 * schema adds, dropping what it removed, altering what differs) is a change that no migration
 * records. Objects the ignore rules match are left out of both snapshots.
 */
export async function compareDrizzleSchema(
  root: string,
  config: DrizzleConfig,
  env: ProjectEnv,
  ignore: IgnoreRules,
): Promise<SchemaFileCheck> {
  const file = config.schema.map((f) => relative(root, f)).join(', ') || '(none)';
  const snapshotFile = latestSnapshot(config.out);
  const against = snapshotFile ? relative(root, snapshotFile) : `${relative(root, config.out)}/meta`;
  const skip = (why: string): SchemaFileCheck => ({ file, against, skipped: why, differences: [] });
  if (config.schema.length === 0) return skip(`drizzle.config sets no schema file`);
  if (!snapshotFile) return skip(`there is no drizzle-kit snapshot in ${against} to compare with`);
  const apiPath = resolvePackage(root, 'drizzle-kit/api');
  if (!apiPath) return skip('drizzle-kit is not installed');

  const { glob } = await import('tinyglobby');
  const files = (
    await glob(
      config.schema.map((f) => f.replace(/\\/g, '/')),
      { absolute: true, onlyFiles: true },
    )
  ).sort();
  if (files.length === 0) {
    throw usageError('LS_DRIZZLE_SCHEMA', `The schema setting of drizzle.config (${file}) matches no file.`, [
      'Fix `schema` in drizzle.config, then run the command again.',
    ]);
  }
  const drizzleOrm = packageDir(root, 'drizzle-orm');
  const { createJiti } = loadJiti();
  const jiti = createJiti(join(root, 'noop.js'), {
    alias: { ...CONFIG_SHIMS, ...(drizzleOrm ? { 'drizzle-orm': drizzleOrm } : {}) },
    fsCache: false,
    moduleCache: false,
  });
  const imports: Record<string, unknown> = {};
  for (const schemaFile of files) {
    try {
      Object.assign(imports, (await env.withFileValues(() => jiti.import(schemaFile))) as Record<string, unknown>);
    } catch (error) {
      throw usageError(
        'LS_DRIZZLE_SCHEMA',
        `Could not load the schema file ${relative(root, schemaFile)}: ${redact(error instanceof Error ? error.message : String(error))}`,
        [`Fix the error in ${relative(root, schemaFile)} (or install the packages it imports), then run the command again.`],
      );
    }
  }

  const api = createRequire(import.meta.url)(apiPath) as DrizzleKitApi;
  let prev: Snapshot;
  try {
    prev = JSON.parse(readFileSync(snapshotFile, 'utf8')) as Snapshot;
  } catch (error) {
    throw usageError('LS_DRIZZLE_SNAPSHOT', `${against} is not valid JSON: ${(error as Error).message}.`, [
      'Restore it from version control (drizzle-kit writes it), then run the command again.',
    ]);
  }
  const current = api.generateDrizzleJson(
    imports,
    prev.id,
    config.schemaFilter.length > 0 ? config.schemaFilter : undefined,
    config.casing,
  );
  const ignored = [...new Set([...withoutIgnored(prev, ignore), ...withoutIgnored(current, ignore)])].sort();
  const { cur, removed } = withoutRenameQuestions(prev, current);
  let statements: string[];
  try {
    statements = await api.generateMigration(prev, cur);
  } catch (error) {
    return skip(
      `drizzle-kit could not read ${against}: ${redact(error instanceof Error ? error.message.split('\n')[0]! : String(error))}`,
    );
  }
  const differences: SchemaFileDifference[] = [
    ...removed,
    ...statements.map((sql) => ({
      side: sideOf(sql),
      message: `drizzle-kit generate would write: ${sql.trim().replace(/\s+/g, ' ')}`,
      sql: sql.trim(),
    })),
  ];
  return { file, against, skipped: undefined, differences, ignored };
}
