import { describe, expect, it } from 'vitest';
import { parsePostgres } from '../../src/sql/postgres/parser.js';
import { referencedRelations } from '../../src/sql/postgres/relations.js';

async function relationsOf(sql: string): Promise<string[]> {
  const raws = await parsePostgres(sql);
  expect(raws).toHaveLength(1);
  return referencedRelations(raws[0]!.node);
}

describe('referencedRelations', () => {
  it('returns nothing for a statement without tables', async () => {
    expect(await relationsOf('SELECT 1')).toEqual([]);
    expect(await relationsOf("SET lock_timeout = '2s'")).toEqual([]);
  });

  it('quotes names and folds unquoted ones as PostgreSQL does', async () => {
    expect(await relationsOf('ALTER TABLE Orders ADD COLUMN note text')).toEqual(['"orders"']);
    expect(await relationsOf('ALTER TABLE "Order" ADD COLUMN note text')).toEqual(['"Order"']);
  });

  it('qualifies with the schema when the statement does', async () => {
    expect(await relationsOf('ALTER TABLE "shop"."Order" ADD COLUMN note text')).toEqual(['"shop"."Order"']);
    expect(await relationsOf('CREATE INDEX idx ON Sales.orders (id)')).toEqual(['"sales"."orders"']);
  });

  it('escapes double quotes inside names', async () => {
    expect(await relationsOf('ALTER TABLE "we""ird" RENAME TO plain')).toEqual(['"we""ird"']);
  });

  it('finds every table of a query once, in order of appearance', async () => {
    expect(
      await relationsOf(
        'INSERT INTO "Order" SELECT o.* FROM public."Item" o JOIN x ON true JOIN x AS y ON true WHERE id IN (SELECT id FROM u)',
      ),
    ).toEqual(['"Order"', '"public"."Item"', '"x"', '"u"']);
  });

  it('UPDATE ... FROM and DELETE ... USING name both tables', async () => {
    expect(await relationsOf('UPDATE a SET n = b.n FROM b WHERE a.id = b.id')).toEqual(['"a"', '"b"']);
    expect(await relationsOf('DELETE FROM a USING b WHERE a.id = b.id')).toEqual(['"a"', '"b"']);
  });

  it('TRUNCATE and LOCK name each table', async () => {
    expect(await relationsOf('TRUNCATE t1, s.t2')).toEqual(['"t1"', '"s"."t2"']);
    expect(await relationsOf('LOCK TABLE l1, l2 IN ACCESS EXCLUSIVE MODE')).toEqual(['"l1"', '"l2"']);
  });

  it('names the table of a trigger and of a CREATE INDEX CONCURRENTLY', async () => {
    expect(await relationsOf('CREATE TRIGGER tr AFTER INSERT ON audit.t FOR EACH ROW EXECUTE FUNCTION f()')).toEqual([
      '"audit"."t"',
    ]);
    expect(await relationsOf('CREATE INDEX CONCURRENTLY i ON "Order" ("createdAt")')).toEqual(['"Order"']);
  });

  it('names the referenced table of a foreign key (it is locked too)', async () => {
    expect(
      await relationsOf(
        'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT',
      ),
    ).toEqual(['"Post"', '"User"']);
    expect(await relationsOf('CREATE TABLE c (id int REFERENCES s.d (id))')).toEqual(['"c"', '"s"."d"']);
  });

  it('names the partition of a DETACH PARTITION', async () => {
    expect(await relationsOf('ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY')).toEqual([
      '"measurements"',
      '"measurements_2020"',
    ]);
  });

  it('names the table of a view definition and of CREATE TABLE AS', async () => {
    expect(await relationsOf('CREATE VIEW v AS SELECT * FROM t')).toContain('"t"');
    expect(await relationsOf('CREATE TABLE x AS SELECT * FROM y')).toContain('"y"');
  });
});
