import type {
  CatalogColumn,
  CatalogConstraint,
  CatalogIndex,
  CatalogModel,
  CatalogSequence,
  CatalogTable,
} from '../db/postgres/introspect.js';
import { displayIdent, quoteIdent } from '../db/postgres/session.js';
import { columnSpec, constraintSpec, displayName, indexSpec, quoteLiteral, sequenceSpec, sqlName } from './describe.js';
import * as sql from './sql.js';
import type { ReconcileStatement } from './sql.js';

export type DriftObject =
  | 'schema'
  | 'extension'
  | 'enum'
  | 'table'
  | 'column'
  | 'constraint'
  | 'index'
  | 'sequence'
  | 'view'
  | 'comment';

/**
 * `missing`: in the history, not in the live database. `extra`: in the live database, not in the
 * history (added outside the migrations). `changed`: in both, different. `renamed`: the same
 * definition under another name. `invalid`: an INVALID index. `not-valid`: a constraint the history
 * validates that the live database left NOT VALID.
 */
export type DriftChange = 'missing' | 'extra' | 'changed' | 'renamed' | 'invalid' | 'not-valid';

/** One difference between the live database and the migration history. */
export interface DriftItem {
  object: DriftObject;
  change: DriftChange;
  /** The object, e.g. `public.users.status`, `public.tasks_due_at_idx`, `orders_user_fkey on public.orders`. */
  name: string;
  /** The table (or view) the difference belongs to, for grouping; undefined for schema-wide objects. */
  table: string | undefined;
  /** One sentence that says exactly what differs. */
  message: string;
  /** The object as the live database has it, and as the history has it. */
  live: string | undefined;
  history: string | undefined;
  /** The statements that bring the live database back to the history for this difference. */
  sql: ReconcileStatement[];
}

export interface CompareOptions {
  /** Compare comments too (off by default: they are documentation, not schema). */
  comments: boolean;
  /** server_version_num of the live database, for the statements it can run. */
  liveServerVersion: number;
}

const MISSING = 'in the history, missing from the live database';
const EXTRA = 'added outside the migrations';

/** Pairs two lists by key: what only the history has, what only the live database has, and both. */
function pair<T>(live: T[], history: T[], key: (item: T) => string): { missing: T[]; extra: T[]; both: Array<[T, T]> } {
  const liveByKey = new Map(live.map((item) => [key(item), item]));
  const historyKeys = new Set(history.map(key));
  return {
    missing: history.filter((item) => !liveByKey.has(key(item))),
    extra: live.filter((item) => !historyKeys.has(key(item))),
    both: history.filter((item) => liveByKey.has(key(item))).map((item) => [liveByKey.get(key(item))!, item]),
  };
}

/** Among unpaired objects, those with the same definition under different names: renames. */
function renames<T extends { name: string }>(missing: T[], extra: T[], definition: (item: T) => string): Array<[T, T]> {
  const found: Array<[T, T]> = [];
  const pool = [...extra];
  for (const m of missing) {
    const at = pool.findIndex((e) => definition(e) === definition(m));
    if (at !== -1) found.push([pool.splice(at, 1)[0]!, m]);
  }
  return found;
}

const qualified = (o: { schema: string; name: string }) => `${o.schema}.${o.name}`;

/**
 * Everything that differs between two catalogs, described per object, in a stable order: by
 * table, then schemas, extensions, types and sequences, each sorted by name.
 */
