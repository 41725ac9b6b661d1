import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';
import { deployedExample, exampleCopy, messages, type DeployedExample, type DriftJson } from './helpers.js';

const DATASOURCE = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';

/** A schema that describes what the first two migrations below create, including what its DMMF leaves out. */
const SCHEMA = `${DATASOURCE}
enum Role {
  USER
  ADMIN
}

model User {
  id     Int                      @id @default(autoincrement())
  email  String                   @unique
  search Unsupported("tsvector")?
  legacy String?                  @ignore
  tags   Tag[]
}

model Tag {
  id    Int    @id @default(autoincrement())
  name  String
  users User[]
}

model Archive {
  id Int @id

  @@ignore
}
`;

const INIT = `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "search" tsvector, "legacy" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE INDEX "User_email_lower_idx" ON "User"(lower("email"));
CREATE TABLE "Archive" ("id" INTEGER NOT NULL, CONSTRAINT "Archive_pkey" PRIMARY KEY ("id"));
`;

const TAGS = `CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));
CREATE TABLE "_TagToUser" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL, CONSTRAINT "_TagToUser_AB_pkey" PRIMARY KEY ("A", "B"));
CREATE INDEX "_TagToUser_B_index" ON "_TagToUser"("B");
ALTER TABLE "_TagToUser" ADD CONSTRAINT "_TagToUser_A_fkey" FOREIGN KEY ("A") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "_TagToUser" ADD CONSTRAINT "_TagToUser_B_fkey" FOREIGN KEY ("B") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
`;

/** Everything here is created by the migrations and missing from SCHEMA. */
const UNDESCRIBED = `ALTER TYPE "Role" ADD VALUE 'OWNER';
CREATE TYPE "Mood" AS ENUM ('HAPPY', 'SAD');
CREATE TABLE "AuditTrail" ("id" SERIAL NOT NULL, CONSTRAINT "AuditTrail_pkey" PRIMARY KEY ("id"));
ALTER TABLE "User" ADD COLUMN "nickname" VARCHAR(40), ADD COLUMN "tagId" INTEGER;
CREATE INDEX "User_nickname_idx" ON "User"("nickname");
ALTER TABLE "User" ADD CONSTRAINT "User_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "Tag"("id") ON DELETE SET NULL ON UPDATE CASCADE;
`;

