import { describe, expect, it } from 'vitest';
import { findingsOf, summary } from './helpers.js';

describe('require-concurrent-index-creation / -deletion / -reindex / -partition-detach', () => {
  it('flags blocking index builds on existing tables and accepts CONCURRENTLY', async () => {
    expect(await summary('CREATE INDEX i ON t (a);\nCREATE UNIQUE INDEX j ON t (b);')).toEqual([
      'require-concurrent-index-creation@1',
      'require-concurrent-index-creation@2',
    ]);
    expect(await summary('CREATE INDEX CONCURRENTLY i ON t (a);')).toEqual([]);
    const [unique] = await findingsOf('require-concurrent-index-creation', 'CREATE UNIQUE INDEX j ON t (b);');
    expect(unique!.message).toContain('duplicates');
  });

  it('exempts tables created earlier in the migration, under any runner', async () => {
    for (const runner of ['lockstep', 'prisma', 'drizzle', 'typeorm', 'psql'] as const) {
      expect(
        await findingsOf('require-concurrent-index-creation', 'CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);', { runner }),
        runner,
      ).toEqual([]);
    }
    expect(
      await findingsOf('require-concurrent-index-creation', 'CREATE TABLE public.t (a int);\nCREATE INDEX i ON t (a);'),
    ).toEqual([]);
    expect(
      await findingsOf('require-concurrent-index-creation', 'CREATE TABLE a.t (a int);\nCREATE INDEX i ON b.t (a);'),
    ).toHaveLength(1);
  });

  it('flags DROP INDEX, REINDEX and DETACH PARTITION without CONCURRENTLY', async () => {
    expect(await summary('DROP INDEX i;\nDROP INDEX CONCURRENTLY j;')).toEqual(['require-concurrent-index-deletion@1']);
    expect(await summary('CREATE INDEX CONCURRENTLY k ON t (a);\nDROP INDEX k;')).toEqual([]);
    expect(
      await summary('REINDEX TABLE t;\nREINDEX (CONCURRENTLY) TABLE t;\nREINDEX INDEX CONCURRENTLY i;\nREINDEX SYSTEM db;'),
    ).toEqual(['require-concurrent-reindex@1']);
    expect(await summary('ALTER TABLE p DETACH PARTITION p1;\nALTER TABLE p DETACH PARTITION p2 CONCURRENTLY;')).toEqual([
      'require-concurrent-partition-detach@1',
    ]);
  });

  it('tells Prisma users that Prisma cannot generate CONCURRENTLY', async () => {
    const [finding] = await findingsOf(
      'require-concurrent-index-creation',
      '-- CreateIndex\nCREATE INDEX "Order_x_idx" ON "Order"("x");',
    );
    expect(finding!.message).toContain('prisma migrate dev --create-only');
  });
});

describe('changing-column-type', () => {
  it('flags a type change on an existing table', async () => {
    const [finding] = await findingsOf('changing-column-type', 'ALTER TABLE t ALTER COLUMN c TYPE bigint;');
    expect(finding!.severity).toBe('error');
    expect(finding!.message).toContain('rewrites the table');
  });

  it('knows the old type when the migration created the column', async () => {
    const widen = await findingsOf(
      'changing-column-type',
      'ALTER TABLE t ADD COLUMN c VARCHAR(20);\nALTER TABLE t ALTER COLUMN c TYPE TEXT;',
    );
    expect(widen[0]!.severity).toBe('warning');
    expect(widen[0]!.message).toContain('catalog only');
    const narrow = await findingsOf(
      'changing-column-type',
      'ALTER TABLE t ADD COLUMN c VARCHAR(20);\nALTER TABLE t ALTER COLUMN c TYPE VARCHAR(10);',
    );
    expect(narrow[0]!.severity).toBe('error');
    expect(narrow[0]!.message).toContain('values longer than 10 characters make the ALTER fail');
    const using = await findingsOf(
      'changing-column-type',
      'ALTER TABLE t ADD COLUMN c TEXT;\nALTER TABLE t ALTER COLUMN c TYPE INTEGER;',
    );
    expect(using[0]!.message).toContain('refuses this without USING');
    const withUsing = await findingsOf(
      'changing-column-type',
      'ALTER TABLE t ADD COLUMN c TEXT;\nALTER TABLE t ALTER COLUMN c TYPE INTEGER USING c::integer;',
    );
    expect(withUsing[0]!.message).not.toContain('USING');
    const rounding = await findingsOf(
      'changing-column-type',
      'ALTER TABLE t ADD COLUMN c NUMERIC(10,2);\nALTER TABLE t ALTER COLUMN c TYPE NUMERIC(10,0);',
    );
    expect(rounding[0]!.message).toContain('rounded to 0 decimal places');
  });
});

