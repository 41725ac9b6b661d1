import { afterEach, describe, expect, it } from 'vitest';
import { events, runCli, withoutProgress } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { copyTypeormExample, typeormCli, type TypeormProject, type TypeormRelease } from '../support/typeorm.js';

/** TypeORM 1.x, and the 0.3.x line many projects still run. */
const RELEASES: TypeormRelease[] = ['1', '0.3'];

const EXAMPLE = [
  'Init1736848512000',
  'AddVatNumberAndDueDate1738577925000',
  'InvoiceIssuedAtIndex1739807062000',
  'AddVoidInvoiceStatus1741163875000',
];

describe('TypeORM projects', () => {
  let db: TestDatabase;
  let project: TypeormProject;
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: { DATABASE_URL: db.url } });
  const rows = () =>
    db.query<{ id: number; timestamp: string; name: string }>('SELECT id, "timestamp", name FROM migrations ORDER BY id');
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it.each(RELEASES)(
    'runs the migrations through TypeORM %s, writes its migrations table, and typeorm migration:show agrees',
    async (release) => {
      db = await freshDatabase();
      project = copyTypeormExample(release);
      const result = await cli('deploy', '--json');
      expect(withoutProgress(result.stderr)).toBe('');
      expect(result.code).toBe(0);
      expect(
        events(result.stdout)
          .filter((e) => e.type === 'migration-applied')
          .map((e) => [e.migration, e.mode, e.statements]),
      ).toEqual([
        ['Init1736848512000', 'transaction', 7],
        ['AddVatNumberAndDueDate1738577925000', 'transaction', 2],
        ['InvoiceIssuedAtIndex1739807062000', 'statements', 1],
        ['AddVoidInvoiceStatus1741163875000', 'transaction', 1],
      ]);
      expect((await rows()).map((r) => [r.name, Number(r.timestamp)])).toEqual(
        EXAMPLE.map((name) => [name, Number(name.slice(-13))]),
      );
      const [pk] = await db.query<{ conname: string }>(
        `SELECT conname FROM pg_constraint WHERE conrelid = 'migrations'::regclass AND contype = 'p'`,
      );
      expect(pk?.conname).toBe('PK_8c82d7f526340ab734260ea46be');
      const [valid] = await db.query<{ valid: boolean }>(
        `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'invoice_issued_at_idx'::regclass`,
      );
      expect(valid?.valid).toBe(true);

      project.build();
      const show = typeormCli(project, ['migration:show'], db.url);
      expect(show.status).toBe(0);
      for (const name of EXAMPLE) expect(show.stdout).toMatch(new RegExp(`\\[X\\] \\d+ ${name}`));
      expect(show.stdout).not.toContain('[ ]');
      const run = typeormCli(project, ['migration:run'], db.url);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('No migrations are pending');
    },
  );

  it.each(RELEASES)('continues what typeorm %s migration:run started, and typeorm agrees afterwards', async (release) => {
    db = await freshDatabase();
    project = copyTypeormExample(release);
    project.build();
    // The compiled project without its last two migrations, as an older release would ship it.
    const { rmSync } = await import('node:fs');
    rmSync(`${project.dir}/dist/migration/1739807062000-InvoiceIssuedAtIndex.js`);
    rmSync(`${project.dir}/dist/migration/1741163875000-AddVoidInvoiceStatus.js`);
    expect(typeormCli(project, ['migration:run'], db.url).status).toBe(0);
    expect(await rows()).toHaveLength(2);
    const status = await cli('status', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'pending', counts: { applied: 2, pending: 2 } });
    expect((await cli('deploy')).code).toBe(0);
    project.build();
    const show = typeormCli(project, ['migration:show'], db.url);
    expect(show.stdout).not.toContain('[ ]');
  });

  it('deploys from the compiled data source, as production runs it', async () => {
    db = await freshDatabase();
    project = copyTypeormExample();
    project.build();
    // --config takes the data source as `typeorm migration:run -d dist/data-source.js` does.
    const detect = await cli('detect', '--json', '--config', 'dist/data-source.js');
    expect(JSON.parse(detect.stdout).orms[0]).toMatchObject({
      orm: 'typeorm',
      configFile: 'dist/data-source.js',
      configRead: 'compiled JavaScript, run as it is',
      migrations: { count: 4 },
    });
    expect(JSON.parse((await cli('detect', '--json')).stdout).orms[0]).toMatchObject({
      configFile: 'src/data-source.ts',
      configRead: "run with a TypeScript-capable loader and the project's tsconfig.json",
    });
    const result = await cli('deploy', '--config', 'dist/data-source.js');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Applied 4 migrations');
    // Or once for every command, in lockstep.config.json.
    project.write('lockstep.config.json', JSON.stringify({ typeorm: { dataSource: 'dist/data-source.js' } }));
    expect(JSON.parse((await cli('detect', '--json')).stdout).orms[0]).toMatchObject({ configFile: 'dist/data-source.js' });
    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('4 applied, 0 pending');
  });

  it('a data source with read replicas migrates its master, and --url takes the place of the master', async () => {
    db = await freshDatabase();
    const other = await freshDatabase();
    try {
      project = copyTypeormExample();
      const replicated = (source: string) =>
        source.replace(
          '  url: process.env.DATABASE_URL,\n',
          "  replication: {\n    master: { url: process.env.DATABASE_URL },\n    slaves: [{ url: 'postgresql://reader@127.0.0.1:1/replica' }],\n  },\n",
        );
      const { readFileSync } = await import('node:fs');
      project.write('src/data-source.ts', replicated(readFileSync(`${project.dir}/src/data-source.ts`, 'utf8')));
      const detect = JSON.parse((await cli('detect', '--json')).stdout);
      expect(detect.orms[0].databaseUrlFrom).toBe('the replication master of the data source in src/data-source.ts');
      expect((await cli('deploy')).code).toBe(0);
      expect(await rows()).toHaveLength(4);
      // --url names another database: the migrations and their history go there, not to the configured master.
      const elsewhere = await cli('deploy', '--url', other.url);
      expect(elsewhere.code).toBe(0);
      expect(await other.query('SELECT name FROM migrations ORDER BY id')).toHaveLength(4);
      expect(await rows()).toHaveLength(4);
    } finally {
      await other.drop();
    }
  });

  it("honours the URL's sslmode, as the app's own url would", async () => {
    db = await freshDatabase();
    project = copyTypeormExample();
    const ssl = (await db.query<{ ssl: string }>('SHOW ssl'))[0]?.ssl;
    const result = await cli('deploy', '--url', `${db.url}?sslmode=require`);
    if (ssl === 'on') {
      expect(result.code).toBe(0);
    } else {
      // A server without TLS refuses a client that requires it: lockstep asked for TLS.
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/SSL/);
      expect(result.stderr).toContain('sslmode');
    }
  });

  it('says which migrations pattern matched what, instead of finding no migrations', async () => {
    db = await freshDatabase();
    project = copyTypeormExample();
    expect((await cli('deploy')).code).toBe(0);
    project.build();
    // Production config that points at the TypeScript sources, and one with a typo in the folder.
    project.write(
      'dist/data-source.js',
      `"use strict";\nrequire("reflect-metadata");\nconst { DataSource } = require("typeorm");\nexports.AppDataSource = new DataSource({ type: "postgres", url: process.env.DATABASE_URL, migrations: ["src/migration/*.ts", "dist/migrations/*.js"] });\n`,
    );
    project.write('lockstep.config.json', JSON.stringify({ typeorm: { dataSource: 'dist/data-source.js' } }));
    const result = await cli('status');
    expect(result.stderr).toContain(
      'the data source dist/data-source.js is compiled JavaScript but its migrations pattern "src/migration/*.ts" matches 4 TypeScript files',
    );
    expect(result.stderr).toContain(
      'the migrations pattern "dist/migrations/*.js" matched no file (dist/migrations does not exist',
    );
  });

  it('honours migrationsTransactionMode: a failed migration in "each" mode is rolled back alone and does not block', async () => {
    db = await freshDatabase();
    project = copyTypeormExample();
    expect((await cli('deploy')).code).toBe(0);
    project.migration('AddCurrency', 1742000000000, [
      'ALTER TABLE "invoice" ADD "currency" character(3)',
      'ALTER TABLE "nope" ADD "x" integer',
    ]);
    const failed = await cli('deploy');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      'Migration AddCurrency1742000000000 failed at the up() method of src/migration/1742000000000-AddCurrency.ts',
    );
    expect(failed.stderr).toContain('relation "nope" does not exist');
    expect(failed.stderr).toContain('none of its queries is in effect');
    expect(await rows()).toHaveLength(4);
    const columns = await db.query(
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'invoice' AND column_name = 'currency'`,
    );
    expect(columns).toHaveLength(0);
    project.migration('AddCurrency', 1742000000000, ['ALTER TABLE "invoice" ADD "currency" character(3)']);
    expect((await cli('deploy')).code).toBe(0);
    expect(await rows()).toHaveLength(5);
  });

  it('a migration outside a transaction that fails part-way blocks until resolved', async () => {
    db = await freshDatabase();
    project = copyTypeormExample();
    expect((await cli('deploy')).code).toBe(0);
    await db.query(`INSERT INTO customer (email, name) VALUES ('a@x', 'A')`);
    await db.query(`INSERT INTO invoice (number, "customerId") SELECT 'N-1', id FROM customer`);
    await db.query(`INSERT INTO invoice (number, "customerId", "dueDate") SELECT 'N-2', id, '2025-01-01' FROM customer`);
    await db.query(`UPDATE invoice SET "dueDate" = '2025-01-01'`);
    project.migration(
      'UniqueDueDate',
      1742000000000,
      [
        'ALTER TABLE "invoice" ADD "note" text',
        'CREATE UNIQUE INDEX CONCURRENTLY "invoice_due_date_key" ON "invoice" ("dueDate")',
      ],
      '    transaction = false as const\n',
    );
    const failed = await cli('deploy');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('the first 1 query of its up() is in effect');
    expect(failed.stderr).toContain('INVALID index public.invoice_due_date_key');
    const blocked = await cli('deploy');
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain('[LS_BLOCKED]');
    expect(blocked.stderr).toContain('UniqueDueDate1742000000000');
    // Undo by hand, fix the migration, mark the failure rolled back, deploy again.
    await db.query('ALTER TABLE "invoice" DROP COLUMN "note"');
    await db.query('DROP INDEX CONCURRENTLY "invoice_due_date_key"');
    project.migration(
      'UniqueDueDate',
      1742000000000,
      ['ALTER TABLE "invoice" ADD "note" text', 'CREATE INDEX CONCURRENTLY "invoice_due_date_idx" ON "invoice" ("dueDate")'],
      '    transaction = false as const\n',
    );
    expect((await cli('resolve', '--rolled-back', 'UniqueDueDate1742000000000')).code).toBe(0);
    expect((await cli('deploy')).code).toBe(0);
    expect((await rows()).map((r) => r.name)).toContain('UniqueDueDate1742000000000');
  });

  it('refuses a migration that sets its own transaction when the mode is "all", as TypeORM does', async () => {
    db = await freshDatabase();
    project = copyTypeormExample();
    const source = (await import('node:fs')).readFileSync(`${project.dir}/src/data-source.ts`, 'utf8');
    project.write('src/data-source.ts', source.replace("migrationsTransactionMode: 'each'", "migrationsTransactionMode: 'all'"));
    const result = await cli('deploy');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[LS_TYPEORM_TRANSACTION_MODE]');
    expect(result.stderr).toContain('InvoiceIssuedAtIndex1739807062000');
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE tablename = 'customer'`)).toHaveLength(0);
  });

  it('never synchronizes the schema, whatever the data source says', async () => {
    db = await freshDatabase();
    project = copyTypeormExample();
    const source = (await import('node:fs')).readFileSync(`${project.dir}/src/data-source.ts`, 'utf8');
    project.write(
      'src/data-source.ts',
      source.replace('synchronize: false', 'synchronize: true, dropSchema: true, migrationsRun: true'),
    );
    const status = await cli('status', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'pending', counts: { pending: 4 } });
    const tables = await db.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    expect(tables).toEqual([]);
  });

  it('eight concurrent deploys run each migration once', async () => {
    db = await freshDatabase();
    project = copyTypeormExample();
    const runs = await Promise.all(Array.from({ length: 8 }, () => cli('deploy')));
    for (const run of runs) expect(run.code).toBe(0);
    expect((await rows()).map((r) => r.name)).toEqual(EXAMPLE);
  });
});
