import { describe, expect, it } from 'vitest';
import type { CatalogColumn, CatalogIndex, CatalogModel, CatalogTable } from '../../src/db/postgres/introspect.js';
import { compareCatalogs } from '../../src/drift/compare.js';
import { shortType } from '../../src/drift/describe.js';
import { ignoreRules } from '../../src/drift/ignore.js';
import { scopeCatalog } from '../../src/drift/scope.js';
import { renderSqlScript, typeChangeLosesData } from '../../src/drift/sql.js';
import { viewDefinitionKey } from '../../src/drift/view-definition.js';

const column = (name: string, type: string, extra: Partial<CatalogColumn> = {}): CatalogColumn => ({
  name,
  position: 1,
  type,
  notNull: false,
  default: null,
  identity: null,
  generated: null,
  generatedKind: null,
  collation: null,
  comment: null,
  ...extra,
});

const index = (name: string, definition: string, extra: Partial<CatalogIndex> = {}): CatalogIndex => ({
  name,
  unique: false,
  primary: false,
  method: 'btree',
  definition,
  columns: [],
  predicate: null,
  valid: true,
  constraint: null,
  createStatement: `CREATE INDEX ${name} ON public.t ${definition}`,
  comment: null,
  ...extra,
});

const table = (name: string, extra: Partial<CatalogTable> = {}): CatalogTable => ({
  schema: 'public',
  name,
  kind: 'table',
  partitionKey: null,
  unlogged: false,
  columns: [column('id', 'integer', { notNull: true })],
  constraints: [],
  indexes: [],
  comment: null,
  ...extra,
});

const model = (extra: Partial<CatalogModel> = {}): CatalogModel => ({
  serverVersion: 150000,
  schemas: [{ name: 'public', comment: 'standard public schema' }],
  extensions: [{ name: 'plpgsql', schema: 'pg_catalog', version: '1.0' }],
  enums: [],
  tables: [],
  views: [],
  sequences: [],
  partitions: [],
  ...extra,
});

const options = { comments: false, liveServerVersion: 150000 };
const messages = (live: CatalogModel, history: CatalogModel, opts = options) =>
  compareCatalogs(live, history, opts).map((d) => d.message);