export function compareCatalogs(live: CatalogModel, history: CatalogModel, options: CompareOptions): DriftItem[] {
  const items: DriftItem[] = [];
  const add = (item: Omit<DriftItem, 'live' | 'history'> & Partial<Pick<DriftItem, 'live' | 'history'>>) =>
    items.push({ live: undefined, history: undefined, ...item });

  // Schemas. The public schema's comment and owner are the server's, not the project's.
  const schemas = pair(live.schemas, history.schemas, (s) => s.name);
  for (const s of schemas.missing)
    add({
      object: 'schema',
      change: 'missing',
      name: s.name,
      table: undefined,
      message: `schema ${displayIdent(s.name)}: ${MISSING}`,
      sql: [sql.createSchema(s.name)],
    });
  for (const s of schemas.extra)
    add({
      object: 'schema',
      change: 'extra',
      name: s.name,
      table: undefined,
      message: `schema ${displayIdent(s.name)}: ${EXTRA}`,
      sql: [sql.dropSchema(s.name)],
    });
  if (options.comments)
    for (const [l, h] of schemas.both)
      if (h.name !== 'public')
        comment(add, `schema ${displayIdent(h.name)}`, `SCHEMA ${quoteIdent(h.name)}`, undefined, l.comment, h.comment);

  // Extensions: by name and schema; versions follow the server's packages and are not compared.
  const extensions = pair(live.extensions, history.extensions, (e) => e.name);
  for (const e of extensions.missing)
    add({
      object: 'extension',
      change: 'missing',
      name: e.name,
      table: undefined,
      message: `extension ${e.name}: ${MISSING}`,
      history: `in schema ${e.schema}`,
      sql: [sql.createExtension(e.name, e.schema)],
    });
  for (const e of extensions.extra)
    add({
      object: 'extension',
      change: 'extra',
      name: e.name,
      table: undefined,
      message: `extension ${e.name}: ${EXTRA}`,
      live: `in schema ${e.schema}`,
      sql: [sql.dropExtension(e.name)],
    });
  for (const [l, h] of extensions.both) {
    if (l.schema !== h.schema)
      add({
        object: 'extension',
        change: 'changed',
        name: h.name,
        table: undefined,
        message: `extension ${h.name}: live is in schema ${l.schema}, history says ${h.schema}`,
        live: l.schema,
        history: h.schema,
        sql: [sql.moveExtension(h.name, h.schema)],
      });
  }

  compareEnums(live, history, add, options);
  compareTables(live, history, add, options);
  compareSequences(live, history, add, options);
  compareViews(live, history, add, options);
  return sortItems(items);
}

type Add = (item: Omit<DriftItem, 'live' | 'history'> & Partial<Pick<DriftItem, 'live' | 'history'>>) => void;

function comment(
  add: Add,
  what: string,
  target: string,
  table: string | undefined,
  live: string | null,
  history: string | null,
): void {
  if (live === history) return;
  const show = (c: string | null) => (c === null ? 'none' : quoteLiteral(c));
  add({
    object: 'comment',
    change: 'changed',
    name: what,
    table,
    message: `comment on ${what}: live is ${show(live)}, history says ${show(history)}`,
    live: live ?? undefined,
    history: history ?? undefined,
    sql: [sql.setComment(target, history)],
  });
}

function compareEnums(live: CatalogModel, history: CatalogModel, add: Add, options: CompareOptions): void {
  const enums = pair(live.enums, history.enums, qualified);
  for (const e of enums.missing) {
    add({
      object: 'enum',
      change: 'missing',
      name: qualified(e),
      table: undefined,
      message: `enum ${displayName(e.schema, e.name)}: ${MISSING} (${e.values.join(', ')})`,
      history: e.values.join(', '),
      sql: [sql.createEnum(e)],
    });
  }
  for (const e of enums.extra) {
    add({
      object: 'enum',
      change: 'extra',
      name: qualified(e),
      table: undefined,
      message: `enum ${displayName(e.schema, e.name)}: ${EXTRA} (${e.values.join(', ')})`,
      live: e.values.join(', '),
      sql: [sql.dropEnum(e)],
    });
  }
  for (const [l, h] of enums.both) {
    const name = displayName(h.schema, h.name);
    const base = {
      object: 'enum' as const,
      name: qualified(h),
      table: undefined,
      live: l.values.join(', '),
      history: h.values.join(', '),
    };
    for (const value of h.values.filter((v) => !l.values.includes(v))) {
      add({
        ...base,
        change: 'missing',
        message: `enum ${name}: value ${quoteLiteral(value)} is ${MISSING}`,
        sql: [sql.addEnumValue(h, value, l.values)],
      });
    }
    for (const value of l.values.filter((v) => !h.values.includes(v))) {
      add({
        ...base,
        change: 'extra',
        message: `enum ${name}: value ${quoteLiteral(value)} ${EXTRA}`,
        sql: [
          sql.byHand(
            `PostgreSQL cannot drop a value from an enum: recreate ${name} without ${quoteLiteral(value)} and convert every column of that type (rows that hold the value must change first)`,
            sql.PHASE.dropType,
            true,
          ),
        ],
      });
    }
    const liveOrder = l.values.filter((v) => h.values.includes(v));
    const historyOrder = h.values.filter((v) => l.values.includes(v));
    if (liveOrder.join('\u0000') !== historyOrder.join('\u0000')) {
      add({
        ...base,
        change: 'changed',
        message: `enum ${name}: live orders the values ${liveOrder.join(', ')}; history says ${historyOrder.join(', ')}`,
        sql: [
          sql.byHand(
            `PostgreSQL cannot reorder enum values: recreate ${name} with the values in the history's order and convert every column of that type`,
            sql.PHASE.dropType,
            true,
          ),
        ],
      });
    }
    if (options.comments) comment(add, `type ${name}`, `TYPE ${sqlName(h.schema, h.name)}`, undefined, l.comment, h.comment);
  }
}

