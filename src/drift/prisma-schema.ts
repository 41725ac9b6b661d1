import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CatalogModel, CatalogTable } from '../db/postgres/introspect.js';
import { usageError } from '../errors.js';
import type { PrismaProject } from '../orm/prisma/project.js';
import { displayIdent } from '../db/postgres/session.js';
import { displayName, quoteLiteral, shortType } from './describe.js';
import { prismaDatamodel, PrismaParserUnavailable, PrismaSchemaInvalid, type Datamodel, type DmmfField, type DmmfModel } from './prisma-dmmf.js';
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

const ACTIONS: Record<string, string> = { Cascade: 'CASCADE', Restrict: 'RESTRICT', NoAction: 'NO ACTION', SetNull: 'SET NULL', SetDefault: 'SET DEFAULT' };

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

/**
 * Compares a Prisma schema with the history replayed into a scratch database: every table,
 * column (type and nullability), enum value, primary key, index, unique constraint and foreign key
 * (with its actions) that the schema implies and the history does not create.
 */
export function comparePrismaSchema(project: PrismaProject, history: CatalogModel, defaultSchema: string): SchemaFileCheck {
  const file = project.schemaPath ? relative(project.root, project.schemaPath) || '.' : 'prisma/schema.prisma';
  const against = 'the migrations on disk, replayed';
  if (!project.schemaPath) return { file, against, skipped: 'the project has no Prisma schema file', differences: [] };
  let datamodel: Datamodel;
  try {
    datamodel = prismaDatamodel(project.root, readSchema(project.schemaPath, project.root));
  } catch (error) {
    if (error instanceof PrismaParserUnavailable) return { file, against, skipped: `Prisma's schema parser is not installed (${error.message})`, differences: [] };
    if (error instanceof PrismaSchemaInvalid) {
      throw usageError('LS_PRISMA_SCHEMA_INVALID', `${file} is not a valid Prisma schema, so it cannot be compared with the migrations:\n${error.message}`, [`Fix ${file} (\`prisma validate\` shows the same errors), then run the command again.`]);
    }
    throw error;
  }

  const differences: SchemaFileDifference[] = [];
  const note = (message: string) => differences.push({ message, sql: undefined });
  const tables = new Map(history.tables.map((t) => [`${t.schema}.${t.name}`, t]));
  const models = new Map<string, ModelMap>();
  for (const model of datamodel.models) {
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
    const inHistory = history.enums.find((h) => h.schema === schema && h.name === name);
    const values = e.values.map((v) => v.dbName ?? v.name);
    if (!inHistory) {
      note(`enum ${displayName(schema, name)} (${values.join(', ')}) is in the schema; the migrations do not create it`);
      continue;
    }
    for (const value of values.filter((v) => !inHistory.values.includes(v))) {
      note(`enum ${displayName(schema, name)}: value ${quoteLiteral(value)} is in the schema; the migrations do not add it`);
    }
  }

  const typeOf = (field: DmmfField): string | undefined => {
    let base: string | undefined;
    if (field.kind === 'enum') {
      const e = enumNames.get(field.type);
      base = e ? (e.schema === defaultSchema ? quoteIdentLike(e.name) : `${quoteIdentLike(e.schema)}.${quoteIdentLike(e.name)}`) : undefined;
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
        note(`${where} is in the schema${expected ? ` as ${shortType(expected)} ${nullability(expectedNotNull)}` : ''}; the migrations do not create it`);
        continue;
      }
      const typeDiffers = expected !== undefined && expected !== column.type;
      const nullDiffers = !field.isList && expectedNotNull !== column.notNull;
      if (typeDiffers || nullDiffers) {
        note(`${where}: the schema says ${shortType(expected ?? column.type)} ${nullability(nullDiffers ? expectedNotNull : column.notNull)}, the migrations create ${shortType(column.type)} ${nullability(column.notNull)}`);
      }
    }
    comparePrimaryKey(map, inHistory, note);
  }

  for (const index of datamodel.indexes) {
    const map = models.get(index.model);
    const inHistory = map && tables.get(`${map.schema}.${map.table}`);
    if (!map || !inHistory || index.type === 'id' || index.type === 'fulltext') continue;
    const columns = index.fields.map((f) => map.column(f.name));
    const unique = index.type === 'unique';
    const method = index.algorithm?.toLowerCase();
    const found = inHistory.indexes.some((i) => i.unique === unique && sameList(i.columns, columns) && (!method || i.method === method));
    if (!found) {
      const attribute = `${unique ? '@@unique' : '@@index'}([${index.fields.map((f) => f.name).join(', ')}])`;
      note(`${unique ? 'unique index' : 'index'} on ${displayName(map.schema, map.table)} (${columns.join(', ')}) is in the schema (${attribute} on ${map.model.name}); the migrations do not create it`);
    }
  }

  if (project.datasource?.relationMode !== 'prisma') {
    for (const map of models.values()) {
      const inHistory = tables.get(`${map.schema}.${map.table}`);
      if (!inHistory) continue;
      for (const field of map.model.fields) {
        if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
        const target = models.get(field.type);
        if (!target) continue;
        const columns = field.relationFromFields.map(map.column);
        const refColumns = (field.relationToFields ?? []).map(target.column);
        const optional = field.relationFromFields.some((name) => !map.model.fields.find((f) => f.name === name)?.isRequired);
        const onDelete = ACTIONS[field.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict')] ?? field.relationOnDelete;
        const onUpdate = ACTIONS[field.relationOnUpdate ?? 'Cascade'] ?? field.relationOnUpdate;
        const what = `foreign key ${displayName(map.schema, map.table)} (${columns.join(', ')}) → ${displayName(target.schema, target.table)} (${refColumns.join(', ')}) (${map.model.name}.${field.name})`;
        const fk = inHistory.constraints.find((c) => c.kind === 'foreign key' && sameList(c.columns, columns));
        if (!fk || !fk.references || fk.references.schema !== target.schema || fk.references.table !== target.table || !sameList(fk.references.columns, refColumns)) {
          note(`${what} is in the schema; the migrations do not create it`);
        } else if (fk.references.onDelete !== onDelete || fk.references.onUpdate !== onUpdate) {
          note(`${what}: the schema says ON DELETE ${onDelete} ON UPDATE ${onUpdate}, the migrations create ON DELETE ${fk.references.onDelete} ON UPDATE ${fk.references.onUpdate}`);
        }
      }
    }
  }
  return { file, against, skipped: undefined, differences };
}

function comparePrimaryKey(map: ModelMap, table: CatalogTable, note: (message: string) => void): void {
  const { model } = map;
  const fields = model.primaryKey?.fields ?? model.fields.filter((f) => f.isId).map((f) => f.name);
  if (fields.length === 0) return;
  const columns = fields.map(map.column);
  const pk = table.constraints.find((c) => c.kind === 'primary key');
  if (!pk || !sameList(pk.columns, columns)) {
    note(`primary key of ${displayName(map.schema, map.table)} (${columns.join(', ')}) is in the schema (${model.name}); the migrations create ${pk ? `(${pk.columns.join(', ')})` : 'none'}`);
  }
}

const sameList = (a: Array<string | null>, b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** format_type quotes a type name the way quote_ident does: bare only when lower-case and simple. */
const quoteIdentLike = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
