import { quoteIdent, type PgSession } from './session.js';

/**
 * One database's schema as the catalog describes it: what `drift` compares. Every text is what
 * PostgreSQL itself prints (format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef,
 * pg_get_viewdef) under one fixed search_path, so that two databases built by the same statements
 * give the same model even across server versions.
 */
export interface CatalogModel {
  /** server_version_num of the database described. */
  serverVersion: number;
  schemas: CatalogSchema[];
  extensions: CatalogExtension[];
  enums: CatalogEnum[];
  tables: CatalogTable[];
  views: CatalogView[];
  sequences: CatalogSequence[];
  /** Partitions (relispartition), qualified: they follow their parent and are not compared. */
  partitions: string[];
}

export interface CatalogSchema {
  name: string;
  comment: string | null;
}

export interface CatalogExtension {
  name: string;
  schema: string;
  version: string;
}

export interface CatalogEnum {
  schema: string;
  name: string;
  /** In sort order. */
  values: string[];
  comment: string | null;
}

export type IdentityKind = 'always' | 'by default';

export interface CatalogColumn {
  name: string;
  /** 1-based position among the table's live columns. */
  position: number;
  /** As format_type prints it, e.g. `character varying(32)`, `timestamp(3) without time zone`. */
  type: string;
  notNull: boolean;
  /** The default expression as pg_get_expr prints it; null for none (and for generated columns). */
  default: string | null;
  identity: IdentityKind | null;
  /** The expression of a generated column. */
  generated: string | null;
  /** `stored` or `virtual` for generated columns. */
  generatedKind: 'stored' | 'virtual' | null;
  /** An explicit COLLATE that differs from the type's default, qualified. */
  collation: string | null;
  comment: string | null;
}

export type ConstraintKind = 'primary key' | 'unique' | 'check' | 'foreign key' | 'exclusion';

export interface CatalogConstraint {
  name: string;
  kind: ConstraintKind;
  /** pg_get_constraintdef without a trailing NOT VALID, e.g. `FOREIGN KEY ("userId") REFERENCES "User"(id) ON DELETE CASCADE`. */
  definition: string;
  /** False for a constraint added NOT VALID and never validated. */
  validated: boolean;
  columns: string[];
  /** Foreign keys: the referenced table, its columns and the actions (`CASCADE`, `NO ACTION`, ...). */
  references: { schema: string; table: string; columns: string[]; onDelete: string; onUpdate: string } | null;
  comment: string | null;
}

export interface CatalogIndex {
  name: string;
  unique: boolean;
  primary: boolean;
  method: string;
  /** The index definition from `USING` on, e.g. `USING btree (due_at) WHERE (due_at IS NOT NULL)`. */
  definition: string;
  /** Key columns in order; null for an expression. */
  columns: Array<string | null>;
  predicate: string | null;
  /** False for an index left INVALID by a failed CREATE INDEX CONCURRENTLY. */
  valid: boolean;
  /** The constraint this index implements (primary key, unique, exclusion), if any. */
  constraint: string | null;
  /** pg_get_indexdef as a whole: the statement that creates the index. */
  createStatement: string;
  comment: string | null;
}

export interface CatalogTable {
  schema: string;
  name: string;
  kind: 'table' | 'partitioned table' | 'foreign table';
  /** For partitioned tables: pg_get_partkeydef, e.g. `RANGE (created_at)`. */
  partitionKey: string | null;
  unlogged: boolean;
  columns: CatalogColumn[];
  constraints: CatalogConstraint[];
  indexes: CatalogIndex[];
  comment: string | null;
}

export interface CatalogView {
  schema: string;
  name: string;
  materialized: boolean;
  /** pg_get_viewdef, whitespace collapsed. */
  definition: string;
  /** What definitions are compared by: the definition itself, unless a caller sets a version-independent key. */
  canonical: string;
  comment: string | null;
}

export interface CatalogSequence {
  schema: string;
  name: string;
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  /** The column that owns it (serial columns), or null. */
  ownedBy: { schema: string; table: string; column: string } | null;
  comment: string | null;
}

export interface IntrospectOptions {
  /**
   * The search_path the catalog texts are printed under. Names in the first schema print
   * unqualified; both databases of a comparison must use the same one.
   */
  searchPath: string[];
}

/** Namespaces that are never part of an application's schema. */
const SYSTEM_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname !~ '^pg_(toast_)?temp_'`;
/** Objects that belong to an extension (pg_depend deptype 'e') come and go with it. */
const notFromExtension = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '${catalog}'::regclass AND dep.objid = ${oid} AND dep.deptype = 'e')`;

/** An object's comment, read from pg_description directly (obj_description is a SQL function call per row). */
const comment = (oid: string, catalog: string) =>
  `(SELECT d.description FROM pg_description d WHERE d.objoid = ${oid} AND d.classoid = '${catalog}'::regclass AND d.objsubid = 0)`;

const SCHEMAS_SQL = `
SELECT n.nspname AS name, ${comment('n.oid', 'pg_namespace')} AS comment
  FROM pg_namespace n
 WHERE ${SYSTEM_SCHEMAS} AND ${notFromExtension('pg_namespace', 'n.oid')}`;

