import { afterEach, describe, expect, it } from 'vitest';
import { runCli, withoutProgress } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';
import { copyTypeormExample, type TypeormProject } from '../support/typeorm.js';
import { deployedExample, type DeployedExample } from './helpers.js';

const userTables = (db: TestDatabase) =>
  db.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' ORDER BY 1`,
  );

describe('--shadow-url: replaying into a real scratch database', () => {
  let example: DeployedExample | undefined;
  let shadow: TestDatabase | undefined;
  let live: TestDatabase | undefined;
  let project: TestProject | undefined;
  let typeorm: TypeormProject | undefined;
  afterEach(async () => {
    await example?.cleanup();
    await shadow?.drop();
    await live?.drop();
    project?.cleanup();
    typeorm?.cleanup();
    example = shadow = live = project = typeorm = undefined;
  });

  it('compares with a history replayed into the shadow database, and leaves it empty again', async () => {
    example = await deployedExample('prisma-shop');
    shadow = await freshDatabase();
    const { code, result } = await example.driftJson('--shadow-url', shadow.url);
    expect(result.differences).toEqual([]);
    expect(code).toBe(0);
    expect(result.replay?.into).toBe(`the shadow database "${shadow.name}" on 127.0.0.1:5432`);
    expect(await userTables(shadow)).toEqual([]);
    const types = await shadow.query(`SELECT 1 FROM pg_type WHERE typname = 'OrderStatus'`);
    expect(types).toEqual([]);

    await example.db.query('ALTER TABLE "User" ADD COLUMN nickname text');
    const drifted = await example.cli('drift', '--shadow-url', shadow.url);
    expect(drifted.code).toBe(3);
    expect(drifted.stdout).toContain('+ column public."User".nickname: added outside the migrations (text NULL)');
    expect(drifted.stdout + drifted.stderr).not.toContain(shadow.url);
  });

  it('refuses a shadow database that is not empty, and the live database itself', async () => {
    example = await deployedExample('prisma-shop');
    shadow = await freshDatabase();
    await shadow.query('CREATE TABLE keep_me (id int)');
    const notEmpty = await example.cli('drift', '--shadow-url', shadow.url);
    expect(notEmpty.code).toBe(2);
    expect(notEmpty.stderr).toContain(
      `[LS_SHADOW_NOT_EMPTY] the shadow database "${shadow.name}" on 127.0.0.1:5432 (--shadow-url) is not empty: it has table public.keep_me.`,
    );
    expect(await userTables(shadow)).toEqual([{ name: 'public.keep_me' }]);

    const itself = await example.cli('drift', '--shadow-url', example.db.url);
    expect(itself.code).toBe(2);
    expect(itself.stderr).toContain('[LS_SHADOW_IS_LIVE]');
  });

  it('a migration that uses an extension PGlite lacks: says so and suggests --shadow-url, which then works', async () => {
    live = await freshDatabase();
    shadow = await freshDatabase();
    project = prismaProject(
      {
        '20250101000000_init':
          'CREATE EXTENSION IF NOT EXISTS "pgrowlocks";\n\nCREATE TABLE "Job" (\n    "id" SERIAL NOT NULL,\n    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")\n);\n',
      },
      {
        schema:
          'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel Job {\n  id Int @id @default(autoincrement())\n}\n',
      },
    );
    const cli = (...args: string[]) => runCli(args, { cwd: project!.dir, env: { DATABASE_URL: live!.url } });
    const deployed = await cli('deploy');
    expect(deployed.code, deployed.stderr).toBe(0);

    const inPglite = await cli('drift');
    expect(inPglite.code).toBe(1);
    expect(inPglite.stderr).toContain(
      '[LS_DRIFT_EXTENSION_UNAVAILABLE] Replaying the migration history stopped at 20250101000000_init (prisma/migrations/20250101000000_init/migration.sql, statement 1 at line 1): it creates the extension "pgrowlocks", which PGlite, the PostgreSQL that lockstep runs in this process to replay the history, does not have.',
    );
    expect(inPglite.stderr).toContain('Database: Unchanged: lockstep only read the live database.');
    expect(inPglite.stderr).toContain('`lockstep drift --shadow-url "$SHADOW_DATABASE_URL"`');

    const inShadow = await cli('drift', '--shadow-url', shadow.url);
    expect(withoutProgress(inShadow.stderr)).toBe('');
    expect(inShadow.code).toBe(0);
    expect(await shadow.query(`SELECT extname FROM pg_extension WHERE extname = 'pgrowlocks'`)).toEqual([]);
  });

  it('TypeORM: a migration that needs the real QueryRunner replays only into a shadow database', async () => {
    live = await freshDatabase();
    shadow = await freshDatabase();
    typeorm = copyTypeormExample();
    typeorm.write(
      'src/migration/1742000000000-AddNotes.ts',
      `import { MigrationInterface, QueryRunner, Table } from "typeorm";

export class AddNotes1742000000000 implements MigrationInterface {
    name = 'AddNotes1742000000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.createTable(new Table({ name: "note", columns: [{ name: "id", type: "int", isPrimary: true }, { name: "body", type: "text", isNullable: true }] }));
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable("note");
    }
}
`,
    );
    const cli = (...args: string[]) => runCli(args, { cwd: typeorm!.dir, env: { DATABASE_URL: live!.url } });
    const deployed = await cli('deploy');
    expect(deployed.code, deployed.stderr).toBe(0);
    const inPglite = await cli('drift');
    expect(inPglite.code).toBe(1);
    expect(inPglite.stderr).toContain(
      "[LS_DRIFT_TYPEORM_RUNNER] Replaying AddNotes1742000000000 (src/migration/1742000000000-AddNotes.ts) needs TypeORM's own QueryRunner: the migration called queryRunner.createTable(), which only TypeORM's own QueryRunner provides.",
    );
    expect(inPglite.stderr).toContain('--shadow-url');

    const inShadow = await cli('drift', '--shadow-url', shadow.url);
    expect(withoutProgress(inShadow.stderr)).toBe('');
    expect(inShadow.stdout).toContain('(5 migrations replayed into the shadow database');
    expect(inShadow.code).toBe(0);
    expect(await userTables(shadow)).toEqual([]);
  });
});
