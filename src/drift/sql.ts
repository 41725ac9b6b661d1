import type {
  CatalogColumn,
  CatalogConstraint,
  CatalogEnum,
  CatalogIndex,
  CatalogSequence,
  CatalogTable,
  CatalogView,
} from '../db/postgres/introspect.js';
import { quoteIdent } from '../db/postgres/session.js';
import { columnSpec, quoteLiteral, shortType, sqlName } from './describe.js';

/**
 * One statement that brings the live database closer to the history. Statements run in `phase`
 * order: what others depend on is created first, and what can lose data is dropped last.
 */
export interface ReconcileStatement {
  /** One SQL statement ending in `;`, or a `--` comment for what must be done by hand. */
  sql: string;
  /** Data can be lost: a dropped table or column, a narrowing type change, a recreated enum. */
  destructive: boolean;
  /** CREATE/DROP INDEX CONCURRENTLY: cannot run inside a transaction block. */
  outsideTransaction: boolean;
  phase: number;
}

export const PHASE = {
  createSchema: 0,
  createExtension: 1,
  enums: 2,
  createSequence: 3,
  createTable: 4,
  addColumn: 5,
  alterColumn: 6,
  dropConstraint: 7,
  dropIndex: 8,
  addConstraint: 9,
  createIndex: 10,
  addForeignKey: 11,
  views: 12,
  sequences: 13,
  comments: 14,
  dropColumn: 15,
  dropTable: 16,
  dropSequence: 17,
  dropType: 18,
  dropExtension: 19,
  dropSchema: 20,
} as const;

const statement = (
  sql: string,
  phase: number,
  extra: Partial<Pick<ReconcileStatement, 'destructive' | 'outsideTransaction'>> = {},
): ReconcileStatement => ({
  sql,
  phase,
  destructive: extra.destructive ?? false,
  outsideTransaction: extra.outsideTransaction ?? false,
});

/** A step the database cannot do in one statement; written as a comment for a person to carry out. */
export const byHand = (text: string, phase: number, destructive: boolean): ReconcileStatement =>
  statement(`-- by hand: ${text}`, phase, { destructive });

const table = (t: { schema: string; name: string }) => sqlName(t.schema, t.name);

// ---------------------------------------------------------------- schemas, extensions, enums

export const createSchema = (name: string) => statement(`CREATE SCHEMA ${quoteIdent(name)};`, PHASE.createSchema);
export const dropSchema = (name: string) =>
  statement(`DROP SCHEMA ${quoteIdent(name)};`, PHASE.dropSchema, { destructive: true });

