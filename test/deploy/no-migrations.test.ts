import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, PRISMA_LOCK_TOML, type TestProject } from '../support/project.js';

const SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';
// The app a deploy would start: it leaves a file behind, so a test can tell whether it ran.
const APP = ['--', process.execPath, '-e', "require('node:fs').writeFileSync('app-started', 'yes')"];

/** A monorepo whose root package.json lists prisma, with the Prisma project itself in packages/db. */
function monorepo(): TestProject {
  const project = prismaProject({}, { lockToml: null });
  project.remove('prisma');
  project.write(
    'package.json',
    JSON.stringify({ name: 'shop', private: true, workspaces: ['packages/*'], devDependencies: { prisma: '^6.0.0' } }),
  );
  project.write('packages/db/package.json', JSON.stringify({ name: '@shop/db', dependencies: { '@prisma/client': '^6.0.0' } }));
  project.write('packages/db/prisma/schema.prisma', SCHEMA);
  project.write('packages/db/prisma/migrations/migration_lock.toml', PRISMA_LOCK_TOML);
  project.write(
    'packages/db/prisma/migrations/20240101000000_init/migration.sql',
    'CREATE TABLE "Order" ("id" INTEGER PRIMARY KEY);\n',
  );
  project.write('packages/web/package.json', JSON.stringify({ name: '@shop/web', dependencies: { '@prisma/client': '^6.0.0' } }));
  return project;
}

describe('a project with no migrations on disk', () => {
  let db: TestDatabase | undefined;
  let project: TestProject;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
    project?.cleanup();
  });

  it('at a monorepo root: deploy refuses with exit 2, names the folder, where its path came from and the package that holds the project, and never starts the app', async () => {
    db = await freshDatabase();
    project = monorepo();
    const env = { DATABASE_URL: db.url };
    for (const args of [
      ['deploy', ...APP],
      ['deploy', '--strict', ...APP],
    ]) {
      const result = await runCli(args, { cwd: project.dir, env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        '[LS_NO_MIGRATIONS] Nothing to deploy: The migrations folder prisma/migrations does not exist',
      );
      expect(result.stderr).toContain("Prisma's default, since no schema was found here");
      expect(result.stderr).toContain('packages/db (prisma/schema.prisma, prisma/migrations/migration_lock.toml)');
      expect(result.stderr).not.toContain('packages/web');
      expect(result.stderr).toContain('`lockstep deploy --project packages/db`');
      expect(existsSync(join(project.dir, 'app-started'))).toBe(false);
    }
    // Nothing was created in the database, and status does not call it up to date.
    expect(
      await db.query(
        `SELECT 1 FROM pg_namespace WHERE nspname = 'lockstep' UNION ALL SELECT 1 FROM pg_class WHERE relname = '_prisma_migrations'`,
      ),
    ).toEqual([]);
    const status = await runCli(['status'], { cwd: project.dir, env });
    expect(status.code).toBe(2);
    expect(status.stdout).not.toContain('up to date');
    expect(status.stderr).toContain('[LS_NO_MIGRATIONS]');
    expect(status.stderr).toContain('`lockstep status --project packages/db`');
    // The command it names works.
    const fixed = await runCli(['deploy', '--project', 'packages/db', ...APP], { cwd: project.dir, env });
    expect(fixed.code).toBe(0);
    expect(existsSync(join(project.dir, 'app-started'))).toBe(true);
  });

  it('with no database URL either: the same refusal, and no embedded database is created', async () => {
    project = monorepo();
    const result = await runCli(['deploy'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[LS_NO_MIGRATIONS]');
    expect(existsSync(join(project.dir, '.lockstep'))).toBe(false);
    const withApp = await runCli(['deploy', ...APP], { cwd: project.dir });
    expect(withApp.code).toBe(2);
    expect(withApp.stderr).toContain('[LS_NO_MIGRATIONS]');
  });

  it('an empty migrations folder on an empty database is refused as well, with how to create the first migration', async () => {
    db = await freshDatabase();
    project = prismaProject({});
    const result = await runCli(['deploy', ...APP], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "The migrations folder prisma/migrations has no migrations (Prisma's default, next to the schema prisma/schema.prisma)",
    );
    expect(result.stderr).toContain('npx prisma migrate dev --name init');
    expect(existsSync(join(project.dir, 'app-started'))).toBe(false);
  });

  it('a Drizzle project says where `out` comes from', async () => {
    db = await freshDatabase();
    project = prismaProject({}, { lockToml: null });
    project.remove('prisma');
    project.write(
      'package.json',
      JSON.stringify({ name: 'app', dependencies: { 'drizzle-orm': '^0.45.0' }, devDependencies: { 'drizzle-kit': '^0.31.0' } }),
    );
    project.write(
      'drizzle.config.json',
      JSON.stringify({ dialect: 'postgresql', schema: './src/schema.ts', out: './db/migrations' }),
    );
    const result = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('The migrations folder db/migrations does not exist (`out` in drizzle.config.json)');
  });
  it('at a monorepo root whose package.json lists no ORM: deploy, status and detect name the packages that hold a project and the --project for each', async () => {
    project = monorepo();
    project.write('package.json', JSON.stringify({ name: 'shop', private: true, workspaces: ['packages/*'] }));
    project.write('apps/api/package.json', JSON.stringify({ name: '@shop/api', dependencies: { 'drizzle-orm': '^0.45.0' } }));
    project.write(
      'apps/api/drizzle.config.ts',
      "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n",
    );
    const detected = await runCli(['detect'], { cwd: project.dir });
    expect(detected.code).toBe(2);
    expect(detected.stdout).toContain(
      'Below it: apps/api (drizzle), packages/db (prisma); pass the one to use with --project (e.g. --project apps/api).',
    );
    for (const args of [['deploy', ...APP], ['status']]) {
      const result = await runCli(args, { cwd: project.dir, env: { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' } });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('LS_NO_PROJECT');
      expect(result.stderr).toContain('These directories below it hold one');
      expect(result.stderr).toMatch(/- apps\/api: drizzle \(.*drizzle\.config\.ts/);
      expect(result.stderr).toMatch(/- packages\/db: prisma \(.*schema\.prisma/);
      expect(result.stderr).toContain('--project apps/api');
      expect(result.stderr).toContain('--project packages/db');
      expect(existsSync(join(project.dir, 'app-started'))).toBe(false);
    }
  });
});
