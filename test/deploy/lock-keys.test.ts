import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { lockstepLockKey, PRISMA_LOCK_KEY } from '../../src/db/postgres/advisory-lock.js';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { copyDrizzleExample, type DrizzleProject } from '../support/drizzle.js';
import { copyTypeormExample, type TypeormProject } from '../support/typeorm.js';

/** A session that holds an advisory lock, as a deploy in progress does. */
async function holdLock(db: TestDatabase, key: bigint, application: string): Promise<pg.Client> {
  const holder = await db.connect();
  await holder.query(`SET application_name = '${application}'`);
  await holder.query('SELECT pg_advisory_lock($1::bigint)', [key.toString()]);
  return holder;
}

describe('one migration lock per history table, taken by every command', () => {
  let db: TestDatabase;
  let project: DrizzleProject | TypeormProject | undefined;
  let holder: pg.Client | undefined;
  afterEach(async () => {
    await holder?.end();
    holder = undefined;
    await db?.drop();
    project?.cleanup();
    project = undefined;
  });

  it("Drizzle: deploy, resolve and baseline wait for lockstep's key for drizzle.__drizzle_migrations, status names who holds it, and Prisma's key does not stand in the way", async () => {
    db = await freshDatabase();
    const drizzle = copyDrizzleExample();
    project = drizzle;
    const cli = (...args: string[]) => runCli(args, { cwd: drizzle.dir, env: { DATABASE_URL: db.url } });

    // Prisma's own key belongs to Prisma projects: a Drizzle deploy is not held up by it.
    holder = await holdLock(db, PRISMA_LOCK_KEY, 'prisma-migrate');
    const unaffected = await cli('deploy', '--lock-wait', '1ms');
    expect(unaffected.code).toBe(0);
    await holder.end();

    holder = await holdLock(db, lockstepLockKey('drizzle.__drizzle_migrations'), 'other-deploy');
    for (const args of [['deploy'], ['resolve', '--rolled-back', '0001_add_tasks'], ['baseline']]) {
      const blocked = await cli(...args, '--lock-wait', '1ms');
      expect(blocked.code).toBe(3);
      expect(blocked.stderr).toContain('[LS_LOCK_TIMEOUT] The migration lock (advisory lock');
      expect(blocked.stderr).toContain("lockstep's lock for drizzle.__drizzle_migrations) is held by pid");
      expect(blocked.stderr).toContain('application "other-deploy"');
    }
    const status = await cli('status', '--json');
    expect(JSON.parse(status.stdout).lockHeldBy).toContain('application "other-deploy"');
    const text = await cli('status');
    expect(text.stdout).toContain('A deploy holds the migration lock right now: pid');
  });

  it('TypeORM: status sees the lock a TypeORM deploy holds', async () => {
    db = await freshDatabase();
    const typeorm = copyTypeormExample();
    project = typeorm;
    const cli = (...args: string[]) => runCli(args, { cwd: typeorm.dir, env: { DATABASE_URL: db.url } });
    holder = await holdLock(db, lockstepLockKey('public.migrations'), 'typeorm-deploy');
    const blocked = await cli('deploy', '--lock-wait', '1ms');
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain("lockstep's lock for public.migrations");
    const status = await cli('status', '--json');
    expect(JSON.parse(status.stdout).lockHeldBy).toContain('application "typeorm-deploy"');
  });
});