function compareTables(live: CatalogModel, history: CatalogModel, add: Add, options: CompareOptions): void {
  const tables = pair(live.tables, history.tables, qualified);
  const ownedBy = (model: CatalogModel, t: CatalogTable) =>
    model.sequences.filter((s) => s.ownedBy && s.ownedBy.schema === t.schema && s.ownedBy.table === t.name);
  for (const t of tables.missing) {
    const name = displayName(t.schema, t.name);
    add({
      object: 'table',
      change: 'missing',
      name: qualified(t),
      table: name,
      message: `${t.kind} ${name}: ${MISSING}`,
      sql: sql.createTable(t, ownedBy(history, t)),
    });
  }
  for (const t of tables.extra) {
    const name = displayName(t.schema, t.name);
    add({
      object: 'table',
      change: 'extra',
      name: qualified(t),
      table: name,
      message: `${t.kind} ${name}: ${EXTRA}`,
      live: t.columns.map((c) => c.name).join(', '),
      sql: [sql.dropTable(t)],
    });
  }
  for (const [l, h] of tables.both) compareTable(l, h, add, options);
}

function compareTable(l: CatalogTable, h: CatalogTable, add: Add, options: CompareOptions): void {
  const tableName = displayName(h.schema, h.name);
  const base = { table: tableName };
  if (l.kind !== h.kind) {
    add({
      ...base,
      object: 'table',
      change: 'changed',
      name: qualified(h),
      message: `table ${tableName}: live is a ${l.kind}, history says a ${h.kind}`,
      live: l.kind,
      history: h.kind,
      sql: [sql.byHand(`recreate ${tableName} as a ${h.kind} and move its rows`, sql.PHASE.createTable, true)],
    });
  } else if (l.partitionKey !== h.partitionKey) {
    add({
      ...base,
      object: 'table',
      change: 'changed',
      name: qualified(h),
      message: `table ${tableName}: live is partitioned by ${l.partitionKey}, history says ${h.partitionKey}`,
      live: l.partitionKey ?? undefined,
      history: h.partitionKey ?? undefined,
      sql: [sql.byHand(`recreate ${tableName} partitioned by ${h.partitionKey} and move its rows`, sql.PHASE.createTable, true)],
    });
  }
  if (l.unlogged !== h.unlogged) {
    const word = (u: boolean) => (u ? 'UNLOGGED' : 'LOGGED');
    add({
      ...base,
      object: 'table',
      change: 'changed',
      name: qualified(h),
      message: `table ${tableName}: live is ${word(l.unlogged)}, history says ${word(h.unlogged)}`,
      live: word(l.unlogged),
      history: word(h.unlogged),
      sql: [sql.setLogged(h, h.unlogged)],
    });
  }

  const columns = pair(l.columns, h.columns, (c) => c.name);
  const columnName = (c: CatalogColumn) => `${tableName}.${displayIdent(c.name)}`;
  for (const c of columns.missing) {
    add({
      ...base,
      object: 'column',
      change: 'missing',
      name: `${qualified(h)}.${c.name}`,
      message: `column ${columnName(c)}: in the history (${columnSpec(c)}), missing from the live database`,
      history: columnSpec(c),
      sql: [sql.addColumn(h, c)],
    });
  }
  for (const c of columns.extra) {
    add({
      ...base,
      object: 'column',
      change: 'extra',
      name: `${qualified(h)}.${c.name}`,
      message: `column ${columnName(c)}: ${EXTRA} (${columnSpec(c)})`,
      live: columnSpec(c),
      sql: [sql.dropColumn(h, c)],
    });
  }
  for (const [lc, hc] of columns.both) {
    const liveSpec = columnSpec(lc);
    const historySpec = columnSpec(hc);
    if (liveSpec !== historySpec) {
      add({
        ...base,
        object: 'column',
        change: 'changed',
        name: `${qualified(h)}.${hc.name}`,
        message: `column ${columnName(hc)}: live is ${liveSpec}, history says ${historySpec}`,
        live: liveSpec,
        history: historySpec,
        sql: sql.alterColumn(h, lc, hc, options.liveServerVersion),
      });
    }
    if (options.comments)
      comment(
        add,
        `column ${columnName(hc)}`,
        `COLUMN ${sqlName(h.schema, h.name)}.${quoteIdent(hc.name)}`,
        tableName,
        lc.comment,
        hc.comment,
      );
  }

  compareConstraints(l, h, add, options);
  compareIndexes(l, h, add, options);
  if (options.comments) comment(add, `table ${tableName}`, `TABLE ${sqlName(h.schema, h.name)}`, tableName, l.comment, h.comment);
}