const EXTENSIONS_SQL = `
SELECT e.extname AS name, n.nspname AS schema, e.extversion AS version
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace`;

const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name,
       array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS "values",
       ${comment('t.oid', 'pg_type')} AS comment
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_enum e ON e.enumtypid = t.oid
 WHERE t.typtype = 'e' AND ${SYSTEM_SCHEMAS} AND ${notFromExtension('pg_type', 't.oid')}
 GROUP BY n.nspname, t.typname, t.oid`;

const RELATIONS_SQL = `
SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
       c.relispartition AS partition, c.relpersistence::text AS persistence,
       ${comment('c.oid', 'pg_class')} AS comment,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS view_definition
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ${SYSTEM_SCHEMAS} AND ${notFromExtension('pg_class', 'c.oid')}`;

const COLUMNS_SQL = `
SELECT a.attrelid::int8::text AS relation, a.attname AS name, a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
       pg_get_expr(d.adbin, d.adrelid) AS expression, a.attidentity::text AS identity, a.attgenerated::text AS generated,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
            THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation,
       ds.description AS comment
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
  LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
  LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND ${SYSTEM_SCHEMAS}
 ORDER BY a.attrelid, a.attnum`;

// PostgreSQL 18 also records NOT NULL as constraints (contype 'n'); attnotnull says the same on every version.
const CONSTRAINTS_SQL = `
SELECT con.conrelid::int8::text AS relation, con.conname AS name, con.contype::text AS type,
       pg_get_constraintdef(con.oid) AS definition, con.convalidated AS validated,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns,
       con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
       ${comment('con.oid', 'pg_constraint')} AS comment
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class rc ON rc.oid = con.confrelid
  LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
 WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND ${SYSTEM_SCHEMAS}`;

const INDEXES_SQL = `
SELECT i.indrelid::int8::text AS relation, ic.relname AS name, i.indisunique AS unique, i.indisprimary AS primary,
       i.indisvalid AS valid, am.amname AS method, pg_get_indexdef(i.indexrelid) AS definition,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
               LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns,
       con.conname AS constraint,
       ${comment('i.indexrelid', 'pg_class')} AS comment
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = ic.relnamespace
  JOIN pg_am am ON am.oid = ic.relam
  LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
 WHERE ${SYSTEM_SCHEMAS}`;

// Identity sequences (deptype 'i') are part of their column's identity and compared there.
const SEQUENCES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS type,
       s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
       s.seqcache::text AS cache, s.seqcycle AS cycle,
       (SELECT ARRAY[dn.nspname::text, dc.relname::text, da.attname::text]
          FROM pg_depend d JOIN pg_class dc ON dc.oid = d.refobjid JOIN pg_namespace dn ON dn.oid = dc.relnamespace
          JOIN pg_attribute da ON da.attrelid = d.refobjid AND da.attnum = d.refobjsubid
         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
         LIMIT 1) AS owned_by,
       ${comment('c.oid', 'pg_class')} AS comment
  FROM pg_sequence s
  JOIN pg_class c ON c.oid = s.seqrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE ${SYSTEM_SCHEMAS} AND ${notFromExtension('pg_class', 'c.oid')}
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i')`;

const FK_ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
const CONSTRAINT_KINDS: Record<string, ConstraintKind> = {
  p: 'primary key',
  u: 'unique',
  c: 'check',
  f: 'foreign key',
  x: 'exclusion',
};

/** Text arrays arrive parsed from node-postgres and PGlite alike; a literal `{a,b}` is parsed here just in case. */
function textArray(value: unknown): Array<string | null> {
  if (Array.isArray(value)) return value.map((v) => (v === null ? null : String(v)));
  if (typeof value !== 'string' || value === '{}') return [];
  return value
    .slice(1, -1)
    .split(',')
    .map((v) => (v === 'NULL' ? null : v.replace(/^"|"$/g, '')));
}

