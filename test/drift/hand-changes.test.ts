import { afterEach, describe, expect, it } from 'vitest';
import { deployedExample, messages, type DeployedExample } from './helpers.js';
import { withoutProgress } from '../support/cli.js';

describe('drift made by hand on a deployed example is found and described exactly', () => {
  let example: DeployedExample | undefined;
  afterEach(async () => {
    await example?.cleanup();
    example = undefined;
  });

  it('a column added through a GUI', async () => {
    example = await deployedExample('drizzle-app');
    await example.db.query('ALTER TABLE users ADD COLUMN nickname varchar(32)');
    const { code, result } = await example.driftJson('--no-schema');
    expect(code).toBe(3);
    expect(result.differences).toMatchObject([
      {
        object: 'column',
        change: 'extra',
        name: 'public.users.nickname',
        table: 'public.users',
        message: 'column public.users.nickname: added outside the migrations (varchar(32) NULL)',
      },
    ]);
    expect(result.differences[0]!.sql).toEqual([
      {
        sql: 'ALTER TABLE "public"."users" DROP COLUMN "nickname";',
        destructive: true,
        outsideTransaction: false,
        phase: expect.any(Number),
      },
    ]);
  });

  it('a column whose type and nullability were changed', async () => {
    example = await deployedExample('drizzle-app');
    await example.db.query(`UPDATE users SET name = '' WHERE name IS NULL`);
    await example.db.query('ALTER TABLE users ALTER COLUMN name TYPE varchar(32), ALTER COLUMN name SET NOT NULL');
    const { code, result } = await example.driftJson('--no-schema');
    expect(code).toBe(3);
    expect(messages(result)).toEqual(['column public.users.name: live is varchar(32) NOT NULL, history says text NULL']);
  });

  it('a dropped index', async () => {
    example = await deployedExample('drizzle-app');
    await example.db.query('DROP INDEX tasks_due_at_idx');
    const { code, result } = await example.driftJson('--no-schema');
    expect(code).toBe(3);
    expect(result.differences).toMatchObject([
      {
        object: 'index',
        change: 'missing',
        table: 'public.tasks',
        message: 'index public.tasks_due_at_idx: in the history, missing from the live database',
      },
    ]);
    expect(result.sql.map((s) => s.sql)).toEqual([
      'CREATE INDEX CONCURRENTLY tasks_due_at_idx ON public.tasks USING btree (due_at);',
    ]);
  });

  it('a changed default', async () => {
    example = await deployedExample('prisma-shop');
    await example.db.query('ALTER TABLE "Product" ALTER COLUMN stock SET DEFAULT 5');
    const { code, result } = await example.driftJson('--no-schema');
    expect(code).toBe(3);
    expect(messages(result)).toEqual([
      'column public."Product".stock: live is integer NOT NULL DEFAULT 5, history says integer NOT NULL DEFAULT 0',
    ]);
    expect(result.sql.map((s) => s.sql)).toEqual(['ALTER TABLE "public"."Product" ALTER COLUMN "stock" SET DEFAULT 0;']);
  });

  it('an enum value added, and enum values in another order', async () => {
    example = await deployedExample('drizzle-app');
    await example.db.query(`ALTER TYPE task_status ADD VALUE 'archived'`);
    const added = await example.driftJson('--no-schema');
    expect(added.code).toBe(3);
    expect(messages(added.result)).toEqual([`enum public.task_status: value 'archived' added outside the migrations`]);
    expect(added.result.sql).toMatchObject([
      {
        destructive: true,
        sql: expect.stringMatching(
          /^-- by hand: PostgreSQL cannot drop a value from an enum: recreate public.task_status without 'archived'/,
        ),
      },
    ]);

    // The history adds 'blocked' BEFORE 'done'; a hand-made fix that appended it is out of order.
    await example.db.query(`ALTER TYPE task_status RENAME TO task_status_old`);
    await example.db.query(`CREATE TYPE task_status AS ENUM ('todo', 'in_progress', 'done', 'blocked')`);
    await example.db.query(
      `ALTER TABLE tasks ALTER COLUMN status DROP DEFAULT, ALTER COLUMN status TYPE task_status USING status::text::task_status, ALTER COLUMN status SET DEFAULT 'todo'`,
    );
    await example.db.query(`DROP TYPE task_status_old`);
    const reordered = await example.driftJson('--no-schema');
    expect(messages(reordered.result)).toEqual([
      'enum public.task_status: live orders the values todo, in_progress, done, blocked; history says todo, in_progress, blocked, done',
    ]);
  });

  it('an enum value the history adds but the live database lacks', async () => {
    example = await deployedExample('prisma-shop');
    await example.db.query(`ALTER TYPE "OrderStatus" RENAME TO "OrderStatus_old"`);
    await example.db.query(`CREATE TYPE "OrderStatus" AS ENUM ('PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED')`);
    await example.db.query(
      `ALTER TABLE "Order" ALTER COLUMN status DROP DEFAULT, ALTER COLUMN status TYPE "OrderStatus" USING status::text::"OrderStatus", ALTER COLUMN status SET DEFAULT 'PENDING'`,
    );
    await example.db.query(`DROP TYPE "OrderStatus_old"`);
    const { code, result } = await example.driftJson('--no-schema');
    expect(code).toBe(3);
    expect(messages(result)).toEqual([
      `enum public."OrderStatus": value 'REFUNDED' is in the history, missing from the live database`,
    ]);
    expect(result.sql.map((s) => s.sql)).toEqual([`ALTER TYPE "public"."OrderStatus" ADD VALUE 'REFUNDED' AFTER 'CANCELLED';`]);
  });

  it('a constraint left NOT VALID', async () => {
    example = await deployedExample('drizzle-app');
    await example.db.query('ALTER TABLE projects DROP CONSTRAINT projects_owner_id_users_id_fk');
    await example.db.query(
      'ALTER TABLE projects ADD CONSTRAINT projects_owner_id_users_id_fk FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE NOT VALID',
    );
    const { code, result } = await example.driftJson('--no-schema');
    expect(code).toBe(3);
    expect(result.differences).toMatchObject([
      {
        object: 'constraint',
        change: 'not-valid',
        table: 'public.projects',
        message: 'constraint projects_owner_id_users_id_fk on public.projects: live is NOT VALID',
      },
    ]);
    expect(result.sql.map((s) => s.sql)).toEqual([
      'ALTER TABLE "public"."projects" VALIDATE CONSTRAINT "projects_owner_id_users_id_fk";',
    ]);
  });

  it('a foreign key whose action was changed', async () => {
    example = await deployedExample('prisma-shop');
    await example.db.query('ALTER TABLE "Review" DROP CONSTRAINT "Review_userId_fkey"');
    await example.db.query(
      'ALTER TABLE "Review" ADD CONSTRAINT "Review_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"(id) ON DELETE SET NULL ON UPDATE CASCADE',
    );
    const { result } = await example.driftJson('--no-schema');
    expect(messages(result)).toEqual([
      'constraint "Review_userId_fkey" on public."Review": live is FOREIGN KEY ("userId") REFERENCES "User"(id) ON UPDATE CASCADE ON DELETE SET NULL, history says FOREIGN KEY ("userId") REFERENCES "User"(id) ON UPDATE CASCADE ON DELETE CASCADE',
    ]);
  });

  it('an INVALID index left by a failed CREATE INDEX CONCURRENTLY', async () => {
    example = await deployedExample('drizzle-app');
    await example.db.query(`INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com')`);
    await example.db.query(`INSERT INTO projects (owner_id, name) SELECT id, 'same name' FROM users`);
    await expect(example.db.query('CREATE UNIQUE INDEX CONCURRENTLY projects_name_key ON projects (name)')).rejects.toThrow(
      /could not create unique index/,
    );
    const { code, result } = await example.driftJson('--no-schema');
    expect(code).toBe(3);
    expect(result.differences).toMatchObject([
      {
        object: 'index',
        change: 'invalid',
        table: 'public.projects',
        message:
          'index public.projects_name_key is INVALID in the live database (a failed CREATE INDEX CONCURRENTLY); drop it with: DROP INDEX CONCURRENTLY public.projects_name_key;',
      },
    ]);
    expect(result.sql).toMatchObject([
      { sql: 'DROP INDEX CONCURRENTLY IF EXISTS "public"."projects_name_key";', outsideTransaction: true, destructive: false },
    ]);
  });

  it('an index of the history that was rebuilt by hand and left INVALID', async () => {
    example = await deployedExample('prisma-shop');
    await example.db.query('DROP INDEX "Order_createdAt_idx"');
    await example.db.query(`INSERT INTO "User" (email, "passwordHash", "updatedAt") VALUES ('a@example.com', 'x', now())`);
    await example.db.query(
      `INSERT INTO "Order" ("userId", total, "updatedAt", "createdAt") SELECT id, 1, now(), '2025-01-01' FROM "User", generate_series(1, 2)`,
    );
    // A unique build of the history's index name fails on the duplicate timestamps and stays INVALID.
    await expect(
      example.db.query('CREATE UNIQUE INDEX CONCURRENTLY "Order_createdAt_idx" ON "Order" ("createdAt")'),
    ).rejects.toThrow(/could not create unique index/);
    const { result } = await example.driftJson('--no-schema');
    expect(messages(result)).toEqual([
      'index public."Order_createdAt_idx" is INVALID in the live database (a failed CREATE INDEX CONCURRENTLY); drop it with: DROP INDEX CONCURRENTLY public."Order_createdAt_idx"; then build it again with: CREATE INDEX CONCURRENTLY "Order_createdAt_idx" ON public."Order" USING btree ("createdAt");',
    ]);
    expect(result.sql.map((s) => s.sql)).toEqual([
      'DROP INDEX CONCURRENTLY IF EXISTS "public"."Order_createdAt_idx";',
      'CREATE INDEX CONCURRENTLY "Order_createdAt_idx" ON public."Order" USING btree ("createdAt");',
    ]);
  });

  it('the text report groups every difference by table, with what differs and the way back', async () => {
    example = await deployedExample('drizzle-app');
    await example.db.query('ALTER TABLE users ADD COLUMN nickname varchar(32)');
    await example.db.query('DROP INDEX tasks_due_at_idx');
    await example.db.query(`ALTER TABLE tasks ALTER COLUMN title SET DEFAULT 'untitled'`);
    await example.db.query(`ALTER TYPE task_status ADD VALUE 'archived'`);
    await example.db.query('CREATE TABLE audit_notes (id serial PRIMARY KEY, note text)');
    const run = await example.cli('drift', '--no-schema');
    expect(run.code).toBe(3);
    expect(withoutProgress(run.stderr)).toBe('');
    const body = run.stdout.split('\n');
    expect(body[0]).toMatch(
      /^Comparing database "lockstep_t_[0-9a-f]+" on 127\.0\.0\.1:5432 with the drizzle migration history \(5 migrations replayed into PGlite \(PostgreSQL 18\.\d+, in this process\)\)$/,
    );
    expect(body.slice(2).join('\n')).toBe(
      [
        'Schemas, extensions, types and sequences',
        `  + enum public.task_status: value 'archived' added outside the migrations`,
        'public.audit_notes',
        '  + table public.audit_notes: added outside the migrations',
        'public.tasks',
        `  ~ column public.tasks.title: live is text NOT NULL DEFAULT 'untitled'::text, history says text NOT NULL`,
        '  - index public.tasks_due_at_idx: in the history, missing from the live database',
        'public.users',
        '  + column public.users.nickname: added outside the migrations (varchar(32) NULL)',
        '',
        'Drift: 5 differences between the live database and the migration history.',
        'Next: `lockstep drift --sql` prints the SQL that brings the live database back to the history (4 statements and 1 step by hand; 3 destructive); or record the intended changes in a new migration.',
        '',
      ].join('\n'),
    );
  });

  it('a column dropped by hand, a table of the history dropped, and TypeORM projects too', async () => {
    example = await deployedExample('typeorm-app');
    await example.db.query('ALTER TABLE customer DROP COLUMN "vatNumber"');
    await example.db.query('DROP TABLE invoice_line');
    const { code, result } = await example.driftJson();
    expect(code).toBe(3);
    expect(messages(result)).toEqual([
      'column public.customer."vatNumber": in the history (varchar(32) NULL), missing from the live database',
      'table public.invoice_line: in the history, missing from the live database',
    ]);
    const create = result.sql.map((s) => s.sql).join('\n');
    expect(create).toContain('CREATE SEQUENCE "public"."invoice_line_id_seq" AS integer');
    expect(create).toContain(
      'CREATE TABLE "public"."invoice_line" (\n  "id" integer NOT NULL DEFAULT nextval(\'invoice_line_id_seq\'::regclass),',
    );
    expect(create).toContain(
      'ALTER TABLE "public"."invoice_line" ADD CONSTRAINT "FK_d1abbe501a231d860de4e4eb597" FOREIGN KEY ("invoiceId") REFERENCES invoice(id) ON DELETE CASCADE;',
    );
    expect(create).toContain('ALTER TABLE "public"."customer" ADD COLUMN "vatNumber" varchar(32);');
  });
});
