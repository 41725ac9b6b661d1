import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CatalogModel, CatalogTable } from '../db/postgres/introspect.js';
import { usageError } from '../errors.js';
import type { PrismaProject } from '../orm/prisma/project.js';
import { displayIdent } from '../db/postgres/session.js';
import { displayName, quoteLiteral, shortType } from './describe.js';
import {
  prismaDatamodel,
  PrismaParserUnavailable,
  PrismaSchemaInvalid,
  type Datamodel,
  type DmmfField,
  type DmmfModel,
} from './prisma-dmmf.js';
import type { IgnoreRules } from './ignore.js';
import { declaredBlocks } from './prisma-declared.js';
import type { SchemaFileCheck, SchemaFileDifference } from './schema-file.js';

/** Prisma's scalar types on PostgreSQL when the field has no @db attribute, as format_type prints them. */
const DEFAULT_TYPES: Record<string, string> = {
  String: 'text',
  Boolean: 'boolean',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** Prisma's @db.X native types on PostgreSQL, as format_type prints them. */
function nativeType(name: string, args: string[]): string | undefined {
  const n = args.length > 0 ? `(${args.join(',')})` : '';
  switch (name) {
    case 'Text':
      return 'text';
    case 'Char':
      return `character${n || '(1)'}`;
    case 'VarChar':
      return `character varying${n}`;
    case 'Bit':
      return `bit${n || '(1)'}`;
    case 'VarBit':
      return `bit varying${n}`;
    case 'Uuid':
      return 'uuid';
    case 'Xml':
      return 'xml';
    case 'Inet':
      return 'inet';
    case 'Citext':
      return 'citext';
    case 'Boolean':
      return 'boolean';
    case 'Integer':
      return 'integer';
    case 'SmallInt':
      return 'smallint';
    case 'BigInt':
      return 'bigint';
    case 'Oid':
      return 'oid';
    case 'Real':
      return 'real';
    case 'DoublePrecision':
      return 'double precision';
    case 'Decimal':
      return `numeric${n}`;
    case 'Money':
      return 'money';
    case 'Date':
      return 'date';
    case 'Timestamp':
      return `timestamp${n} without time zone`;
    case 'Timestamptz':
      return `timestamp${n} with time zone`;
    case 'Time':
      return `time${n} without time zone`;
    case 'Timetz':
      return `time${n} with time zone`;
    case 'Json':
      return 'json';
    case 'JsonB':
      return 'jsonb';
    case 'ByteA':
      return 'bytea';
    default:
      return undefined;
  }
}

const ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

/** The Prisma schema file, or the files of a multi-file schema as [path, content] pairs. */
function readSchema(path: string, root: string): string | Array<[string, string]> {
  if (!statSync(path).isDirectory()) return readFileSync(path, 'utf8');
  const files: Array<[string, string]> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'migrations' && entry.name !== 'node_modules') walk(full);
      else if (entry.isFile() && entry.name.endsWith('.prisma')) files.push([relative(root, full), readFileSync(full, 'utf8')]);
    }
  };
  walk(path);
  return files;
}

interface ModelMap {
  model: DmmfModel;
  schema: string;
  table: string;
  column: (fieldName: string) => string;
}

/** A Prisma schema read and parsed by Prisma's own parser, or why it could not be. */
export interface ParsedPrismaSchema {
  file: string;
  against: string;
  skipped: string | undefined;
  datamodel: Datamodel | undefined;
  source: string | Array<[string, string]> | undefined;
}

/**
 * Reads and validates the project's Prisma schema. Drift does this before it opens its scratch
 * database, so that Prisma's parser and PGlite are never in memory together. An invalid schema is a
 * usage error (exit 2); a missing schema or parser is a skipped comparison.
 */
export function parsePrismaSchema(project: PrismaProject): ParsedPrismaSchema {
  const file = project.schemaPath ? relative(project.root, project.schemaPath) || '.' : 'prisma/schema.prisma';
  const against = 'the migrations on disk, replayed';
  const skip = (why: string): ParsedPrismaSchema => ({ file, against, skipped: why, datamodel: undefined, source: undefined });
  if (!project.schemaPath) return skip('the project has no Prisma schema file');
  const source = readSchema(project.schemaPath, project.root);
  try {
    return { file, against, skipped: undefined, datamodel: prismaDatamodel(project.root, source), source };
  } catch (error) {
    if (error instanceof PrismaParserUnavailable) return skip(`Prisma's schema parser is not installed (${error.message})`);
    if (error instanceof PrismaSchemaInvalid) {
      throw usageError(
        'LS_PRISMA_SCHEMA_INVALID',
        `${file} is not a valid Prisma schema, so it cannot be compared with the migrations:\n${error.message}`,
        [`Fix ${file} (\`prisma validate\` shows the same errors), then run the command again.`],
      );
    }
    throw error;
  }
}

