import { afterEach, describe, expect, it } from 'vitest';
import { deployedExample, messages, type DeployedExample } from './helpers.js';

describe('objects managed elsewhere', () => {
  let example: DeployedExample | undefined;
  afterEach(async () => {
    await example?.cleanup();
    example = undefined;
  });

  it('--ignore leaves out tables, their sequences and whole schemas, and says what it left out', async () => {
    example = await deployedExample('drizzle-app');
    await example.db.query('CREATE TABLE audit_trail (id serial PRIMARY KEY, at timestamptz)');
    await example.db.query('CREATE TABLE audit_archive (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)');
    await example.db.query('CREATE SCHEMA metabase');
    await example.db.query('CREATE TABLE metabase.cards (id int)');
    await example.db.query('ALTER TABLE users ADD COLUMN nickname text');

    const all = await example.driftJson('--no-schema');
    expect(messages(all.result)).toEqual([
      'schema metabase: added outside the migrations',
      'table metabase.cards: added outside the migrations',
      'table public.audit_archive: added outside the migrations',
      'table public.audit_trail: added outside the migrations',
      'column public.users.nickname: added outside the migrations (text NULL)',
    ]);

    const ignored = await example.driftJson('--no-schema', '--ignore', 'public.audit_*', '--ignore', 'metabase.*');
    expect(messages(ignored.result)).toEqual(['column public.users.nickname: added outside the migrations (text NULL)']);
    expect(ignored.result.ignored).toEqual(['metabase.cards', 'public.audit_archive', 'public.audit_trail', 'schema metabase']);
    expect(ignored.result.notes).toContain(
      'Left out by the ignore list (public.audit_*, metabase.*): metabase.cards, public.audit_archive, public.audit_trail, schema metabase.',
    );
  });

  it('drift.ignore in lockstep.config.json, and a pattern without a schema matches in every schema', async () => {
    example = await deployedExample('prisma-shop');
    await example.db.query('CREATE TABLE "spatial_notes" (id int)');
    example.project.write('lockstep.config.json', JSON.stringify({ drift: { ignore: ['spatial_*'] } }));
    const { code, result } = await example.driftJson('--no-schema');
    expect(result.differences).toEqual([]);
    expect(result.ignored).toEqual(['public.spatial_notes']);
    expect(code).toBe(0);

    example.project.write('lockstep.config.json', JSON.stringify({ drift: { ignore: 'spatial_*' } }));
    const bad = await example.cli('drift');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('[LS_CONFIG_INVALID] "drift.ignore" in lockstep.config.json must be an array of patterns');

    example.project.remove('lockstep.config.json');
    const badPattern = await example.cli('drift', '--ignore', 'a.b.c');
    expect(badPattern.code).toBe(2);
    expect(badPattern.stderr).toContain('The ignore pattern "a.b.c" is not of the form schema.name or name.');
  });

  it('partitions follow their parent and are left out with a note; lockstep and ORM bookkeeping is never reported', async () => {
    example = await deployedExample('prisma-shop');
    example.project.migration(
      '20250501000000_events',
      `CREATE TABLE "Event" ("id" INTEGER NOT NULL, "at" DATE NOT NULL, PRIMARY KEY ("id", "at")) PARTITION BY RANGE ("at");
CREATE TABLE "Event_2025" PARTITION OF "Event" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
    );
    const deployed = await example.cli('deploy');
    expect(deployed.code, deployed.stderr).toBe(0);
    // Partitions come and go with retention jobs, outside the migrations.
    await example.db.query(`CREATE TABLE "Event_2026" PARTITION OF "Event" FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`);
    await example.db.query(`DROP TABLE "Event_2025"`);
    const { code, result } = await example.driftJson('--no-schema');
    expect(result.differences).toEqual([]);
    expect(code).toBe(0);
    expect(result.notes).toContain('1 partition not compared (each follows its parent table): public.Event_2026.');
    const tables = await example.db.query<{ t: string }>(
      `SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE tablename IN ('_prisma_migrations', 'audit_log') ORDER BY 1`,
    );
    expect(tables.map((r) => r.t)).toEqual(['lockstep.audit_log', 'public._prisma_migrations']);
  });
});
