import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, REPO_ROOT, type TestProject } from '../support/project.js';

const APP = `
const fs = require('node:fs');
fs.writeFileSync(process.argv[2], 'started');
const code = Number(process.argv[3] ?? 0);
if (process.argv[4] === 'wait') {
  process.on('SIGTERM', () => { fs.writeFileSync(process.argv[2], 'got SIGTERM'); process.exit(42); });
  setInterval(() => {}, 1000);
} else {
  process.stdout.write('app output\\n');
  process.exit(code);
}
`;

describe('deploy -- <command>', () => {
  let db: TestDatabase;
  let project: TestProject;
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it('starts the app after a successful deploy and passes its exit code through', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n' });
    const app = project.write('app.cjs', APP);
    const marker = join(project.dir, 'started.txt');
    const result = await runCli(['deploy', '--', process.execPath, app, marker, '7'], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
    });
    expect(result.code).toBe(7);
    expect(existsSync(marker)).toBe(true);
    expect(result.stdout).toContain('app output');
    expect(result.stdout.indexOf('20240101000000_a')).toBeLessThan(result.stdout.indexOf('app output'));
  });

  it('never starts the app when the deploy fails', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\nSELECT * FROM nowhere;\n' });
    const app = project.write('app.cjs', APP);
    const marker = join(project.dir, 'started.txt');
    const result = await runCli(['deploy', '--', process.execPath, app, marker], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
    });
    expect(result.code).toBe(1);
    expect(existsSync(marker)).toBe(false);
    const blocked = await runCli(['deploy', '--', process.execPath, app, marker], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
    });
    expect(blocked.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
  });

  it('forwards signals to the app', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n' });
    const app = project.write('app.cjs', APP);
    const marker = join(project.dir, 'started.txt');
    let child: import('node:child_process').ChildProcess | undefined;
    const running = runCli(['deploy', '--', process.execPath, app, marker, '0', 'wait'], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
      onSpawn: (c) => (child = c),
    });
    for (let i = 0; i < 200 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
    child!.kill('SIGTERM');
    const result = await running;
    expect(result.code).toBe(42);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(marker, 'utf8')).toBe('got SIGTERM');
  });

  it('does not fall back to the embedded database when an app is to be started', async () => {
    project = prismaProject({ '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n' });
    const app = project.write('app.cjs', APP);
    const marker = join(project.dir, 'started.txt');
    const result = await runCli(['deploy', '--', process.execPath, app, marker], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[LS_NO_DATABASE_URL]');
    expect(result.stderr).toContain('DATABASE_URL is not set');
    expect(existsSync(marker)).toBe(false);
  });

  it('with --embedded, serves the embedded database to the app as DATABASE_URL for its lifetime: a real client connects', {
    timeout: 180_000,
  }, async () => {
    project = prismaProject({
      '20240101000000_init': 'CREATE TABLE "Note" ("id" SERIAL PRIMARY KEY, "body" TEXT NOT NULL);\n',
      '20240102000000_seed': `INSERT INTO "Note" ("body") VALUES ('from the migration');\n`,
    });
    const report = join(project.dir, 'report.json');
    // The app: a pool of node-postgres clients, concurrent queries, a transaction, a write; then exit 7.
    // A failing query from another client while the transaction is open must wait for it rather
    // than run inside it (PGlite has one backend), or it would abort the transaction and lose the write.
    const app = project.write(
      'app.mjs',
      `import { writeFileSync } from 'node:fs';
import pg from ${JSON.stringify(PG_MODULE)};
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
const [notes, history] = await Promise.all([
  pool.query('SELECT body FROM "Note" ORDER BY id'),
  pool.query('SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL'),
]);
const client = await pool.connect();
await client.query('BEGIN');
await client.query(\`INSERT INTO "Note" ("body") VALUES ('from the app')\`);
const concurrent = pool.query('SELECT 1/0').then(() => 'ran', (error) => error.message);
await new Promise((resolve) => setTimeout(resolve, 100));
await client.query('COMMIT');
client.release();
const seen = await concurrent;
// Two connections each prepare a statement of the same name (as Prisma's engine does on every
// connection): each keeps its own in the one backend.
const [one, two] = [await pool.connect(), await pool.connect()];
const prepared = await Promise.all([
  one.query({ name: 's0', text: 'SELECT $1::int + 1 AS n', values: [1] }),
  two.query({ name: 's0', text: 'SELECT $1::text AS n', values: ['two'] }),
]);
const again = await one.query({ name: 's0', text: 'SELECT $1::int + 1 AS n', values: [41] });
one.release(true);
two.release(true);
await pool.end();
writeFileSync(${JSON.stringify(report)}, JSON.stringify({ notes: notes.rows.map((r) => r.body), applied: history.rows[0].n, seen, prepared: [...prepared.map((r) => r.rows[0].n), again.rows[0].n], host: new URL(process.env.DATABASE_URL).hostname }));
process.exit(7);
`,
    );
    const result = await runCli(['deploy', '--embedded', '--', process.execPath, app], {
      cwd: project.dir,
      env: { CI: 'true', DATABASE_URL: undefined },
      timeoutMs: 150_000,
    });
    expect(result.code, result.stderr).toBe(7);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toEqual({
      notes: ['from the migration'],
      applied: 2,
      seen: 'division by zero',
      prepared: [2, 'two', 42],
      host: '127.0.0.1',
    });
    expect(result.stdout).toMatch(
      /Starting .*app\.mjs with the embedded PostgreSQL \(PGlite\) in .*pglite, served on 127\.0\.0\.1:\d+ as DATABASE_URL/,
    );

    // What the app wrote is in the embedded database after it exited (and the server let go of it).
    const status = await runCli(['status', '--embedded', '--json'], { cwd: project.dir });
    expect(status.code).toBe(0);
    const after = await runCli(['deploy', '--embedded', '--', process.execPath, '-e', `${COUNT_NOTES}`], {
      cwd: project.dir,
      timeoutMs: 150_000,
    });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('notes: 2');
  });
});

const PG_MODULE = join(REPO_ROOT, 'node_modules', 'pg', 'lib', 'index.js');
const COUNT_NOTES = `import(${JSON.stringify(PG_MODULE)}).then(async ({ default: pg }) => {
  const client = new pg.Client(process.env.DATABASE_URL);
  await client.connect();
  const { rows } = await client.query('SELECT count(*)::int AS n FROM "Note"');
  console.log('notes: ' + rows[0].n);
  await client.end();
})`;
