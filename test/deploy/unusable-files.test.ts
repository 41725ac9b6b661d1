import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyDrizzleExample, type DrizzleProject } from '../support/drizzle.js';
import { runCli, type CliResult } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

/** A usage error (exit 2) that names `file`, never an internal error. */
function expectRefused(run: CliResult, code: string, ...texts: string[]) {
  expect(run.stderr).not.toContain('LS_INTERNAL');
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toContain(`[${code}]`);
  for (const text of texts) expect(run.stderr).toContain(text);
}

/** Every directory under `dir` (and it) open to every user, so that another user can reach the files in it. */
function openToAll(dir: string) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) openToAll(path);
  }
}

const NOBODY = { uid: 65534, gid: 65534 };

describe('migration files that cannot be used as they are', () => {
  let db: TestDatabase;
  let project: TestProject | undefined;
  let drizzleProject: DrizzleProject | undefined;
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
    drizzleProject?.cleanup();
    project = drizzleProject = undefined;
  });

  it('a migration file that cannot be read (permissions): deploy, status and lint stop with exit 2 naming it', async () => {
    db = await freshDatabase();
    project = prismaProject({
      '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n',
      '20240102000000_b': 'CREATE TABLE "b" ("id" INTEGER);\n',
    });
    openToAll(project.dir);
    chmodSync(join(project.migrationsDir, '20240102000000_b', 'migration.sql'), 0o000);
    // Root reads any file, so the check runs as an unprivileged user.
    const user = process.getuid?.() === 0 ? { user: NOBODY } : {};
    for (const command of [['deploy'], ['status'], ['lint']]) {
      const run = await runCli(command, { cwd: project.dir, env: { DATABASE_URL: db.url }, ...user });
      expectRefused(
        run,
        'LS_MIGRATION_FILE',
        'Cannot read prisma/migrations/20240102000000_b/migration.sql (migration "20240102000000_b"): permission denied',
        'chmod a+r',
      );
    }
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).toHaveLength(0);
  });

  it('a migration.sql that is a directory, in a Prisma folder and as a Drizzle journal entry', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n' });
    mkdirSync(join(project.migrationsDir, '20240102000000_b', 'migration.sql'), { recursive: true });
    const prisma = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expectRefused(
      prisma,
      'LS_MIGRATION_FILE',
      'Cannot read prisma/migrations/20240102000000_b/migration.sql (migration "20240102000000_b"): it is a directory, not a file.',
    );

    drizzleProject = copyDrizzleExample();
    const tag = drizzleProject.journal().entries[1]!.tag;
    const file = join(drizzleProject.out, `${tag}.sql`);
    const { rmSync } = await import('node:fs');
    rmSync(file);
    mkdirSync(file);
    const drizzle = await runCli(['deploy'], { cwd: drizzleProject.dir, env: { DATABASE_URL: db.url } });
    expectRefused(
      drizzle,
      'LS_MIGRATION_FILE',
      `Cannot read drizzle/${tag}.sql (migration "${tag}"): it is a directory, not a file.`,
    );
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).toHaveLength(0);
  });

  it('a NUL byte in a migration is refused by deploy, status and lint, as invalid UTF-8 is, and nothing is applied', async () => {
    db = await freshDatabase();
    project = prismaProject({
      '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n',
      // PostgreSQL would see only the text before the NUL: the second table would silently never exist.
      '20240102000000_b': 'CREATE TABLE "b" ("id" INTEGER);\n\0CREATE TABLE "c" ("id" INTEGER);\n',
    });
    const where = 'prisma/migrations/20240102000000_b/migration.sql contains a NUL byte at offset 33 (line 2)';
    const deployed = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expectRefused(deployed, 'LS_MIGRATION_FILE', where, 'PostgreSQL ends a query at a NUL byte');
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE tablename IN ('a', 'b', 'c')`)).toHaveLength(0);

    expectRefused(await runCli(['status'], { cwd: project.dir, env: { DATABASE_URL: db.url } }), 'LS_MIGRATION_FILE', where);
    expectRefused(await runCli(['lint'], { cwd: project.dir }), 'LS_LINT_FILE', where);
    expectRefused(
      await runCli(['lint', 'prisma/migrations/20240102000000_b/migration.sql'], { cwd: project.dir }),
      'LS_LINT_FILE',
      where,
    );

    // Once the first migration is applied and the second fixed, both apply.
    project.migration('20240102000000_b', 'CREATE TABLE "b" ("id" INTEGER);\nCREATE TABLE "c" ("id" INTEGER);\n');
    expect((await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } })).code).toBe(0);
  });
});

describe('a Drizzle journal with the wrong structure', () => {
  let db: TestDatabase;
  let drizzleProject: DrizzleProject;
  afterEach(async () => {
    await db?.drop();
    drizzleProject?.cleanup();
  });

  const journalFile = () => join(drizzleProject.out, 'meta', '_journal.json');

  it('entries that is a string, a journal that is an array, a null entry, an entry without a tag: exit 2 naming the file and what is wrong', async () => {
    db = await freshDatabase();
    drizzleProject = copyDrizzleExample();
    const good = drizzleProject.journal();
    const cases: Array<[unknown, string]> = [
      [
        { ...good, entries: '0000_init' },
        'drizzle/meta/_journal.json has "entries" that is a string, where an array of migrations is expected.',
      ],
      [
        good.entries,
        'drizzle/meta/_journal.json is not a drizzle-kit journal: it is an array, where an object with an "entries" array is expected.',
      ],
      [
        { ...good, entries: [good.entries[0], null] },
        'drizzle/meta/_journal.json has an entry that drizzle-orm cannot apply: entry 1 is null, not a migration.',
      ],
      [{ ...good, entries: [{ ...good.entries[0], tag: undefined }] }, 'entry 0 has no "tag"'],
      [{ version: '7' }, 'drizzle/meta/_journal.json has no "entries" array.'],
      [null, 'is not a drizzle-kit journal: it is null'],
    ];
    for (const [journal, message] of cases) {
      writeFileSync(journalFile(), JSON.stringify(journal));
      for (const command of ['deploy', 'status']) {
        const run = await runCli([command], { cwd: drizzleProject.dir, env: { DATABASE_URL: db.url } });
        expectRefused(run, 'LS_DRIZZLE_JOURNAL', message, 'Restore the journal from version control');
      }
    }
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).toHaveLength(0);
  });

  it('a journal that lists no migrations while the folder has SQL files is refused, not "no migrations"', async () => {
    db = await freshDatabase();
    drizzleProject = copyDrizzleExample();
    const sqlFiles = readdirSync(drizzleProject.out).filter((f) => f.endsWith('.sql')).length;
    writeFileSync(journalFile(), JSON.stringify({ ...drizzleProject.journal(), entries: [] }));
    for (const command of ['deploy', 'status']) {
      const run = await runCli([command], { cwd: drizzleProject.dir, env: { DATABASE_URL: db.url } });
      expectRefused(
        run,
        'LS_DRIZZLE_JOURNAL',
        `drizzle/meta/_journal.json lists no migrations, but drizzle has ${sqlFiles} SQL files (`,
        'drizzle-orm would apply none of them',
      );
      expect(run.stdout).not.toContain('no migrations');
    }
    const detect = await runCli(['detect', '--json'], { cwd: drizzleProject.dir });
    expect(detect.code).toBe(0);
    expect(JSON.stringify(JSON.parse(detect.stdout))).toContain('lists no migrations, but drizzle has');
  });
});
