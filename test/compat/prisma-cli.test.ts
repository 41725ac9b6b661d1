import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { copyExample, REPO_ROOT, type TestProject } from '../support/project.js';

/**
 * Prisma's own CLI (prisma@6) against databases lockstep deployed, and the other way round. Its
 * engine binaries cannot be downloaded here, so it runs through its bundled WebAssembly schema
 * engine with the pg driver adapter (prisma-cli/prisma.config.ts explains the setup).
 */
const FIXTURE = join(REPO_ROOT, 'test', 'compat', 'prisma-cli');
const PRISMA = join(REPO_ROOT, 'node_modules', 'prisma', 'build', 'index.js');

function prisma(
  args: string[],
  project: TestProject,
  databaseUrl: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const placeholder = join(project.dir, 'query-engine.placeholder');
  writeFileSync(placeholder, '');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PRISMA, ...args, '--config', join(FIXTURE, 'prisma.config.ts')], {
      cwd: project.dir,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
        PRISMA_SCHEMA_ENGINE_BINARY: join(FIXTURE, 'schema-engine-stub'),
        JITI_FS_CACHE: 'false',
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('compatibility with prisma migrate', () => {
  let db: TestDatabase;
  let project: TestProject;
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it('prisma migrate status reports a database deployed by lockstep as up to date', async () => {
    db = await freshDatabase();
    project = copyExample('prisma-shop');
    const deployed = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(deployed.code).toBe(0);
    const result = await prisma(['migrate', 'status'], project, db.url);
    expect(result.stdout).toContain('7 migrations found in prisma/migrations');
    expect(result.stdout).toContain('Database schema is up to date!');
    expect(result.code).toBe(0);
  });

  it('prisma migrate status sees a migration lockstep recorded as failed, and lockstep sees one Prisma recorded as failed', async () => {
    db = await freshDatabase();
    project = copyExample('prisma-shop');
    project.migration(
      '20250501000000_broken',
      'ALTER TABLE "Order" ADD COLUMN "note" TEXT;\nALTER TABLE "Nope" ADD COLUMN "x" INTEGER;\n',
    );
    expect((await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } })).code).toBe(1);
    const status = await prisma(['migrate', 'status'], project, db.url);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain('Following migration have failed:\n20250501000000_broken');
    const blocked = await prisma(['migrate', 'deploy'], project, db.url);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('P3009');
  });

  it('lockstep agrees with a database deployed by prisma migrate deploy, and applies only what is new', async () => {
    db = await freshDatabase();
    project = copyExample('prisma-shop');
    const deployed = await prisma(['migrate', 'deploy'], project, db.url);
    expect(deployed.code).toBe(0);
    const status = await runCli(['status', '--json'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'up-to-date', counts: { applied: 7, pending: 0, edited: 0 } });
    project.migration(
      '20250501000000_add_wishlist',
      'CREATE TABLE "Wishlist" ("id" SERIAL NOT NULL, CONSTRAINT "Wishlist_pkey" PRIMARY KEY ("id"));\n',
    );
    const next = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(next.code).toBe(0);
    expect(next.stdout).toContain('1 pending migration (7 already applied)');
    const after = await prisma(['migrate', 'status'], project, db.url);
    expect(after.stdout).toContain('Database schema is up to date!');
  });
});
