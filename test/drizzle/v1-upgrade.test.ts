import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { copyDrizzleExample, drizzleMigrate, drizzleV1Migrate, v1FolderName, type DrizzleProject } from '../support/drizzle.js';

interface Row {
  name: string | null;
  applied: boolean;
}

describe('a drizzle-orm 0.x history, after the project moves to the v1 folder layout', () => {
  let db: TestDatabase;
  let project: DrizzleProject;
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: { DATABASE_URL: db.url } });
  const columns = async () =>
    (
      await db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'drizzle' AND table_name = '__drizzle_migrations' ORDER BY ordinal_position`,
      )
    ).map((r) => r.column_name);
  /** Each row's name, and whether it has an applied_at. */
  const namesAndApplied = async () =>
    (await db.query<Row>('SELECT name, applied_at IS NOT NULL AS applied FROM drizzle.__drizzle_migrations ORDER BY id')).map(
      (r) => [r.name, r.applied],
    );
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  /** drizzle-orm 0.x applies the first `applied` journal entries; then the journal becomes v1 folders, as `drizzle-kit up` does. */
  async function upgradedProject(applied: number): Promise<string[]> {
    db = await freshDatabase();
    project = copyDrizzleExample();
    const journalFile = join(project.out, 'meta', '_journal.json');
    const full = readFileSync(journalFile, 'utf8');
    const journal = JSON.parse(full) as { entries: Array<{ when: number; tag: string }> };
    writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, applied) }));
    await drizzleMigrate(db.url, project.out);
    const folders: string[] = [];
    for (const entry of journal.entries) {
      const folder = v1FolderName(entry.when, entry.tag);
      mkdirSync(join(project.out, folder));
      writeFileSync(join(project.out, folder, 'migration.sql'), readFileSync(join(project.out, `${entry.tag}.sql`)));
      rmSync(join(project.out, `${entry.tag}.sql`));
      folders.push(folder);
    }
    rmSync(join(project.out, 'meta'), { recursive: true });
    return folders;
  }

  it('status reads it as drizzle-orm v1 would; deploy upgrades it as drizzle-orm v1 does, and drizzle-orm v1 agrees afterwards', async () => {
    const folders = await upgradedProject(3);
    const status = JSON.parse((await cli('status', '--json')).stdout);
    expect(status).toMatchObject({ state: 'pending', counts: { applied: 3, pending: 2, missingOnDisk: 0 } });
    expect(await columns()).toEqual(['id', 'hash', 'created_at']); // status changes nothing

    const deployed = await cli('deploy');
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toContain('drizzle.__drizzle_migrations upgraded to the drizzle-orm v1 format');
    expect(deployed.stdout).toContain('2 pending migrations (3 already applied)');
    expect(await columns()).toEqual(['id', 'hash', 'created_at', 'name', 'applied_at']);
    expect(await namesAndApplied()).toEqual([
      [folders[0], false],
      [folders[1], false],
      [folders[2], false],
      [folders[3], true],
      [folders[4], true],
    ]);

    // drizzle-orm v1 finds everything applied: it neither upgrades again nor applies anything.
    await drizzleV1Migrate(db.url, project.out);
    expect(await db.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).toEqual([{ n: 5 }]);
    expect(JSON.parse((await cli('status', '--json')).stdout)).toMatchObject({ state: 'up-to-date', counts: { applied: 5 } });
  });

  it('after drizzle-orm v1 upgraded the table and applied a migration itself, lockstep agrees and continues', async () => {
    const folders = await upgradedProject(2);
    // drizzle-orm v1 runs every pending migration in one transaction, which CONCURRENTLY refuses: hold the last two back.
    const aside = join(project.dir, 'aside');
    mkdirSync(aside);
    for (const folder of folders.slice(3)) renameSync(join(project.out, folder), join(aside, folder));
    await drizzleV1Migrate(db.url, project.out);
    for (const folder of folders.slice(3)) renameSync(join(aside, folder), join(project.out, folder));
    expect(await columns()).toEqual(['id', 'hash', 'created_at', 'name', 'applied_at']);

    expect(JSON.parse((await cli('status', '--json')).stdout)).toMatchObject({
      state: 'pending',
      counts: { applied: 3, pending: 2 },
    });
    const deployed = await cli('deploy');
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).not.toContain('upgraded');
    expect(await namesAndApplied()).toEqual([
      [folders[0], false],
      [folders[1], false],
      [folders[2], true],
      [folders[3], true],
      [folders[4], true],
    ]);
    await drizzleV1Migrate(db.url, project.out);
    expect(await db.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).toEqual([{ n: 5 }]);
  });

  it('refuses, and changes nothing, when a row matches no folder, as drizzle-orm v1 refuses', async () => {
    const folders = await upgradedProject(2);
    rmSync(join(project.out, folders[1]!), { recursive: true });
    const deployed = await cli('deploy');
    expect(deployed.code).toBe(3);
    expect(deployed.stderr).toContain('[LS_DRIZZLE_TABLE_UPGRADE]');
    expect(deployed.stderr).toContain('1 of its rows match no migration folder');
    expect(await columns()).toEqual(['id', 'hash', 'created_at']);
  });
});