describe('setting-not-null', () => {
  it('flags SET NOT NULL on an existing table', async () => {
    expect(await summary('ALTER TABLE t ALTER COLUMN c SET NOT NULL;')).toEqual(['setting-not-null@1']);
  });

  it('accepts it after a validated CHECK (c IS NOT NULL) on PostgreSQL 12+', async () => {
    const pattern =
      'ALTER TABLE t ADD CONSTRAINT c_nn CHECK (c IS NOT NULL) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE t VALIDATE CONSTRAINT c_nn;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;';
    expect(await findingsOf('setting-not-null', pattern)).toEqual([]);
    expect(await findingsOf('setting-not-null', pattern, { postgresVersion: 11 })).toHaveLength(1);
    expect(
      await findingsOf(
        'setting-not-null',
        'ALTER TABLE t VALIDATE CONSTRAINT from_an_earlier_migration;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;',
      ),
    ).toEqual([]);
    expect(
      await findingsOf(
        'setting-not-null',
        'ALTER TABLE t ADD CONSTRAINT x CHECK (other IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT x;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;',
      ),
    ).toHaveLength(1);
  });
});

describe('adding-volatile-default', () => {
  it('flags volatile defaults, stored generated columns, identity and serial columns', async () => {
    const sql = [
      'ALTER TABLE t ADD COLUMN a UUID DEFAULT gen_random_uuid();',
      'ALTER TABLE t ADD COLUMN b FLOAT DEFAULT random() * 2;',
      'ALTER TABLE t ADD COLUMN c INT GENERATED ALWAYS AS (x + 1) STORED;',
      'ALTER TABLE t ADD COLUMN d BIGINT GENERATED BY DEFAULT AS IDENTITY;',
      'ALTER TABLE t ADD COLUMN e BIGSERIAL;',
      'ALTER TABLE t ADD COLUMN f INT DEFAULT app.next_number();',
    ].join('\n');
    expect(await summary(sql)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `adding-volatile-default@${n}`));
  });

  it('accepts constant and stable defaults on PostgreSQL 11+, and flags any default before', async () => {
    const sql = [
      "ALTER TABLE t ADD COLUMN a TEXT NOT NULL DEFAULT 'x';",
      'ALTER TABLE t ADD COLUMN b TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;',
      'ALTER TABLE t ADD COLUMN c TIMESTAMPTZ DEFAULT now();',
      `ALTER TABLE t ADD COLUMN d "Status" NOT NULL DEFAULT 'DRAFT'::"Status";`,
      "ALTER TABLE t ADD COLUMN e JSONB DEFAULT '{}';",
      'ALTER TABLE t ADD COLUMN f TEXT[] DEFAULT ARRAY[]::TEXT[];',
      "ALTER TABLE t ADD COLUMN g TEXT DEFAULT lower('X');",
      'ALTER TABLE t ADD COLUMN h TEXT DEFAULT NULL;',
    ].join('\n');
    expect(await summary(sql)).toEqual([]);
    expect(
      await findingsOf('adding-volatile-default', "ALTER TABLE t ADD COLUMN a TEXT DEFAULT 'x';", { postgresVersion: 10 }),
    ).toHaveLength(1);
  });

  it('leaves new tables alone', async () => {
    expect(await summary('CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN id BIGSERIAL;')).toEqual([]);
  });
});

