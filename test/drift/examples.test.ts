import { afterEach, describe, expect, it } from 'vitest';
import { runCli, withoutProgress } from '../support/cli.js';
import type { TestProject } from '../support/project.js';
import { deployedExample, exampleCopy, type DeployedExample, type ExampleName } from './helpers.js';

const EXAMPLES: Array<{ name: ExampleName; migrations: number; schemaFile: string | undefined }> = [
  { name: 'prisma-shop', migrations: 7, schemaFile: 'prisma/schema.prisma' },
  { name: 'drizzle-app', migrations: 5, schemaFile: 'src/db/schema.ts' },
  { name: 'typeorm-app', migrations: 4, schemaFile: undefined },
];

describe('no false drift after a clean deploy', () => {
  let example: DeployedExample | undefined;
  let project: TestProject | undefined;
  afterEach(async () => {
    await example?.cleanup();
    project?.cleanup();
    example = project = undefined;
  });

  // Two PGlite databases start in it: the project's embedded one, and the one the history is replayed into.
  it('the embedded database is compared like a server', { timeout: 180_000 }, async () => {
    project = exampleCopy('prisma-shop');
    expect((await runCli(['deploy', '--embedded'], { cwd: project.dir, timeoutMs: 150_000 })).code).toBe(0);
    const run = await runCli(['drift', '--embedded'], { cwd: project.dir, timeoutMs: 150_000 });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Using the embedded PostgreSQL (PGlite) in .lockstep/pglite');
    expect(run.stdout).toContain(
      'In sync: the live database matches the migration history, and prisma/schema.prisma matches the migrations.',
    );
  });

  for (const { name, migrations, schemaFile } of EXAMPLES) {
    it(`${name}: enums, serial columns, CONCURRENTLY indexes and foreign keys with actions all match`, async () => {
      example = await deployedExample(name);
      const text = await example.cli('drift');
      expect(withoutProgress(text.stderr)).toBe('');
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(
        `with the ${name.split('-')[0]} migration history (${migrations} migrations replayed into PGlite (PostgreSQL 18.`,
      );
      expect(text.stdout).toContain('The live database matches the migration history.');
      expect(text.stdout).toContain('In sync: the live database matches the migration history');

      const { code, result } = await example.driftJson();
      expect(code).toBe(0);
      expect(result.inSync).toBe(true);
      expect(result.differences).toEqual([]);
      expect(result.sql).toEqual([]);
      expect(result.replay?.migrations).toHaveLength(migrations);
      if (schemaFile) {
        expect(result.schemaFile).toMatchObject({ file: schemaFile, differences: [] });
        expect(result.schemaFile?.skipped).toBeUndefined();
      } else {
        expect(result.schemaFile?.skipped).toBe('comparing TypeORM entities with the migrations is not supported yet');
      }
    });
  }

  it('no false drift on identity and generated columns, checks, collations, INCLUDE and expression indexes, views, sequences, schemas, comments and the extensions PGlite ships', async () => {
    example = await deployedExample('prisma-shop');
    example.project.migration(
      '20250501000000_features',
      `CREATE EXTENSION IF NOT EXISTS "citext";
CREATE EXTENSION IF NOT EXISTS "pg_trgm";
CREATE SCHEMA "reporting";
CREATE TYPE "reporting"."Level" AS ENUM ('LOW', 'HIGH');
CREATE SEQUENCE "invoice_number_seq" AS bigint START WITH 1000 INCREMENT BY 10 CACHE 5;
CREATE TABLE "Account" (
    "id" INTEGER GENERATED ALWAYS AS IDENTITY,
    "email" CITEXT NOT NULL,
    "name" VARCHAR(80) COLLATE "C" NOT NULL DEFAULT '',
    "balance" NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK ("balance" >= 0),
    "balanceCents" BIGINT GENERATED ALWAYS AS (("balance" * 100)::bigint) STORED,
    "tags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "level" "reporting"."Level",
    "invoiceNumber" BIGINT NOT NULL DEFAULT nextval('invoice_number_seq'),
    "createdAt" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "Account_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Account_name_length" CHECK (char_length("name") < 80) NOT VALID
);
CREATE UNIQUE INDEX "Account_email_key" ON "Account"("email") WHERE "email" <> '';
CREATE INDEX "Account_name_trgm_idx" ON "Account" USING gin ("name" gin_trgm_ops);
CREATE INDEX "Account_lower_name_idx" ON "Account"(lower("name") DESC NULLS LAST) INCLUDE ("email");
CREATE TABLE "reporting"."Daily" ("day" DATE NOT NULL, "orders" INTEGER NOT NULL, "accountId" INTEGER REFERENCES "public"."Account"("id") ON DELETE SET NULL ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED, PRIMARY KEY ("day"));
CREATE VIEW "reporting"."PaidOrders" AS SELECT o."id", o."total" FROM "public"."Order" o WHERE o."status" = 'PAID';
CREATE MATERIALIZED VIEW "reporting"."Revenue" AS SELECT date_trunc('day', o."createdAt") AS "day", sum(o."total") AS "total" FROM "public"."Order" o GROUP BY 1;
COMMENT ON TABLE "Account" IS 'customer accounts';
COMMENT ON COLUMN "Account"."email" IS 'login';
`,
    );
    const deployed = await example.cli('deploy');
    expect(deployed.code, deployed.stderr).toBe(0);
    const { code, result } = await example.driftJson('--comments', '--no-schema');
    expect(result.differences).toEqual([]);
    expect(code).toBe(0);
  });
});