describe('compareCatalogs', () => {
  it('finds nothing in two equal catalogs, whatever the server versions', () => {
    const t = table('t', { indexes: [index('t_id_idx', 'USING btree (id)')] });
    expect(
      compareCatalogs(model({ tables: [t] }), model({ serverVersion: 180000, tables: [structuredClone(t)] }), options),
    ).toEqual([]);
  });

  it('names an index or constraint that only changed its name as renamed', () => {
    const live = model({
      tables: [
        table('t', {
          indexes: [index('t_idx_old', 'USING btree (id)')],
          constraints: [
            {
              name: 'c_old',
              kind: 'check',
              definition: 'CHECK ((id > 0))',
              validated: true,
              columns: ['id'],
              references: null,
              comment: null,
            },
          ],
        }),
      ],
    });
    const history = model({
      tables: [
        table('t', {
          indexes: [index('t_id_idx', 'USING btree (id)')],
          constraints: [
            {
              name: 't_id_check',
              kind: 'check',
              definition: 'CHECK ((id > 0))',
              validated: true,
              columns: ['id'],
              references: null,
              comment: null,
            },
          ],
        }),
      ],
    });
    const items = compareCatalogs(live, history, options);
    expect(items.map((d) => d.message)).toEqual([
      'constraint t_id_check on public.t: live names it c_old',
      'index public.t_id_idx: live names it t_idx_old',
    ]);
    expect(items.flatMap((d) => d.sql.map((s) => s.sql))).toEqual([
      'ALTER TABLE "public"."t" RENAME CONSTRAINT "c_old" TO "t_id_check";',
      'ALTER INDEX "public"."t_idx_old" RENAME TO "t_id_idx";',
    ]);
  });

  it('describes sequences, views, extensions and schemas', () => {
    const seq = {
      schema: 'public',
      name: 'n_seq',
      type: 'bigint',
      start: '1',
      increment: '1',
      min: '1',
      max: '9223372036854775807',
      cache: '1',
      cycle: false,
      ownedBy: null,
      comment: null,
    };
    const view = {
      schema: 'public',
      name: 'v',
      materialized: false,
      definition: 'SELECT 1;',
      canonical: 'SELECT 1;',
      comment: null,
    };
    const live = model({
      sequences: [{ ...seq, increment: '10' }],
      views: [{ ...view, definition: 'SELECT 2;', canonical: 'SELECT 2;' }],
      extensions: [{ name: 'citext', schema: 'extensions', version: '1.6' }],
      schemas: [
        { name: 'public', comment: null },
        { name: 'scratch', comment: null },
      ],
    });
    const history = model({
      sequences: [seq],
      views: [view],
      extensions: [{ name: 'citext', schema: 'public', version: '1.6' }],
    });
    expect(messages(live, history)).toEqual([
      'schema scratch: added outside the migrations',
      'extension citext: live is in schema extensions, history says public',
      'sequence public.n_seq: live is bigint, start 1, increment 10, min 1, max 9223372036854775807, cache 1, no cycle, history says bigint, start 1, increment 1, min 1, max 9223372036854775807, cache 1, no cycle',
      'view public.v: live is view SELECT 2; history says view SELECT 1',
    ]);
  });

  it('compares comments only when asked, and never the public schema’s', () => {
    const live = model({ schemas: [{ name: 'public', comment: null }], tables: [table('t', { comment: 'a table' })] });
    const history = model({ tables: [table('t')] });
    expect(messages(live, history)).toEqual([]);
    expect(messages(live, history, { ...options, comments: true })).toEqual([
      "comment on table public.t: live is 'a table', history says none",
    ]);
  });

  it('a generated column: SET EXPRESSION from PostgreSQL 17, otherwise the column is rebuilt (destructive)', () => {
    const live = model({
      tables: [table('t', { columns: [column('total', 'numeric', { generated: '(a * 2)', generatedKind: 'stored' })] })],
    });
    const history = model({
      tables: [table('t', { columns: [column('total', 'numeric', { generated: '(a * 3)', generatedKind: 'stored' })] })],
    });
    const on17 = compareCatalogs(live, history, { comments: false, liveServerVersion: 170002 });
    expect(on17[0]!.sql.map((s) => s.sql)).toEqual([
      'ALTER TABLE "public"."t" ALTER COLUMN "total" SET EXPRESSION AS ((a * 3));',
    ]);
    const on15 = compareCatalogs(live, history, options);
    expect(on15[0]!.sql.map((s) => [s.sql, s.destructive])).toEqual([
      ['ALTER TABLE "public"."t" DROP COLUMN "total";', true],
      ['ALTER TABLE "public"."t" ADD COLUMN "total" numeric GENERATED ALWAYS AS ((a * 3)) STORED;', false],
    ]);
  });
});

describe('reconciling SQL', () => {
  it('knows which type changes can lose data', () => {
    expect(typeChangeLosesData('character varying(32)', 'text')).toBe(false);
    expect(typeChangeLosesData('character varying(32)', 'character varying(64)')).toBe(false);
    expect(typeChangeLosesData('character varying(64)', 'character varying(32)')).toBe(true);
    expect(typeChangeLosesData('integer', 'bigint')).toBe(false);
    expect(typeChangeLosesData('bigint', 'integer')).toBe(true);
    expect(typeChangeLosesData('numeric(10,2)', 'numeric(12,2)')).toBe(false);
    expect(typeChangeLosesData('numeric(10,2)', 'numeric(10,1)')).toBe(true);
    expect(typeChangeLosesData('timestamp(3) without time zone', 'timestamp(6) without time zone')).toBe(false);
    expect(typeChangeLosesData('text', 'integer')).toBe(true);
  });

  it('orders the script: creations first, drops that lose data last, each destructive one marked', () => {
    const live = model({
      tables: [table('old'), table('t', { columns: [column('id', 'integer', { notNull: true }), column('legacy', 'text')] })],
    });
    const history = model({
      enums: [{ schema: 'public', name: 'mood', values: ['ok'], comment: null }],
      tables: [table('t', { columns: [column('id', 'integer', { notNull: true }), column('mood', '"mood"')] })],
    });
    const statements = compareCatalogs(live, history, options).flatMap((d) => d.sql);
    expect(renderSqlScript(statements, { target: 'database "app" on db:5432', searchPath: ['public'] }).split('\n')).toEqual([
      '-- Statements that bring database "app" on db:5432 back to its migration history (lockstep drift --sql).',
      '-- Review before running. Statements marked "-- destructive" can lose data.',
      'SET search_path TO "public";',
      '',
      `CREATE TYPE "public"."mood" AS ENUM ('ok');`,
      'ALTER TABLE "public"."t" ADD COLUMN "mood" "mood";',
      'ALTER TABLE "public"."t" DROP COLUMN "legacy"; -- destructive',
      'DROP TABLE "public"."old"; -- destructive',
      '',
    ]);
  });
});