describe('constraints: foreign keys, checks, unique, primary keys, exclusion', () => {
  it('flags constraints that validate or build an index under a lock', async () => {
    const sql = [
      'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u (id);',
      'ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0);',
      'ALTER TABLE t ADD CONSTRAINT uq UNIQUE (b);',
      'ALTER TABLE t ADD PRIMARY KEY (id);',
      'ALTER TABLE t ADD CONSTRAINT ex EXCLUDE USING gist (r WITH &&);',
      'ALTER TABLE t ADD COLUMN v INT REFERENCES v (id);',
      'ALTER TABLE t ADD COLUMN w TEXT UNIQUE;',
    ].join('\n');
    expect(await summary(sql)).toEqual([
      'adding-foreign-key-constraint@1',
      'constraint-missing-not-valid@2',
      'adding-unique-constraint@3',
      'adding-primary-key-constraint@4',
      'adding-exclusion-constraint@5',
      'adding-foreign-key-constraint@6',
      'adding-unique-constraint@7',
    ]);
  });

  it('accepts NOT VALID, USING INDEX and new tables', async () => {
    const sql = [
      'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u (id) NOT VALID;',
      'ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0) NOT VALID;',
      'ALTER TABLE t ADD CONSTRAINT uq UNIQUE USING INDEX uq_idx;',
      'ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY USING INDEX pk_idx;',
      'CREATE TABLE n (id int, u int);',
      'ALTER TABLE n ADD CONSTRAINT n_fk FOREIGN KEY (u) REFERENCES u (id);',
      'ALTER TABLE n ADD CONSTRAINT n_ck CHECK (id > 0);',
    ].join('\n');
    expect(await summary(sql)).toEqual([]);
  });

  it('flags VALIDATE in the same transaction as the NOT VALID add', async () => {
    const same = 'ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT ck;';
    const lines = async (sql: string, runner: 'lockstep' | 'psql') =>
      (await findingsOf('constraint-missing-not-valid', sql, { runner })).map((f) => f.line);
    expect(await lines(same, 'lockstep')).toEqual([2]);
    expect(await lines(same, 'psql')).toEqual([]);
    expect(await lines(`BEGIN;\n${same}\nCOMMIT;`, 'psql')).toEqual([3]);
    expect(
      await lines(
        `BEGIN;\nALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0) NOT VALID;\nCOMMIT;\nALTER TABLE t VALIDATE CONSTRAINT ck;`,
        'psql',
      ),
    ).toEqual([]);
  });
});

describe('ban-vacuum-full / ban-cluster / ban-lock-table / domains', () => {
  it('flags table rewrites and explicit blocking locks', async () => {
    expect(await summary('VACUUM FULL t;\nVACUUM (FULL, ANALYZE) t;\nVACUUM t;\nCLUSTER t USING i;')).toEqual([
      'ban-vacuum-full@1',
      'ban-vacuum-full@2',
      'ban-cluster@4',
    ]);
    expect(await summary('LOCK TABLE t;\nLOCK TABLE t IN SHARE MODE;\nLOCK TABLE t IN ROW EXCLUSIVE MODE;')).toEqual([
      'ban-lock-table@1',
      'ban-lock-table@2',
    ]);
  });

  it('flags constraints on domains', async () => {
    expect(
      await summary(
        'CREATE DOMAIN d AS int CHECK (VALUE > 0);\nCREATE DOMAIN e AS int;\nALTER DOMAIN e ADD CONSTRAINT c CHECK (VALUE > 0);',
      ),
    ).toEqual(['ban-create-domain-with-constraint@1', 'ban-alter-domain-with-add-constraint@3']);
  });
});