function compareConstraints(l: CatalogTable, h: CatalogTable, add: Add, options: CompareOptions): void {
  const tableName = displayName(h.schema, h.name);
  const base = { table: tableName, object: 'constraint' as const };
  const label = (c: CatalogConstraint) => `constraint ${displayIdent(c.name)} on ${tableName}`;
  const key = (c: CatalogConstraint) => `${c.kind}\u0000${c.definition}`;
  const indexOf = (t: CatalogTable, c: CatalogConstraint) => t.indexes.find((i) => i.constraint === c.name);
  const constraints = pair(l.constraints, h.constraints, (c) => c.name);
  const renamed = renames(constraints.missing, constraints.extra, key);
  for (const [lc, hc] of renamed) {
    add({
      ...base,
      change: 'renamed',
      name: `${hc.name} on ${qualified(h)}`,
      message: `${label(hc)}: live names it ${displayIdent(lc.name)}`,
      live: lc.name,
      history: hc.name,
      sql: [sql.renameConstraint(h, lc.name, hc.name)],
    });
  }
  const renamedLive = new Set(renamed.map(([lc]) => lc));
  const renamedHistory = new Set(renamed.map(([, hc]) => hc));
  for (const c of constraints.missing.filter((c) => !renamedHistory.has(c))) {
    add({
      ...base,
      change: 'missing',
      name: `${c.name} on ${qualified(h)}`,
      message: `${label(c)}: in the history (${constraintSpec(c)}), missing from the live database`,
      history: constraintSpec(c),
      sql: [sql.addConstraint(h, c, indexOf(h, c))],
    });
  }
  for (const c of constraints.extra.filter((c) => !renamedLive.has(c))) {
    add({
      ...base,
      change: 'extra',
      name: `${c.name} on ${qualified(h)}`,
      message: `${label(c)}: ${EXTRA} (${constraintSpec(c)})`,
      live: constraintSpec(c),
      sql: [sql.dropConstraint(h, c)],
    });
  }
  for (const [lc, hc] of constraints.both) {
    const name = `${hc.name} on ${qualified(h)}`;
    if (lc.kind !== hc.kind || lc.definition !== hc.definition) {
      add({
        ...base,
        change: 'changed',
        name,
        message: `${label(hc)}: live is ${constraintSpec(lc)}, history says ${constraintSpec(hc)}`,
        live: constraintSpec(lc),
        history: constraintSpec(hc),
        sql: [sql.dropConstraint(h, lc), sql.addConstraint(h, hc, indexOf(h, hc))],
      });
    } else if (!lc.validated && hc.validated) {
      add({
        ...base,
        change: 'not-valid',
        name,
        message: `${label(hc)}: live is NOT VALID`,
        live: constraintSpec(lc),
        history: constraintSpec(hc),
        sql: [sql.validateConstraint(h, hc)],
      });
    } else if (lc.validated && !hc.validated) {
      add({
        ...base,
        change: 'changed',
        name,
        message: `${label(hc)}: live is validated, history says NOT VALID`,
        live: constraintSpec(lc),
        history: constraintSpec(hc),
        sql: [],
      });
    }
    if (options.comments)
      comment(
        add,
        label(hc),
        `CONSTRAINT ${quoteIdent(hc.name)} ON ${sqlName(h.schema, h.name)}`,
        tableName,
        lc.comment,
        hc.comment,
      );
  }
}