function ownedBy(value: unknown): CatalogSequence['ownedBy'] {
  const [schema, table, column] = textArray(value);
  return schema && table && column ? { schema, table, column } : null;
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** `CREATE [UNIQUE] INDEX name ON [ONLY] table USING ...` → `USING ...`. */
export function indexDefinitionTail(createStatement: string): string {
  const at = createStatement.indexOf(' USING ');
  return at === -1 ? createStatement : createStatement.slice(at + 1);
}

/**
 * Reads the schema of the database behind `session` with a fixed number of set-based catalog
 * queries (eight, whatever the size of the schema), in one read-only snapshot. Leaves the
 * session's search_path as it was.
 */
export async function introspectCatalog(session: PgSession, options: IntrospectOptions): Promise<CatalogModel> {
  await session.exec(
    `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL search_path TO ${options.searchPath.map(quoteIdent).join(', ') || "''"}`,
  );
  try {
    const model = await readCatalog(session);
    await session.exec('COMMIT');
    return model;
  } catch (error) {
    await session.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

type Row = Record<string, unknown>;
const str = (value: unknown): string => String(value);
const strOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

async function readCatalog(session: PgSession): Promise<CatalogModel> {
  const schemas = await session.query<Row>(SCHEMAS_SQL);
  const extensions = await session.query<Row>(EXTENSIONS_SQL);
  const enums = await session.query<Row>(ENUMS_SQL);
  const relations = await session.query<Row>(RELATIONS_SQL);
  const columns = await session.query<Row>(COLUMNS_SQL);
  const constraints = await session.query<Row>(CONSTRAINTS_SQL);
  const indexes = await session.query<Row>(INDEXES_SQL);
  const sequences = await session.query<Row>(SEQUENCES_SQL);

  const tables = new Map<string, CatalogTable>();
  const views: CatalogView[] = [];
  const partitions: string[] = [];
  for (const r of relations) {
    const schema = str(r.schema);
    const name = str(r.name);
    const kind = str(r.kind);
    if (r.partition) {
      partitions.push(`${schema}.${name}`);
      continue;
    }
    if (kind === 'v' || kind === 'm') {
      const definition = collapse(str(r.view_definition ?? ''));
      views.push({ schema, name, materialized: kind === 'm', definition, canonical: definition, comment: strOrNull(r.comment) });
      continue;
    }
    tables.set(str(r.oid), {
      schema,
      name,
      kind: kind === 'p' ? 'partitioned table' : kind === 'f' ? 'foreign table' : 'table',
      partitionKey: strOrNull(r.partition_key),
      unlogged: r.persistence === 'u',
      columns: [],
      constraints: [],
      indexes: [],
      comment: strOrNull(r.comment),
    });
  }

  for (const r of columns) {
    const table = tables.get(str(r.relation));
    if (!table) continue;
    const generated = str(r.generated ?? '');
    const identity = str(r.identity ?? '');
    table.columns.push({
      name: str(r.name),
      position: table.columns.length + 1,
      type: str(r.type),
      notNull: Boolean(r.not_null),
      default: generated ? null : strOrNull(r.expression),
      identity: identity === 'a' ? 'always' : identity === 'd' ? 'by default' : null,
      generated: generated ? strOrNull(r.expression) : null,
      generatedKind: generated === 's' ? 'stored' : generated === 'v' ? 'virtual' : null,
      collation: strOrNull(r.collation),
      comment: strOrNull(r.comment),
    });
  }

  for (const r of constraints) {
    const table = tables.get(str(r.relation));
    if (!table) continue;
    const kind = CONSTRAINT_KINDS[str(r.type)]!;
    table.constraints.push({
      name: str(r.name),
      kind,
      definition: str(r.definition).replace(/ NOT VALID$/, ''),
      validated: Boolean(r.validated),
      columns: textArray(r.columns).filter((c): c is string => c !== null),
      references:
        kind === 'foreign key'
          ? {
              schema: str(r.ref_schema),
              table: str(r.ref_table),
              columns: textArray(r.ref_columns).filter((c): c is string => c !== null),
              onDelete: FK_ACTIONS[str(r.on_delete)] ?? str(r.on_delete),
              onUpdate: FK_ACTIONS[str(r.on_update)] ?? str(r.on_update),
            }
          : null,
      comment: strOrNull(r.comment),
    });
  }

  for (const r of indexes) {
    const table = tables.get(str(r.relation));
    if (!table) continue;
    const createStatement = str(r.definition);
    table.indexes.push({
      name: str(r.name),
      unique: Boolean(r.unique),
      primary: Boolean(r.primary),
      method: str(r.method),
      definition: indexDefinitionTail(createStatement),
      columns: textArray(r.columns),
      predicate: strOrNull(r.predicate),
      valid: Boolean(r.valid),
      constraint: strOrNull(r.constraint),
      createStatement,
      comment: strOrNull(r.comment),
    });
  }

  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const bySchemaName = <T extends { schema: string; name: string }>(a: T, b: T) =>
    a.schema === b.schema ? byName(a, b) : a.schema < b.schema ? -1 : 1;
  for (const table of tables.values()) {
    table.constraints.sort(byName);
    table.indexes.sort(byName);
  }
  return {
    serverVersion: session.serverVersion,
    schemas: schemas.map((r) => ({ name: str(r.name), comment: strOrNull(r.comment) })).sort(byName),
    extensions: extensions.map((r) => ({ name: str(r.name), schema: str(r.schema), version: str(r.version) })).sort(byName),
    enums: enums
      .map((r) => ({
        schema: str(r.schema),
        name: str(r.name),
        values: textArray(r.values).map(String),
        comment: strOrNull(r.comment),
      }))
      .sort(bySchemaName),
    tables: [...tables.values()].sort(bySchemaName),
    views: views.sort(bySchemaName),
    sequences: sequences
      .map((r) => ({
        schema: str(r.schema),
        name: str(r.name),
        type: str(r.type),
        start: str(r.start),
        increment: str(r.increment),
        min: str(r.min),
        max: str(r.max),
        cache: str(r.cache),
        cycle: Boolean(r.cycle),
        ownedBy: ownedBy(r.owned_by),
        comment: strOrNull(r.comment),
      }))
      .sort(bySchemaName),
    partitions: partitions.sort(),
  };
}
