import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, runCliInTerminal } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

/**
 * While lockstep waits (here for the migration lock, held until the wait is shown), stderr says
 * what for: plain lines on a pipe, a spinner line on a terminal. stdout stays what it was.
 */
describe('what lockstep is waiting for', () => {
  let db: TestDatabase;
  let project: TestProject;
  let holder: pg.Client | undefined;
  afterEach(async () => {
    await holder?.end().catch(() => undefined);
    await db?.drop();
    project?.cleanup();
  });

  async function holdTheLock(): Promise<pg.Client> {
    const client = await db.connect();
    await client.query('SELECT pg_advisory_lock(72707369)');
    return client;
  }

  it('on a pipe: a plain line on stderr, and --json stdout stays NDJSON only', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n' });
    holder = await holdTheLock();
    const client = holder;
    let released = false;
    let stderr = '';
    const run = await runCli(['deploy', '--json'], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url, CI: 'true' },
      onStderr: (chunk) => {
        stderr += chunk;
        if (!released && stderr.includes('lockstep: waiting for the migration lock…\n')) {
          released = true;
          void client.query('SELECT pg_advisory_unlock(72707369)');
        }
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.rawStderr).toContain('lockstep: waiting for the migration lock…\n');
    for (const line of run.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(run.stdout).not.toContain('waiting for the migration lock…');
  });

  it('at a terminal: a spinner line that is erased when the wait is over', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n' });
    holder = await holdTheLock();
    const client = holder;
    let released = false;
    let output = '';
    const run = await runCliInTerminal(['deploy'], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url, CI: undefined },
      onStdout: (chunk) => {
        output += chunk;
        if (!released && output.includes('Waiting for the migration lock…')) {
          released = true;
          void client.query('SELECT pg_advisory_unlock(72707369)');
        }
      },
    });
    expect(run.code, run.stdout).toBe(0);
    // Drawn in place (a carriage return and erase-line before each frame), never as a line of its own.
    expect(run.stdout).toMatch(/\r\u001b\[K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting for the migration lock…/);
    expect(run.stdout).not.toContain('lockstep: waiting');
    expect(run.stdout).toContain('Applied 1 migration');
  });
});