function edit(project: TestProject, file: string, from: string, to: string): void {
  const path = join(project.dir, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

describe('schema file against migrations: both directions, the ignore list, Prisma 7, failed migrations', () => {
  let project: TestProject | undefined;
  let example: DeployedExample | undefined;
  let db: TestDatabase | undefined;
  afterEach(async () => {
    project?.cleanup();
    await example?.cleanup();
    await db?.drop();
    project = example = db = undefined;
  });

  it('Prisma --schema-only: what the migrations create and the schema lacks is drift, never "matches"', async () => {
    project = prismaProject({ '20250101000000_init': INIT, '20250102000000_tags': TAGS }, { schema: SCHEMA });
    const clean = await runCli(['drift', '--schema-only', '--json'], { cwd: project.dir });
    const cleanResult = JSON.parse(clean.stdout) as DriftJson;
    expect(cleanResult.schemaFile?.differences).toEqual([]);
    expect(cleanResult.notes).toEqual([
      '1 index the migrations create is not compared with the schema, which cannot express indexes on expressions or partial indexes: public."User_email_lower_idx".',
    ]);
    expect(clean.code).toBe(0);

    project.migration('20250103000000_undescribed', UNDESCRIBED);
    const run = await runCli(['drift', '--schema-only', '--json'], { cwd: project.dir });
    const result = JSON.parse(run.stdout) as DriftJson & {
      schemaFile: { differences: Array<{ side: string; message: string }> };
    };
    expect(run.code).toBe(3);
    expect(result.inSync).toBe(false);
    expect(result.schemaFile.differences.map((d) => [d.side, d.message])).toEqual([
      ['migrations', `enum public."Role": value 'OWNER' is added by the migrations; the schema's enum Role does not have it`],
      ['migrations', 'enum public."Mood" (HAPPY, SAD) is created by the migrations; the schema has no enum for it'],
      ['migrations', 'table public."AuditTrail" is created by the migrations; the schema has no model for it'],
      [
        'migrations',
        'column public."User".nickname (varchar(40) NULL) is created by the migrations; model User has no field for it',
      ],
      ['migrations', 'column public."User"."tagId" (integer NULL) is created by the migrations; model User has no field for it'],
      [
        'migrations',
        'index public."User_nickname_idx" on public."User" (nickname) is created by the migrations; the schema has no @@index for it on User',
      ],
      [
        'migrations',
        'foreign key User_tagId_fkey on public."User" (tagId) → public."Tag" (id) is created by the migrations; model User has no relation for it',
      ],
    ]);

    const text = await runCli(['drift', '--schema-only'], { cwd: project.dir });
    expect(text.code).toBe(3);
    expect(text.stdout).not.toContain('matches');
    expect(text.stdout).toContain(
      'prisma/schema.prisma against the migrations on disk, replayed: + only in the schema, - only in the migrations, ~ different\n',
    );
    expect(text.stdout).toContain('  - table public."AuditTrail" is created by the migrations; the schema has no model for it\n');
    expect(text.stdout).toContain('Drift: 7 differences between prisma/schema.prisma and the migrations.\n');
    expect(text.stdout).toContain(
      'Next: for what only the migrations create: describe it in the schema (`prisma db pull` against a database the migrations built writes it), or drop it in a new migration.',
    );
  });

  it('--ignore leaves models and tables out of the Prisma schema comparison too, against a database and with --schema-only', async () => {
    example = await deployedExample('prisma-shop');
    await example.db.query('ALTER TABLE "Category" ADD COLUMN "color" TEXT');
    edit(example.project, 'prisma/schema.prisma', 'model Category {\n', 'model Category {\n  icon     String?\n');
    example.project.migration('20250501000000_category_archive', 'CREATE TABLE "CategoryArchive" ("id" INTEGER NOT NULL);\n');

    const all = await example.driftJson();
    expect(messages(all.result)).toEqual(['column public."Category".color: added outside the migrations (text NULL)']);
    expect(all.result.schemaFile?.differences.map((d) => d.message)).toEqual([
      'column public."Category".icon (Category.icon) is in the schema as text NULL; the migrations do not create it',
      'table public."CategoryArchive" is created by the migrations; the schema has no model for it',
    ]);
    expect(all.code).toBe(3);

    const ignored = await example.driftJson('--ignore', 'public.Category*');
    expect(ignored.result.differences).toEqual([]);
    expect(ignored.result.schemaFile?.differences).toEqual([]);
    expect(ignored.result.ignored).toEqual(['public.Category', 'public.CategoryArchive']);
    expect(ignored.code).toBe(0);

    const schemaOnly = await runCli(['drift', '--schema-only', '--json', '--ignore', 'public.Category*'], {
      cwd: example.project.dir,
    });
    const result = JSON.parse(schemaOnly.stdout) as DriftJson;
    expect(result.schemaFile?.differences).toEqual([]);
    expect(result.ignored).toEqual(['public.Category', 'public.CategoryArchive']);
    expect(result.notes).toContain('Left out by the ignore list (public.Category*): public.Category, public.CategoryArchive.');
    expect(schemaOnly.code).toBe(0);
  }, 180_000); // a deploy and three drift runs, each replaying the history

  it('--ignore leaves tables out of the Drizzle schema comparison', async () => {
    project = exampleCopy('drizzle-app');
    edit(project, 'src/db/schema.ts', "title: text('title').notNull(),", "title: text('title').notNull().default('untitled'),");
    const all = await runCli(['drift', '--schema-only', '--json'], { cwd: project.dir });
    expect((JSON.parse(all.stdout) as DriftJson).schemaFile?.differences.map((d) => d.sql)).toEqual([
      `ALTER TABLE "tasks" ALTER COLUMN "title" SET DEFAULT 'untitled';`,
    ]);
    expect(all.code).toBe(3);
    const ignored = await runCli(['drift', '--schema-only', '--json', '--ignore', 'public.tasks'], { cwd: project.dir });
    const result = JSON.parse(ignored.stdout) as DriftJson;
    expect(result.schemaFile?.differences).toEqual([]);
    expect(result.ignored).toEqual(['public.tasks']);
    expect(ignored.code).toBe(0);
  });

  it('a Prisma 7 schema (the url only in prisma.config.ts) is compared with the bundled Prisma 6 validator', async () => {
    db = await freshDatabase();
    project = prismaProject(
      {
        '20250101000000_init':
          'CREATE TABLE "Doc" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Doc_pkey" PRIMARY KEY ("id"));\n',
      },
      {
        schema:
          'generator client {\n  provider = "prisma-client"\n  output   = "../src/generated/prisma"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n\nmodel Doc {\n  id    Int    @id @default(autoincrement())\n  title String\n}\n',
      },
    );
    project.write(
      'prisma.config.ts',
      "import { defineConfig, env } from 'prisma/config';\n\nexport default defineConfig({\n  schema: 'prisma/schema.prisma',\n  migrations: { path: 'prisma/migrations' },\n  datasource: { url: env('DATABASE_URL') },\n});\n",
    );
    const env = { DATABASE_URL: db.url };
    const schemaOnly = await runCli(['drift', '--schema-only'], { cwd: project.dir });
    expect(schemaOnly.stderr).toBe('');
    expect(schemaOnly.stdout).toContain('In sync: prisma/schema.prisma matches the migrations.');
    expect(schemaOnly.code).toBe(0);

    expect((await runCli(['deploy'], { cwd: project.dir, env })).code).toBe(0);
    edit(project, 'prisma/schema.prisma', '  title String\n', '  title String\n  body  String?\n');
    const live = await runCli(['drift', '--json'], { cwd: project.dir, env });
    const result = JSON.parse(live.stdout) as DriftJson;
    expect(result.differences).toEqual([]);
    expect(result.schemaFile?.differences.map((d) => d.message)).toEqual([
      'column public."Doc".body (Doc.body) is in the schema as text NULL; the migrations do not create it',
    ]);
    expect(live.code).toBe(3);

    // An error in the schema keeps its own line number in Prisma's message.
    edit(project, 'prisma/schema.prisma', '  body  String?\n', '  body  Strin?\n');
    const invalid = await runCli(['drift', '--schema-only'], { cwd: project.dir });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('Type "Strin" is neither a built-in type');
    expect(invalid.stderr).toContain('schema.prisma:13');
  });

  it('a migration that failed (and was rolled back) is not in effect: drift goes on past it', async () => {
    db = await freshDatabase();
    const schema = `${DATASOURCE}\nmodel Doc {\n  id    Int     @id @default(autoincrement())\n  title String\n  body  String?\n}\n`;
    project = prismaProject(
      {
        '20250101000000_docs':
          'CREATE TABLE "Doc" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Doc_pkey" PRIMARY KEY ("id"));\n',
        '20250102000000_broken': 'ALTER TABLE "Doc" ADD COLUMN "x" INTEGER;\nALTER TABLE "Nowhere" ADD COLUMN "y" INTEGER;\n',
        '20250103000000_body': 'ALTER TABLE "Doc" ADD COLUMN "body" TEXT;\n',
      },
      { schema },
    );
    const cli = (...args: string[]) => runCli(args, { cwd: project!.dir, env: { DATABASE_URL: db!.url } });
    expect((await cli('deploy')).code).toBe(1);

    const failed = await cli('drift', '--json');
    const failedResult = JSON.parse(failed.stdout) as DriftJson;
    expect(failedResult.differences).toEqual([]);
    expect(failedResult.replay?.migrations).toEqual(['20250101000000_docs']);
    expect(failedResult.schemaFile?.differences).toEqual([]);
    expect(failedResult.notes).toContain(
      '20250102000000_broken is recorded as failed and not in effect (rolled back, or failed before its first statement completed): the replay of the live history leaves it out.',
    );
    expect(failed.code).toBe(0);

    expect((await cli('resolve', '--rolled-back', '20250102000000_broken')).code).toBe(0);
    const run = await cli('drift');
    expect(run.stderr).not.toContain('LS_DRIFT_REPLAY_FAILED');
    expect(run.stdout).toContain('The live database matches the migration history.');
    expect(run.stdout).toContain('prisma/schema.prisma matches the migrations');
    expect(run.stdout).toContain(
      'note: 20250102000000_broken failed in the live database and was not applied, and it fails on the replayed migrations too (statement 2: relation "Nowhere" does not exist); the schema file is compared with the migrations without it. The next `lockstep deploy` applies it again: fix it, or remove it if another migration replaces it.',
    );
    expect(run.code).toBe(0);
  });
});
