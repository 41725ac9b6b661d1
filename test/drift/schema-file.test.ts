import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, withoutProgress } from '../support/cli.js';
import { deployedExample, exampleCopy, type DeployedExample, type DriftJson } from './helpers.js';
import type { TestProject } from '../support/project.js';

function edit(project: TestProject, file: string, from: string, to: string): void {
  const path = join(project.dir, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

async function schemaOnly(
  project: TestProject,
  ...args: string[]
): Promise<{ code: number | null; result: DriftJson | undefined; stdout: string; stderr: string }> {
  const run = await runCli(['drift', '--schema-only', ...args], { cwd: project.dir });
  return {
    code: run.code,
    result: args.includes('--json') ? (JSON.parse(run.stdout) as DriftJson) : undefined,
    stdout: run.stdout,
    stderr: run.stderr,
  };
}

describe('schema file against migration history (the pull-request gate)', () => {
  let project: TestProject | undefined;
  let example: DeployedExample | undefined;
  afterEach(async () => {
    project?.cleanup();
    await example?.cleanup();
    project = example = undefined;
  });

  it('Drizzle: a schema change without a generated migration is what drizzle-kit generate would write; no database needed', async () => {
    project = exampleCopy('drizzle-app');
    const clean = await schemaOnly(project);
    expect(withoutProgress(clean.stderr)).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe(
      'Comparing src/db/schema.ts with drizzle/meta/0004_snapshot.json\n\nsrc/db/schema.ts matches drizzle/meta/0004_snapshot.json, the last drizzle-kit snapshot.\n\nIn sync: src/db/schema.ts matches the last drizzle-kit snapshot.\n',
    );

    edit(
      project,
      'src/db/schema.ts',
      "    name: text('name'),\n",
      "    name: text('name'),\n    nickname: varchar('nickname', { length: 40 }),\n",
    );
    edit(
      project,
      'src/db/schema.ts',
      "(t) => [uniqueIndex('users_email_key').on(t.email)]",
      "(t) => [uniqueIndex('users_email_key').on(t.email), index('users_name_idx').on(t.name)]",
    );
    const changed = await schemaOnly(project);
    expect(changed.code).toBe(3);
    expect(changed.stdout).toBe(
      [
        'Comparing src/db/schema.ts with drizzle/meta/0004_snapshot.json',
        '',
        'src/db/schema.ts against drizzle/meta/0004_snapshot.json: changes no migration records',
        '  + drizzle-kit generate would write: ALTER TABLE "users" ADD COLUMN "nickname" varchar(40);',
        '  + drizzle-kit generate would write: CREATE INDEX "users_name_idx" ON "users" USING btree ("name");',
        '',
        'Drift: 2 changes in src/db/schema.ts that no migration records.',
        'Next: run `drizzle-kit generate` to record the schema changes in a migration.',
        '',
      ].join('\n'),
    );
  });

  it('Drizzle: a column renamed or dropped in the schema is reported without drizzle-kit asking on a terminal', async () => {
    project = exampleCopy('drizzle-app');
    edit(
      project,
      'src/db/schema.ts',
      "lastLoginAt: timestamp('last_login_at', { withTimezone: true }),",
      "lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),",
    );
    const { code, result } = await schemaOnly(project, '--json');
    expect(code).toBe(3);
    expect(result!.schemaFile!.differences.map((d) => d.message)).toEqual([
      'column public.users.last_login_at is gone from the schema while column public.users.last_seen_at appeared: a rename or a removal that no migration records (drizzle-kit generate asks which)',
      'drizzle-kit generate would write: ALTER TABLE "users" ADD COLUMN "last_seen_at" timestamp with time zone;',
    ]);
  });

  it('Drizzle: the default drift run against a database compares the schema file too', async () => {
    example = await deployedExample('drizzle-app');
    edit(
      example.project,
      'src/db/schema.ts',
      "title: text('title').notNull(),",
      "title: text('title').notNull().default('untitled'),",
    );
    const { code, result } = await example.driftJson();
    expect(code).toBe(3);
    expect(result.differences).toEqual([]);
    expect(result.schemaFile?.differences.map((d) => d.sql)).toEqual([
      `ALTER TABLE "tasks" ALTER COLUMN "title" SET DEFAULT 'untitled';`,
    ]);
    expect((await example.cli('drift', '--no-schema')).code).toBe(0);
  });

  it('Prisma: fields, models, indexes, enum values and relations the migrations do not create', async () => {
    project = exampleCopy('prisma-shop');
    const clean = await schemaOnly(project, '--json');
    expect(clean.code).toBe(0);
    expect(clean.result!.replay?.migrations).toHaveLength(7);

    edit(
      project,
      'prisma/schema.prisma',
      '  passwordHash String\n',
      '  passwordHash String\n  nickname     String?  @db.VarChar(40)\n',
    );
    const field = await schemaOnly(project);
    expect(field.code).toBe(3);
    expect(field.stdout).toContain(
      'Comparing prisma/schema.prisma with the migrations on disk, replayed (7 migrations replayed into PGlite',
    );
    expect(field.stdout).toContain(
      '  + column public."User".nickname (User.nickname) is in the schema as varchar(40) NULL; the migrations do not create it\n',
    );
    expect(field.stdout).toContain('Next: run `prisma migrate dev --create-only` to record the schema changes in a migration.');

    edit(project, 'prisma/schema.prisma', '  REFUNDED\n', '  REFUNDED\n  DISPUTED\n');
    edit(
      project,
      'prisma/schema.prisma',
      '  @@unique([productId, userId])\n}',
      '  @@unique([productId, userId])\n  @@index([rating])\n}',
    );
    edit(project, 'prisma/schema.prisma', 'onDelete: Restrict)\n  items', 'onDelete: Cascade)\n  items');
    edit(project, 'prisma/schema.prisma', '  stock       Int         @default(0)', '  stock       BigInt      @default(0)');
    writeFileSync(
      join(project.dir, 'prisma', 'schema.prisma'),
      `${readFileSync(join(project.dir, 'prisma', 'schema.prisma'), 'utf8')}\nmodel Coupon {\n  code String @id\n\n  @@map("coupons")\n}\n`,
    );
    const many = await schemaOnly(project, '--json');
    expect(many.code).toBe(3);
    expect(many.result!.schemaFile!.differences.map((d) => d.message)).toEqual([
      `enum public."OrderStatus": value 'DISPUTED' is in the schema; the migrations do not add it`,
      'column public."User".nickname (User.nickname) is in the schema as varchar(40) NULL; the migrations do not create it',
      'column public."Product".stock (Product.stock): the schema says bigint NOT NULL, the migrations create integer NOT NULL',
      'model Coupon (table public.coupons) is in the schema; the migrations do not create the table',
      'index on public."Review" (rating) is in the schema (@@index([rating]) on Review); the migrations do not create it',
      'foreign key public."Order" (userId) → public."User" (id) (Order.user): the schema says ON DELETE CASCADE ON UPDATE CASCADE, the migrations create ON DELETE RESTRICT ON UPDATE CASCADE',
    ]);
  });

  it('Prisma against a database: the live side uses the applied migrations, the schema file all of them', async () => {
    example = await deployedExample('prisma-shop');
    edit(example.project, 'prisma/schema.prisma', '  passwordHash String\n', '  passwordHash String\n  nickname     String?\n');
    const unrecorded = await example.driftJson();
    expect(unrecorded.code).toBe(3);
    expect(unrecorded.result.differences).toEqual([]);
    expect(unrecorded.result.schemaFile?.differences.map((d) => d.message)).toEqual([
      'column public."User".nickname (User.nickname) is in the schema as text NULL; the migrations do not create it',
    ]);

    // The migration is generated but not deployed yet: the schema matches the migrations, the live database its history.
    example.project.migration(
      '20250501000000_add_user_nickname',
      '-- AlterTable\nALTER TABLE "User" ADD COLUMN     "nickname" TEXT;\n',
    );
    const pending = await example.driftJson();
    expect(pending.result.differences).toEqual([]);
    expect(pending.result.schemaFile?.differences).toEqual([]);
    expect(pending.result.notes).toContain(
      '1 migration is not applied yet and not part of the comparison: 20250501000000_add_user_nickname.',
    );
    expect(pending.code).toBe(0);
  });

  it('Prisma: an invalid schema is a usage error with Prisma’s own message; TypeORM is not supported yet', async () => {
    project = exampleCopy('prisma-shop');
    edit(project, 'prisma/schema.prisma', '  passwordHash String\n', '  passwordHash Strin\n');
    const invalid = await schemaOnly(project);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(
      '[LS_PRISMA_SCHEMA_INVALID] prisma/schema.prisma is not a valid Prisma schema, so it cannot be compared with the migrations:',
    );
    expect(invalid.stderr).toContain('Type "Strin" is neither a built-in type');
    project.cleanup();

    project = exampleCopy('typeorm-app');
    const typeorm = await schemaOnly(project);
    expect(typeorm.code).toBe(2);
    expect(typeorm.stderr).toContain(
      '[LS_DRIFT_SCHEMA_UNSUPPORTED] lockstep drift --schema-only compares Prisma and Drizzle schema files with their migrations; comparing TypeORM entities with the migrations is not supported yet.',
    );
  });
});
