import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

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
    const result = await runCli(['deploy', '--', process.execPath, app, marker, '7'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
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
    const result = await runCli(['deploy', '--', process.execPath, app, marker], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(1);
    expect(existsSync(marker)).toBe(false);
    const blocked = await runCli(['deploy', '--', process.execPath, app, marker], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(blocked.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
  });

  it('forwards signals to the app', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n' });
    const app = project.write('app.cjs', APP);
    const marker = join(project.dir, 'started.txt');
    let child: import('node:child_process').ChildProcess | undefined;
    const running = runCli(['deploy', '--', process.execPath, app, marker, '0', 'wait'], { cwd: project.dir, env: { DATABASE_URL: db.url }, onSpawn: (c) => (child = c) });
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
});