describe('what is compared', () => {
  it('ignore patterns: schema.name, name in any schema, schema.* with the schema itself', () => {
    const rules = ignoreRules(['public.audit_*', 'spatial_ref_sys', 'legacy.*', 'tmp_?']);
    expect(rules.matches('public', 'audit_log')).toBe(true);
    expect(rules.matches('other', 'audit_log')).toBe(false);
    expect(rules.matches('gis', 'spatial_ref_sys')).toBe(true);
    expect(rules.matches('legacy', 'anything')).toBe(true);
    expect(rules.matchesSchema('legacy')).toBe(true);
    expect(rules.matchesSchema('public')).toBe(false);
    expect(rules.matches('public', 'tmp_1')).toBe(true);
    expect(rules.matches('public', 'tmp_12')).toBe(false);
    expect(() => ignoreRules(['a b'])).toThrow('The ignore pattern "a b" is not of the form schema.name or name.');
  });

  it('bookkeeping tables, their sequences and bookkeeping-only schemas are left out silently', () => {
    const seq = {
      schema: 'drizzle',
      name: '__drizzle_migrations_id_seq',
      type: 'integer',
      start: '1',
      increment: '1',
      min: '1',
      max: '2147483647',
      cache: '1',
      cycle: false,
      ownedBy: { schema: 'drizzle', table: '__drizzle_migrations', column: 'id' },
      comment: null,
    };
    const scoped = scopeCatalog(
      model({
        schemas: [
          { name: 'public', comment: null },
          { name: 'drizzle', comment: null },
        ],
        tables: [table('users'), { ...table('__drizzle_migrations'), schema: 'drizzle' }],
        sequences: [seq],
      }),
      { tables: ['drizzle.__drizzle_migrations'], schemas: ['drizzle', 'lockstep'] },
      ignoreRules([]),
    );
    expect(scoped.model.tables.map((t) => t.name)).toEqual(['users']);
    expect(scoped.model.sequences).toEqual([]);
    expect(scoped.model.schemas.map((s) => s.name)).toEqual(['public']);
    expect(scoped.ignored).toEqual([]);
  });

  it('view definitions printed by PostgreSQL 15 and 18 for the same view are the same', async () => {
    const pg15 = `SELECT o.id, o.total FROM "Order" o WHERE (o.status = 'PAID'::"OrderStatus");`;
    const pg18 = `SELECT id, total FROM "Order" o WHERE (status = 'PAID'::"OrderStatus");`;
    expect(await viewDefinitionKey(pg15)).toBe(await viewDefinitionKey(pg18));
    expect(await viewDefinitionKey(pg18)).not.toBe(
      await viewDefinitionKey(`SELECT id FROM "Order" o WHERE (status = 'PAID'::"OrderStatus");`),
    );
    const join = `SELECT o.id, u.email FROM ("Order" o JOIN "User" u ON ((u.id = o."userId")));`;
    expect(await viewDefinitionKey(join)).not.toBe(
      await viewDefinitionKey(`SELECT id, email FROM ("Order" o JOIN "User" u ON ((u.id = o."userId")));`),
    );
  });

  it('types read as people write them', () => {
    expect(shortType('character varying(32)')).toBe('varchar(32)');
    expect(shortType('character(2)')).toBe('char(2)');
    expect(shortType('timestamp(3) without time zone')).toBe('timestamp(3)');
    expect(shortType('timestamp with time zone')).toBe('timestamptz');
    expect(shortType('time(6) with time zone[]')).toBe('timetz(6)[]');
    expect(shortType('"OrderStatus"')).toBe('"OrderStatus"');
  });
});