function compareIndexes(l: CatalogTable, h: CatalogTable, add: Add, options: CompareOptions): void {
  const tableName = displayName(h.schema, h.name);
  const base = { table: tableName, object: 'index' as const };
  const indexName = (i: CatalogIndex) => displayName(h.schema, i.name);
  // Indexes that implement a constraint come and go with it.
  const own = (t: CatalogTable) => t.indexes.filter((i) => !i.constraint);
  const historyByName = new Map(h.indexes.map((i) => [i.name, i]));
  const invalid = l.indexes.filter((i) => !i.valid);
  const invalidNames = new Set(invalid.map((i) => i.name));
  for (const i of invalid) {
    const drop = `DROP INDEX CONCURRENTLY ${indexName(i)};`;
    const inHistory = historyByName.get(i.name);
    const rebuild = inHistory ? ` then build it again with: ${sql.concurrently(inHistory.createStatement)};` : '';
    add({
      ...base,
      change: 'invalid',
      name: `${h.schema}.${i.name}`,
      message: `index ${indexName(i)} is INVALID in the live database (a failed CREATE INDEX CONCURRENTLY); drop it with: ${drop}${rebuild}`,
      live: `INVALID ${indexSpec(i)}`,
      history: inHistory ? indexSpec(inHistory) : undefined,
      sql: [sql.dropIndexConcurrently(h.schema, i.name), ...(inHistory ? [sql.createIndex(inHistory)] : [])],
    });
  }
  const indexes = pair(
    own(l).filter((i) => !invalidNames.has(i.name)),
    own(h).filter((i) => !invalidNames.has(i.name)),
    (i) => i.name,
  );
  const renamed = renames(indexes.missing, indexes.extra, indexSpec);
  for (const [li, hi] of renamed) {
    add({
      ...base,
      change: 'renamed',
      name: `${h.schema}.${hi.name}`,
      message: `index ${indexName(hi)}: live names it ${displayIdent(li.name)}`,
      live: li.name,
      history: hi.name,
      sql: [sql.renameIndex(h.schema, li.name, hi.name)],
    });
  }
  const renamedLive = new Set(renamed.map(([li]) => li));
  const renamedHistory = new Set(renamed.map(([, hi]) => hi));
  for (const i of indexes.missing.filter((i) => !renamedHistory.has(i))) {
    add({
      ...base,
      change: 'missing',
      name: `${h.schema}.${i.name}`,
      message: `index ${indexName(i)}: ${MISSING}`,
      history: indexSpec(i),
      sql: [sql.createIndex(i)],
    });
  }
  for (const i of indexes.extra.filter((i) => !renamedLive.has(i))) {
    add({
      ...base,
      change: 'extra',
      name: `${h.schema}.${i.name}`,
      message: `index ${indexName(i)}: ${EXTRA} (${indexSpec(i)})`,
      live: indexSpec(i),
      sql: [sql.dropIndexConcurrently(h.schema, i.name)],
    });
  }
  for (const [li, hi] of indexes.both) {
    if (indexSpec(li) !== indexSpec(hi)) {
      add({
        ...base,
        change: 'changed',
        name: `${h.schema}.${hi.name}`,
        message: `index ${indexName(hi)}: live is ${indexSpec(li)}, history says ${indexSpec(hi)}`,
        live: indexSpec(li),
        history: indexSpec(hi),
        sql: [sql.dropIndexConcurrently(h.schema, li.name), sql.createIndex(hi)],
      });
    }
  }
  if (options.comments) {
    const liveByName = new Map(l.indexes.map((i) => [i.name, i]));
    for (const hi of h.indexes) {
      const li = liveByName.get(hi.name);
      if (li) comment(add, `index ${indexName(hi)}`, `INDEX ${sqlName(h.schema, hi.name)}`, tableName, li.comment, hi.comment);
    }
  }
}