export const createExtension = (name: string, schema: string) =>
  statement(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(name)} SCHEMA ${quoteIdent(schema)};`, PHASE.createExtension);
export const dropExtension = (name: string) =>
  statement(`DROP EXTENSION ${quoteIdent(name)};`, PHASE.dropExtension, { destructive: true });
export const moveExtension = (name: string, schema: string) =>
  statement(`ALTER EXTENSION ${quoteIdent(name)} SET SCHEMA ${quoteIdent(schema)};`, PHASE.createExtension);

export const createEnum = (e: CatalogEnum) =>
  statement(`CREATE TYPE ${table(e)} AS ENUM (${e.values.map(quoteLiteral).join(', ')});`, PHASE.enums);
export const dropEnum = (e: CatalogEnum) => statement(`DROP TYPE ${table(e)};`, PHASE.dropType, { destructive: true });

/** ALTER TYPE ... ADD VALUE, placed before the next value of the history that the live type has (else after the previous). */
export function addEnumValue(e: CatalogEnum, value: string, liveValues: string[]): ReconcileStatement {
  const at = e.values.indexOf(value);
  const next = e.values.slice(at + 1).find((v) => liveValues.includes(v));
  const previous = e.values
    .slice(0, at)
    .reverse()
    .find((v) => liveValues.includes(v));
  const where =
    next !== undefined ? ` BEFORE ${quoteLiteral(next)}` : previous !== undefined ? ` AFTER ${quoteLiteral(previous)}` : '';
  return statement(`ALTER TYPE ${table(e)} ADD VALUE ${quoteLiteral(value)}${where};`, PHASE.enums);
}

// ---------------------------------------------------------------- sequences

function sequenceOptions(s: CatalogSequence): string {
  return `AS ${shortType(s.type)} INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} START WITH ${s.start} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ' NO CYCLE'}`;
}

const ownedBySql = (s: CatalogSequence) =>
  s.ownedBy ? `${sqlName(s.ownedBy.schema, s.ownedBy.table)}.${quoteIdent(s.ownedBy.column)}` : 'NONE';

export function createSequence(s: CatalogSequence): ReconcileStatement[] {
  const out = [statement(`CREATE SEQUENCE ${table(s)} ${sequenceOptions(s)};`, PHASE.createSequence)];
  if (s.ownedBy) out.push(statement(`ALTER SEQUENCE ${table(s)} OWNED BY ${ownedBySql(s)};`, PHASE.sequences));
  return out;
}

export const dropSequence = (s: CatalogSequence) =>
  statement(`DROP SEQUENCE ${table(s)};`, PHASE.dropSequence, { destructive: true });

export function alterSequence(live: CatalogSequence, history: CatalogSequence): ReconcileStatement[] {
  const out: ReconcileStatement[] = [];
  if (sequenceOptions(live) !== sequenceOptions(history))
    out.push(statement(`ALTER SEQUENCE ${table(history)} ${sequenceOptions(history)};`, PHASE.sequences));
  if (ownedBySql(live) !== ownedBySql(history))
    out.push(statement(`ALTER SEQUENCE ${table(history)} OWNED BY ${ownedBySql(history)};`, PHASE.sequences));
  return out;
}

// ---------------------------------------------------------------- tables and columns

/** CREATE TABLE for a table the live database lacks, with its sequences, constraints and indexes. */
export function createTable(t: CatalogTable, ownedSequences: CatalogSequence[]): ReconcileStatement[] {
  const out: ReconcileStatement[] = [];
  for (const s of ownedSequences) out.push(statement(`CREATE SEQUENCE ${table(s)} ${sequenceOptions(s)};`, PHASE.createSequence));
  const columns = t.columns.map((c) => `  ${quoteIdent(c.name)} ${columnSpec(c, { nullability: 'sql' })}`);
  const kind = t.unlogged ? 'UNLOGGED TABLE' : 'TABLE';
  const partition = t.partitionKey ? ` PARTITION BY ${t.partitionKey}` : '';
  if (t.kind === 'foreign table') {
    out.push(
      byHand(
        `create the foreign table ${table(t)} on its foreign server (its server and options are not part of the comparison)`,
        PHASE.createTable,
        false,
      ),
    );
    return out;
  }
  out.push(statement(`CREATE ${kind} ${table(t)} (\n${columns.join(',\n')}\n)${partition};`, PHASE.createTable));
  for (const s of ownedSequences) out.push(statement(`ALTER SEQUENCE ${table(s)} OWNED BY ${ownedBySql(s)};`, PHASE.sequences));
  for (const c of t.constraints) out.push(addConstraint(t, c, undefined, { emptyTable: true }));
  for (const i of t.indexes.filter((i) => !i.constraint)) out.push(statement(`${i.createStatement};`, PHASE.createIndex));
  return out;
}

export const dropTable = (t: CatalogTable) =>
  statement(`DROP ${t.kind === 'foreign table' ? 'FOREIGN TABLE' : 'TABLE'} ${table(t)};`, PHASE.dropTable, {
    destructive: true,
  });

export function setLogged(t: CatalogTable, unlogged: boolean): ReconcileStatement {
  return statement(`ALTER TABLE ${table(t)} SET ${unlogged ? 'UNLOGGED' : 'LOGGED'};`, PHASE.alterColumn);
}

export const addColumn = (t: CatalogTable, c: CatalogColumn) =>
  statement(
    `ALTER TABLE ${table(t)} ADD COLUMN ${quoteIdent(c.name)} ${columnSpec(c, { nullability: 'sql' })};`,
    PHASE.addColumn,
  );
export const dropColumn = (t: CatalogTable, c: CatalogColumn) =>
  statement(`ALTER TABLE ${table(t)} DROP COLUMN ${quoteIdent(c.name)};`, PHASE.dropColumn, { destructive: true });

const LENGTH = /^(character varying|character|bit varying|bit)\((\d+)\)$/;
const NUMERIC = /^numeric\((\d+),(\d+)\)$/;
const PRECISION = /^(timestamp|time)\((\d+)\)( with(?:out)? time zone)$/;
const INTEGERS = ['smallint', 'integer', 'bigint'];

/** Whether changing a column from one type to another can lose or reject data (anything but a widening). */
export function typeChangeLosesData(from: string, to: string): boolean {
  if (from === to) return false;
  const fromLength = LENGTH.exec(from);
  if (fromLength && (fromLength[1] === 'character varying' || fromLength[1] === 'character')) {
    if (to === 'text' || to === 'character varying') return false;
    const toLength = LENGTH.exec(to);
    if (toLength && toLength[1] === 'character varying' && Number(toLength[2]) >= Number(fromLength[2])) return false;
  }
  if (from === 'character varying' && to === 'text') return false;
  if (INTEGERS.includes(from) && INTEGERS.includes(to)) return INTEGERS.indexOf(to) < INTEGERS.indexOf(from);
  if (INTEGERS.includes(from) && to === 'numeric') return false;
  if (from === 'real' && to === 'double precision') return false;
  const fromNumeric = NUMERIC.exec(from);
  if (fromNumeric) {
    if (to === 'numeric') return false;
    const toNumeric = NUMERIC.exec(to);
    if (toNumeric) {
      const [p1, s1, p2, s2] = [fromNumeric[1], fromNumeric[2], toNumeric[1], toNumeric[2]].map(Number) as [
        number,
        number,
        number,
        number,
      ];
      return !(s2 >= s1 && p2 - s2 >= p1 - s1);
    }
  }
  const fromPrecision = PRECISION.exec(from);
  const toPrecision = PRECISION.exec(to);
  if (fromPrecision && toPrecision && fromPrecision[1] === toPrecision[1] && fromPrecision[3] === toPrecision[3])
    return Number(toPrecision[2]) < Number(fromPrecision[2]);
  return true;
}

/** The ALTER TABLE statements that turn the live column into the history's. */
export function alterColumn(
  t: CatalogTable,
  live: CatalogColumn,
  history: CatalogColumn,
  liveServerVersion: number,
): ReconcileStatement[] {
  const out: ReconcileStatement[] = [];
  const alter = `ALTER TABLE ${table(t)} ALTER COLUMN ${quoteIdent(history.name)}`;
  const generatedChanged = live.generated !== history.generated || live.generatedKind !== history.generatedKind;
  if (generatedChanged) {
    if (live.generated !== null && history.generated === null) {
      out.push(statement(`${alter} DROP EXPRESSION;`, PHASE.alterColumn));
    } else if (
      live.generated !== null &&
      history.generated !== null &&
      live.generatedKind === history.generatedKind &&
      liveServerVersion >= 170000
    ) {
      out.push(statement(`${alter} SET EXPRESSION AS (${history.generated});`, PHASE.alterColumn));
    } else {
      // Becoming generated (or changing kind) needs the column rebuilt: its values are recomputed.
      out.push(
        statement(`ALTER TABLE ${table(t)} DROP COLUMN ${quoteIdent(history.name)};`, PHASE.alterColumn, { destructive: true }),
      );
      out.push(
        statement(
          `ALTER TABLE ${table(t)} ADD COLUMN ${quoteIdent(history.name)} ${columnSpec(history, { nullability: 'sql' })};`,
          PHASE.alterColumn,
        ),
      );
      return out;
    }
  }
  if (live.identity && live.identity !== history.identity && !history.identity)
    out.push(statement(`${alter} DROP IDENTITY;`, PHASE.alterColumn));
  if (live.default !== history.default && live.default !== null && history.default === null)
    out.push(statement(`${alter} DROP DEFAULT;`, PHASE.alterColumn));
  if (live.type !== history.type || live.collation !== history.collation) {
    const type = `${shortType(history.type)}${history.collation ? ` COLLATE ${history.collation}` : ''}`;
    const using = live.type !== history.type ? ` USING ${quoteIdent(history.name)}::${shortType(history.type)}` : '';
    out.push(
      statement(`${alter} TYPE ${type}${using};`, PHASE.alterColumn, {
        destructive: typeChangeLosesData(live.type, history.type),
      }),
    );
  }
  if (history.default !== null && live.default !== history.default)
    out.push(statement(`${alter} SET DEFAULT ${history.default};`, PHASE.alterColumn));
  if (live.notNull !== history.notNull)
    out.push(statement(`${alter} ${history.notNull ? 'SET' : 'DROP'} NOT NULL;`, PHASE.alterColumn));
  if (history.identity && live.identity !== history.identity) {
    const kind = history.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT';
    out.push(
      statement(
        live.identity ? `${alter} SET GENERATED ${kind};` : `${alter} ADD GENERATED ${kind} AS IDENTITY;`,
        PHASE.alterColumn,
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------- constraints

/**
 * ADD CONSTRAINT in the form that is safe on a table with traffic: foreign keys and checks NOT VALID
 * and then validated (the validation takes only a SHARE UPDATE EXCLUSIVE lock); primary keys and
 * unique constraints on an index built CONCURRENTLY. On a table created by the same script, plainly.
 */
export function addConstraint(
  t: CatalogTable,
  c: CatalogConstraint,
  index: CatalogIndex | undefined,
  options: { emptyTable?: boolean } = {},
): ReconcileStatement {
  const phase = c.kind === 'foreign key' ? PHASE.addForeignKey : PHASE.addConstraint;
  const add = `ALTER TABLE ${table(t)} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`;
  if (options.emptyTable || c.kind === 'exclusion') return statement(`${add}${c.validated ? '' : ' NOT VALID'};`, phase);
  if (c.kind === 'foreign key' || c.kind === 'check') {
    const sql = c.validated
      ? `${add} NOT VALID;\nALTER TABLE ${table(t)} VALIDATE CONSTRAINT ${quoteIdent(c.name)};`
      : `${add} NOT VALID;`;
    return statement(sql, phase);
  }
  if (index && !index.predicate) {
    const kind = c.kind === 'primary key' ? 'PRIMARY KEY' : 'UNIQUE';
    return statement(
      `${concurrently(index.createStatement)};\nALTER TABLE ${table(t)} ADD CONSTRAINT ${quoteIdent(c.name)} ${kind} USING INDEX ${quoteIdent(index.name)};`,
      phase,
      { outsideTransaction: true },
    );
  }
  return statement(`${add};`, phase);
}

export const dropConstraint = (t: CatalogTable, c: CatalogConstraint) =>
  statement(`ALTER TABLE ${table(t)} DROP CONSTRAINT ${quoteIdent(c.name)};`, PHASE.dropConstraint);
export const validateConstraint = (t: CatalogTable, c: CatalogConstraint) =>
  statement(`ALTER TABLE ${table(t)} VALIDATE CONSTRAINT ${quoteIdent(c.name)};`, PHASE.addConstraint);
export const renameConstraint = (t: CatalogTable, from: string, to: string) =>
  statement(`ALTER TABLE ${table(t)} RENAME CONSTRAINT ${quoteIdent(from)} TO ${quoteIdent(to)};`, PHASE.alterColumn);

// ---------------------------------------------------------------- indexes

/** `CREATE [UNIQUE] INDEX name ON ...` → `CREATE [UNIQUE] INDEX CONCURRENTLY name ON ...` (not for partitioned parents, `ON ONLY`). */
export function concurrently(createStatement: string): string {
  if (/ ON ONLY /.test(createStatement)) return createStatement;
  return createStatement.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ');
}

export const dropIndexConcurrently = (schema: string, name: string) =>
  statement(`DROP INDEX CONCURRENTLY IF EXISTS ${sqlName(schema, name)};`, PHASE.dropIndex, { outsideTransaction: true });
export const createIndex = (index: CatalogIndex) =>
  statement(`${concurrently(index.createStatement)};`, PHASE.createIndex, {
    outsideTransaction: !/ ON ONLY /.test(index.createStatement),
  });
export const renameIndex = (schema: string, from: string, to: string) =>
  statement(`ALTER INDEX ${sqlName(schema, from)} RENAME TO ${quoteIdent(to)};`, PHASE.alterColumn);

// ---------------------------------------------------------------- views

const viewKind = (v: CatalogView) => (v.materialized ? 'MATERIALIZED VIEW' : 'VIEW');
export const createView = (v: CatalogView) =>
  statement(`CREATE ${viewKind(v)} ${table(v)} AS ${v.definition.replace(/;$/, '')};`, PHASE.views);
export const dropView = (v: CatalogView) => statement(`DROP ${viewKind(v)} ${table(v)};`, PHASE.views);

// ---------------------------------------------------------------- comments

export const setComment = (target: string, comment: string | null) =>
  statement(`COMMENT ON ${target} IS ${comment === null ? 'NULL' : quoteLiteral(comment)};`, PHASE.comments);

// ---------------------------------------------------------------- the script

export interface SqlScriptHeader {
  /** The database the script is for, described without its URL. */
  target: string;
  /** The search_path the expressions in the script were printed under. */
  searchPath: string[];
}

/** Every statement in phase order, as one script a person reviews and runs (psql -f). */
export function renderSqlScript(statements: ReconcileStatement[], header: SqlScriptHeader): string {
  const ordered = statements
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.phase - b.s.phase || a.i - b.i)
    .map(({ s }) => s);
  const lines = [
    `-- Statements that bring ${header.target} back to its migration history (lockstep drift --sql).`,
    '-- Review before running. Statements marked "-- destructive" can lose data.',
  ];
  if (ordered.some((s) => s.outsideTransaction))
    lines.push(
      '-- CONCURRENTLY statements cannot run inside a transaction block: run the file as it is (psql -f), not wrapped in BEGIN/COMMIT.',
    );
  if (ordered.length === 0) return `${lines[0]}\n-- Nothing to do: the live database matches the history.\n`;
  lines.push(`SET search_path TO ${header.searchPath.map(quoteIdent).join(', ')};`, '');
  for (const s of ordered) lines.push(s.destructive ? `${s.sql} -- destructive` : s.sql);
  return `${lines.join('\n')}\n`;
}
