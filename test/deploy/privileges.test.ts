import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/database.js';
import { copyDrizzleExample, type DrizzleProject } from '../support/drizzle.js';
import { prismaProject, type TestProject } from '../support/project.js';

describe('a database role without privileges on the history table', () => {
  let db: TestDatabase;
  let project: TestProject | DrizzleProject | undefined;
  let role: string | undefined;
  afterEach(async () => {
    await db?.drop();
    if (role) await adminQuery(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    role = undefined;
    project?.cleanup();
    project = undefined;
  });

  it('is told which privilege it lacks and the GRANT that gives it, not an internal error', async () => {
    db = await freshDatabase();
    const prisma = prismaProject({ '20240101000000_init': 'CREATE TABLE "Order" ("id" INTEGER);\n' });
    project = prisma;
    expect((await runCli(['deploy'], { cwd: prisma.dir, env: { DATABASE_URL: db.url } })).code).toBe(0);
    prisma.migration('20240102000000_note', 'ALTER TABLE "Order" ADD COLUMN "note" TEXT;\n');
    role = `ls_reader_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    await db.query(`GRANT CONNECT ON DATABASE ${db.name} TO ${role}`);
    const url = new URL(db.url);
    url.username = role;
    const env = { DATABASE_URL: url.toString() };

    const status = await runCli(['status'], { cwd: prisma.dir, env });
    expect(status.code).toBe(2);
    expect(status.stderr).not.toContain('LS_INTERNAL');
    expect(status.stderr).toContain(
      `[LS_PERMISSION_DENIED] The database role ${role} lacks privileges that lockstep status needs to read the migration history: SELECT on table public._prisma_migrations.`,
    );
    expect(status.stderr).toContain(`GRANT SELECT ON public._prisma_migrations TO ${role};`);

    const deploy = await runCli(['deploy'], { cwd: prisma.dir, env });
    expect(deploy.code).toBe(2);
    expect(deploy.stderr).toContain('[LS_PERMISSION_DENIED]');
    expect(deploy.stderr).toContain(`GRANT SELECT, INSERT, UPDATE ON public._prisma_migrations TO ${role};`);

    // With read access only, deploy stops before applying anything it could not record.
    await db.query(`GRANT SELECT ON _prisma_migrations TO ${role}`);
    expect((await runCli(['status'], { cwd: prisma.dir, env })).code).toBe(1);
    const readOnly = await runCli(['deploy'], { cwd: prisma.dir, env });
    expect(readOnly.code).toBe(2);
    expect(readOnly.stderr).toContain(
      `lacks privileges that lockstep deploy needs to record migrations in public._prisma_migrations as prisma does: INSERT, UPDATE on table public._prisma_migrations.`,
    );
    expect(readOnly.stderr).toContain('Unchanged: lockstep stopped before changing anything.');
    expect(
      await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'Order' AND column_name = 'note'`),
    ).toEqual([]);
  });

  it("Drizzle: names the sequence behind the history table's id too", async () => {
    db = await freshDatabase();
    const drizzle = copyDrizzleExample();
    project = drizzle;
    expect((await runCli(['deploy'], { cwd: drizzle.dir, env: { DATABASE_URL: db.url } })).code).toBe(0);
    drizzle.add('0005_note', ['ALTER TABLE "tasks" ADD COLUMN "note" text;'], 1742000000000);
    role = `ls_writer_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    await db.query(
      `GRANT CONNECT ON DATABASE ${db.name} TO ${role}; GRANT USAGE ON SCHEMA drizzle TO ${role}; GRANT SELECT, INSERT ON drizzle.__drizzle_migrations TO ${role}`,
    );
    const url = new URL(db.url);
    url.username = role;
    const deploy = await runCli(['deploy'], { cwd: drizzle.dir, env: { DATABASE_URL: url.toString() } });
    expect(deploy.code).toBe(2);
    expect(deploy.stderr).toContain('USAGE on sequence drizzle.__drizzle_migrations_id_seq');
    expect(deploy.stderr).toContain(`GRANT USAGE ON SEQUENCE drizzle.__drizzle_migrations_id_seq TO ${role};`);
  });
});