function compareSequences(live: CatalogModel, history: CatalogModel, add: Add, options: CompareOptions): void {
  // A sequence owned by a table that is missing or extra comes and goes with that table.
  const liveTables = new Set(live.tables.map(qualified));
  const historyTables = new Set(history.tables.map(qualified));
  const standsAlone = (s: CatalogSequence) =>
    !s.ownedBy ||
    (liveTables.has(`${s.ownedBy.schema}.${s.ownedBy.table}`) && historyTables.has(`${s.ownedBy.schema}.${s.ownedBy.table}`));
  const sequences = pair(live.sequences.filter(standsAlone), history.sequences.filter(standsAlone), qualified);
  const group = (s: CatalogSequence) => (s.ownedBy ? displayName(s.ownedBy.schema, s.ownedBy.table) : undefined);
  for (const s of sequences.missing) {
    add({
      object: 'sequence',
      change: 'missing',
      name: qualified(s),
      table: group(s),
      message: `sequence ${displayName(s.schema, s.name)}: ${MISSING} (${sequenceSpec(s)})`,
      history: sequenceSpec(s),
      sql: sql.createSequence(s),
    });
  }
  for (const s of sequences.extra) {
    add({
      object: 'sequence',
      change: 'extra',
      name: qualified(s),
      table: group(s),
      message: `sequence ${displayName(s.schema, s.name)}: ${EXTRA} (${sequenceSpec(s)})`,
      live: sequenceSpec(s),
      sql: [sql.dropSequence(s)],
    });
  }
  for (const [l, h] of sequences.both) {
    if (sequenceSpec(l) !== sequenceSpec(h)) {
      add({
        object: 'sequence',
        change: 'changed',
        name: qualified(h),
        table: group(h),
        message: `sequence ${displayName(h.schema, h.name)}: live is ${sequenceSpec(l)}, history says ${sequenceSpec(h)}`,
        live: sequenceSpec(l),
        history: sequenceSpec(h),
        sql: sql.alterSequence(l, h),
      });
    }
    if (options.comments)
      comment(
        add,
        `sequence ${displayName(h.schema, h.name)}`,
        `SEQUENCE ${sqlName(h.schema, h.name)}`,
        group(h),
        l.comment,
        h.comment,
      );
  }
}

function compareViews(live: CatalogModel, history: CatalogModel, add: Add, options: CompareOptions): void {
  const views = pair(live.views, history.views, qualified);
  const kind = (v: { materialized: boolean }) => (v.materialized ? 'materialized view' : 'view');
  for (const v of views.missing) {
    const name = displayName(v.schema, v.name);
    add({
      object: 'view',
      change: 'missing',
      name: qualified(v),
      table: name,
      message: `${kind(v)} ${name}: ${MISSING}`,
      history: v.definition,
      sql: [sql.createView(v)],
    });
  }
  for (const v of views.extra) {
    const name = displayName(v.schema, v.name);
    add({
      object: 'view',
      change: 'extra',
      name: qualified(v),
      table: name,
      message: `${kind(v)} ${name}: ${EXTRA}`,
      live: v.definition,
      sql: [sql.dropView(v)],
    });
  }
  for (const [l, h] of views.both) {
    const name = displayName(h.schema, h.name);
    if (l.materialized !== h.materialized || l.canonical !== h.canonical) {
      add({
        object: 'view',
        change: 'changed',
        name: qualified(h),
        table: name,
        message: `${kind(h)} ${name}: live is ${kind(l)} ${l.definition.replace(/;$/, '')}; history says ${kind(h)} ${h.definition.replace(/;$/, '')}`,
        live: l.definition,
        history: h.definition,
        sql: [sql.dropView(l), sql.createView(h)],
      });
    }
    if (options.comments)
      comment(
        add,
        `${kind(h)} ${name}`,
        `${h.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${sqlName(h.schema, h.name)}`,
        name,
        l.comment,
        h.comment,
      );
  }
}

const OBJECT_ORDER: DriftObject[] = [
  'schema',
  'extension',
  'enum',
  'table',
  'column',
  'constraint',
  'index',
  'sequence',
  'view',
  'comment',
];

/** Schema-wide objects first, then table by table; within a group by kind of object, then by name. */
function sortItems(items: DriftItem[]): DriftItem[] {
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return items
    .map((item, index) => ({ item, index }))
    .sort(
      (a, b) =>
        Number(a.item.table !== undefined) - Number(b.item.table !== undefined) ||
        compare(a.item.table ?? '', b.item.table ?? '') ||
        OBJECT_ORDER.indexOf(a.item.object) - OBJECT_ORDER.indexOf(b.item.object) ||
        compare(a.item.name, b.item.name) ||
        a.index - b.index,
    )
    .map(({ item }) => item);
}