/**
 * Compares a Prisma schema with the history replayed into a scratch database (already scoped by the
 * ignore rules), both ways: every table, column (type and nullability), enum value, primary key,
 * index, unique constraint and foreign key (with its actions) that the schema implies and the
 * history does not create, and every table, column, enum, enum value, index and foreign key that the
 * history creates in the schema's schemas and the schema does not describe. Models and enums the
 * ignore rules match are left out.
 */
export function comparePrismaSchema(
  parsed: ParsedPrismaSchema,
  project: PrismaProject,
  history: CatalogModel,
  defaultSchema: string,
  ignore: IgnoreRules,
): SchemaFileCheck {
  const { file, against, datamodel, source } = parsed;
  if (parsed.skipped !== undefined || !datamodel || !source) return { file, against, skipped: parsed.skipped, differences: [] };

  const differences: SchemaFileDifference[] = [];
  const note = (message: string) => differences.push({ side: 'schema', message, sql: undefined });
  const differ = (message: string) => differences.push({ side: 'both', message, sql: undefined });
  const lacks = (message: string) => differences.push({ side: 'migrations', message, sql: undefined });
  const ignored: string[] = [];
  const leftOut = (schema: string, name: string) => {
    if (!ignore.matchesSchema(schema) && !ignore.matches(schema, name)) return false;
    ignored.push(`${schema}.${name}`);
    return true;
  };
  const declared = declaredBlocks(typeof source === 'string' ? [source] : source.map(([, text]) => text));
  const views = new Set(declared.filter((b) => b.kind === 'view').map((b) => b.name));
  const tables = new Map(history.tables.map((t) => [`${t.schema}.${t.name}`, t]));
  const models = new Map<string, ModelMap>();
  for (const model of datamodel.models) {
    if (views.has(model.name)) continue;
    if (leftOut(model.schema ?? defaultSchema, model.dbName ?? model.name)) continue;
    const byName = new Map(model.fields.map((f) => [f.name, f]));
    models.set(model.name, {
      model,
      schema: model.schema ?? defaultSchema,
      table: model.dbName ?? model.name,
      column: (fieldName) => byName.get(fieldName)?.dbName ?? fieldName,
    });
  }

  // Enums and their values.
  const enumNames = new Map<string, { schema: string; name: string }>();
  for (const e of datamodel.enums) {
    const schema = e.schema ?? defaultSchema;
    const name = e.dbName ?? e.name;
    enumNames.set(e.name, { schema, name });
    if (leftOut(schema, name)) continue;
    const inHistory = history.enums.find((h) => h.schema === schema && h.name === name);
    const values = e.values.map((v) => v.dbName ?? v.name);
    if (!inHistory) {
      note(`enum ${displayName(schema, name)} (${values.join(', ')}) is in the schema; the migrations do not create it`);
      continue;
    }
    for (const value of values.filter((v) => !inHistory.values.includes(v))) {
      note(`enum ${displayName(schema, name)}: value ${quoteLiteral(value)} is in the schema; the migrations do not add it`);
    }
    for (const value of inHistory.values.filter((v) => !values.includes(v))) {
      lacks(
        `enum ${displayName(schema, name)}: value ${quoteLiteral(value)} is added by the migrations; the schema's enum ${e.name} does not have it`,
      );
    }
  }

  const typeOf = (field: DmmfField): string | undefined => {
    let base: string | undefined;
    if (field.kind === 'enum') {
      const e = enumNames.get(field.type);
      base = e
        ? e.schema === defaultSchema
          ? quoteIdentLike(e.name)
          : `${quoteIdentLike(e.schema)}.${quoteIdentLike(e.name)}`
        : undefined;
    } else if (field.nativeType) {
      base = nativeType(field.nativeType[0], field.nativeType[1]);
    } else {
      base = DEFAULT_TYPES[field.type];
    }
    return base === undefined ? undefined : `${base}${field.isList ? '[]' : ''}`;
  };

  for (const map of models.values()) {
    const { model, schema, table } = map;
    const tableName = displayName(schema, table);
    const inHistory = tables.get(`${schema}.${table}`);
    if (!inHistory) {
      note(`model ${model.name} (table ${tableName}) is in the schema; the migrations do not create the table`);
      continue;
    }
    for (const field of model.fields) {
      if (field.kind !== 'scalar' && field.kind !== 'enum') continue;
      const columnName = map.column(field.name);
      const column = inHistory.columns.find((c) => c.name === columnName);
      const where = `column ${tableName}.${displayIdent(columnName)} (${model.name}.${field.name})`;
      const expected = typeOf(field);
      const nullability = (notNull: boolean) => (notNull ? 'NOT NULL' : 'NULL');
      const expectedNotNull = field.isRequired && !field.isList;
      if (!column) {
        note(
          `${where} is in the schema${expected ? ` as ${shortType(expected)} ${nullability(expectedNotNull)}` : ''}; the migrations do not create it`,
        );
        continue;
      }
      const typeDiffers = expected !== undefined && expected !== column.type;
      const nullDiffers = !field.isList && expectedNotNull !== column.notNull;
      if (typeDiffers || nullDiffers) {
        differ(
          `${where}: the schema says ${shortType(expected ?? column.type)} ${nullability(nullDiffers ? expectedNotNull : column.notNull)}, the migrations create ${shortType(column.type)} ${nullability(column.notNull)}`,
        );
      }
    }
    comparePrimaryKey(map, inHistory, note, differ);
  }

  for (const index of datamodel.indexes) {
    const map = models.get(index.model);
    const inHistory = map && tables.get(`${map.schema}.${map.table}`);
    if (!map || !inHistory || index.type === 'id' || index.type === 'fulltext') continue;
    const columns = index.fields.map((f) => map.column(f.name));
    const unique = index.type === 'unique';
    const method = index.algorithm?.toLowerCase();
    const found = inHistory.indexes.some(
      (i) => i.unique === unique && sameList(i.columns, columns) && (!method || i.method === method),
    );
    if (!found) {
      const attribute = `${unique ? '@@unique' : '@@index'}([${index.fields.map((f) => f.name).join(', ')}])`;
      note(
        `${unique ? 'unique index' : 'index'} on ${displayName(map.schema, map.table)} (${columns.join(', ')}) is in the schema (${attribute} on ${map.model.name}); the migrations do not create it`,
      );
    }
  }

  if (project.datasource?.relationMode !== 'prisma') {
    for (const map of models.values()) {
      const inHistory = tables.get(`${map.schema}.${map.table}`);
      if (!inHistory) continue;
      for (const field of map.model.fields) {
        if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
        const target = models.get(field.type);
        if (!target) continue; // a model the ignore rules leave out
        const columns = field.relationFromFields.map(map.column);
        const refColumns = (field.relationToFields ?? []).map(target.column);
        const optional = field.relationFromFields.some((name) => !map.model.fields.find((f) => f.name === name)?.isRequired);
        const onDelete = ACTIONS[field.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict')] ?? field.relationOnDelete;
        const onUpdate = ACTIONS[field.relationOnUpdate ?? 'Cascade'] ?? field.relationOnUpdate;
        const what = `foreign key ${displayName(map.schema, map.table)} (${columns.join(', ')}) → ${displayName(target.schema, target.table)} (${refColumns.join(', ')}) (${map.model.name}.${field.name})`;
        const fk = inHistory.constraints.find((c) => c.kind === 'foreign key' && sameList(c.columns, columns));
        if (
          !fk?.references ||
          fk.references.schema !== target.schema ||
          fk.references.table !== target.table ||
          !sameList(fk.references.columns, refColumns)
        ) {
          note(`${what} is in the schema; the migrations do not create it`);
        } else if (fk.references.onDelete !== onDelete || fk.references.onUpdate !== onUpdate) {
          differ(
            `${what}: the schema says ON DELETE ${onDelete} ON UPDATE ${onUpdate}, the migrations create ON DELETE ${fk.references.onDelete} ON UPDATE ${fk.references.onUpdate}`,
          );
        }
      }
    }
  }
  const notes = migrationsOnly(project, history, defaultSchema, datamodel, models, declared, lacks);
  return { file, against, skipped: undefined, differences, ignored: [...new Set(ignored)].sort(), notes };
}

/**
 * The other direction: what the migrations create in the schema's schemas that the schema does not
 * describe. Tables of `@@ignore` models, columns of `Unsupported(...)` and `@ignore` fields and the
 * join tables of implicit many-to-many relations are described; indexes Prisma's schema cannot
 * express (on expressions, partial) are not compared and returned as a note.
 */
function migrationsOnly(
  project: PrismaProject,
  history: CatalogModel,
  defaultSchema: string,
  datamodel: Datamodel,
  models: Map<string, ModelMap>,
  declared: ReturnType<typeof declaredBlocks>,
  lacks: (message: string) => void,
): string[] {
  const schemas = new Set(project.datasource?.schemas.length ? project.datasource.schemas : [defaultSchema]);
  const byTable = new Map([...models.values()].map((m) => [`${m.schema}.${m.table}`, m]));
  const declaredByModel = new Map(declared.map((b) => [b.name, b]));
  const described = new Set(
    declared.filter((b) => b.ignored || b.kind === 'view').map((b) => `${b.schema ?? defaultSchema}.${b.table}`),
  );
  const joinTables = new Set<string>();
  for (const model of datamodel.models) {
    for (const field of model.fields) {
      if (field.kind === 'object' && field.isList && !field.relationFromFields?.length && field.relationName)
        joinTables.add(`_${field.relationName}`);
    }
  }
  const notExpressed: string[] = [];
  const relationMode = project.datasource?.relationMode === 'prisma';
  for (const e of history.enums) {
    if (!schemas.has(e.schema)) continue;
    if (!datamodel.enums.some((d) => (d.schema ?? defaultSchema) === e.schema && (d.dbName ?? d.name) === e.name)) {
      lacks(
        `enum ${displayName(e.schema, e.name)} (${e.values.join(', ')}) is created by the migrations; the schema has no enum for it`,
      );
    }
  }
  for (const table of history.tables) {
    if (!schemas.has(table.schema)) continue;
    const key = `${table.schema}.${table.name}`;
    const tableName = displayName(table.schema, table.name);
    const map = byTable.get(key);
    if (!map) {
      if (!described.has(key) && !joinTables.has(table.name))
        lacks(`table ${tableName} is created by the migrations; the schema has no model for it`);
      continue;
    }
    const columns = new Set([
      ...map.model.fields.map((f) => f.dbName ?? f.name),
      ...(declaredByModel.get(map.model.name)?.columns ?? []),
    ]);
    for (const column of table.columns.filter((c) => !columns.has(c.name))) {
      lacks(
        `column ${tableName}.${displayIdent(column.name)} (${shortType(column.type)} ${column.notNull ? 'NOT NULL' : 'NULL'}) is created by the migrations; model ${map.model.name} has no field for it`,
      );
    }
    const indexes = datamodel.indexes.filter((i) => i.model === map.model.name && i.type !== 'id');
    for (const index of table.indexes) {
      if (
        index.primary ||
        (index.constraint && table.constraints.some((c) => c.name === index.constraint && c.kind === 'exclusion'))
      )
        continue;
      if (index.predicate !== null || index.columns.some((c) => c === null)) {
        notExpressed.push(displayName(table.schema, index.name));
        continue;
      }
      const found = indexes.some(
        (i) =>
          (i.type === 'unique') === index.unique &&
          sameList(
            index.columns,
            i.fields.map((f) => map.column(f.name)),
          ) &&
          (!i.algorithm || i.algorithm.toLowerCase() === index.method),
      );
      if (!found) {
        lacks(
          `${index.unique ? 'unique index' : 'index'} ${displayName(table.schema, index.name)} on ${tableName} (${index.columns.join(', ')}) is created by the migrations; the schema has no ${index.unique ? '@unique or @@unique' : '@@index'} for it on ${map.model.name}`,
        );
      }
    }
    if (relationMode) continue;
    const relations = map.model.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length);
    for (const fk of table.constraints.filter((c) => c.kind === 'foreign key')) {
      // A foreign key to a table with no model (reported itself, or left out by the ignore rules) cannot have a relation.
      const target = fk.references ? byTable.get(`${fk.references.schema}.${fk.references.table}`) : undefined;
      if (!target) continue;
      const found = relations.some(
        (f) => sameList(fk.columns, f.relationFromFields!.map(map.column)) && models.get(f.type) === target,
      );
      if (!found) {
        lacks(
          `foreign key ${fk.name} on ${tableName} (${fk.columns.join(', ')}) → ${displayName(target.schema, target.table)} (${fk.references!.columns.join(', ')}) is created by the migrations; model ${map.model.name} has no relation for it`,
        );
      }
    }
  }
  const notes: string[] = [];
  if (notExpressed.length > 0) {
    notes.push(
      `${notExpressed.length === 1 ? '1 index the migrations create is' : `${notExpressed.length} indexes the migrations create are`} not compared with the schema, which cannot express indexes on expressions or partial indexes: ${notExpressed.slice(0, 5).join(', ')}${notExpressed.length > 5 ? ', …' : ''}`,
    );
  }
  return notes;
}

function comparePrimaryKey(
  map: ModelMap,
  table: CatalogTable,
  note: (message: string) => void,
  differ: (message: string) => void,
): void {
  const { model } = map;
  const fields = model.primaryKey?.fields ?? model.fields.filter((f) => f.isId).map((f) => f.name);
  if (fields.length === 0) return;
  const columns = fields.map(map.column);
  const pk = table.constraints.find((c) => c.kind === 'primary key');
  if (!pk || !sameList(pk.columns, columns)) {
    (pk ? differ : note)(
      `primary key of ${displayName(map.schema, map.table)} (${columns.join(', ')}) is in the schema (${model.name}); the migrations create ${pk ? `(${pk.columns.join(', ')})` : 'none'}`,
    );
  }
}

const sameList = (a: Array<string | null>, b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** format_type quotes a type name the way quote_ident does: bare only when lower-case and simple. */
const quoteIdentLike = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
