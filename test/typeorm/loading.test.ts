import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { events, runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { REPO_ROOT } from '../support/project.js';

/**
 * How lockstep loads a TypeORM project's code (data source, entities, migrations): in the
 * project's folder, with the project's tsconfig, refusing what does not load.
 */

const EXAMPLE_MIGRATIONS = [
  'Init1736848512000',
  'AddVatNumberAndDueDate1738577925000',
  'InvoiceIssuedAtIndex1739807062000',
  'AddVoidInvoiceStatus1741163875000',
];

interface Monorepo {
  root: string;
  /** packages/db: a copy of examples/typeorm-app. */
  db: string;
  write(path: string, content: string): void;
}

/**
 * A repository whose TypeORM project is packages/db, with node_modules hoisted to the root as npm
 * workspaces do; `typeorm` is 1.x, or 0.3.x (installed in the repository as typeorm-v03).
 */
function monorepo(release: '1' | '0.3' = '1'): Monorepo {
  const root = mkdtempSync(join(tmpdir(), 'lockstep-typeorm-repo-'));
  const db = join(root, 'packages', 'db');
  cpSync(join(REPO_ROOT, 'examples', 'typeorm-app'), db, {
    recursive: true,
    filter: (src) => !src.includes('node_modules') && !src.includes('dist'),
  });
  if (release === '1') {
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  } else {
    mkdirSync(join(root, 'node_modules'));
    for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
      if (entry !== 'typeorm' && entry !== '.cache')
        symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(root, 'node_modules', entry), 'dir');
    }
    symlinkSync(join(REPO_ROOT, 'node_modules', 'typeorm-v03'), join(root, 'node_modules', 'typeorm'), 'dir');
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'repo', private: true, workspaces: ['packages/*'] }));
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  return { root, db, write };
}

const SEED_CUSTOMER = `import { MigrationInterface, QueryRunner } from 'typeorm';
import { Customer } from '../entity/Customer';
import { Invoice } from '../entity/Invoice';

export class SeedFirstCustomer1750000000000 implements MigrationInterface {
  name = 'SeedFirstCustomer1750000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const customer = await queryRunner.manager.save(queryRunner.manager.create(Customer, { email: 'first@example.com', name: 'First' }));
    await queryRunner.manager.getRepository(Invoice).save({ number: 'INV-1', customer });
  }

  public async down(): Promise<void> {}
}
`;

describe('TypeORM: the project code lockstep loads', () => {
  let db: TestDatabase;
  const cleanup: string[] = [];
  afterEach(async () => {
    await db?.drop();
    for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['1', '0.3'] as const)(
    'deploy --project packages/db from the repository root runs the data source, its entity globs and the migrations in packages/db (TypeORM %s)',
    async (release) => {
      db = await freshDatabase();
      const repo = monorepo(release);
      cleanup.push(repo.root);
      // The URL is in the repository's .env, which the data source reads by a path relative to its package.
      repo.write('.env', `APP_DATABASE_URL=${db.url}\n`);
      repo.write(
        'packages/db/src/data-source.ts',
        `import 'reflect-metadata';
import { config } from 'dotenv';
import { DataSource } from 'typeorm';

config({ path: '../../.env', quiet: true });

export const AppDataSource = new DataSource({
  type: 'postgres',
  url: process.env.APP_DATABASE_URL,
  entities: ['src/entity/*.ts'],
  migrations: ['src/migration/*.ts'],
  migrationsTransactionMode: 'each',
});
`,
      );
      // A data migration through entity metadata, and one that reads a file relative to the package.
      repo.write('packages/db/src/migration/1750000000000-SeedFirstCustomer.ts', SEED_CUSTOMER);
      repo.write('packages/db/sql/regions.sql', `CREATE TABLE "region" ("code" character(2) PRIMARY KEY)`);
      repo.write(
        'packages/db/src/migration/1750000000001-Regions.ts',
        `import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class Regions1750000000001 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(readFileSync('sql/regions.sql', 'utf8'));
    await queryRunner.query(\`COMMENT ON TABLE "region" IS '\${join(process.cwd(), 'sql')}'\`);
  }

  public async down(): Promise<void> {}
}
`,
      );

      const result = await runCli(['deploy', '--project', 'packages/db', '--json'], { cwd: repo.root });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(
        events(result.stdout)
          .filter((e) => e.type === 'migration-applied')
          .map((e) => e.migration),
      ).toEqual([...EXAMPLE_MIGRATIONS, 'SeedFirstCustomer1750000000000', 'Regions1750000000001']);
      expect(await db.query('SELECT c.email, i.number FROM invoice i JOIN customer c ON c.id = i."customerId"')).toEqual([
        { email: 'first@example.com', number: 'INV-1' },
      ]);
      const [comment] = await db.query<{ comment: string }>(`SELECT obj_description('region'::regclass) AS comment`);
      expect(comment?.comment).toBe(join(repo.db, 'sql'));

      const status = await runCli(['status', '--project', 'packages/db', '--json'], { cwd: repo.root });
      expect(JSON.parse(status.stdout)).toMatchObject({ state: 'up-to-date', counts: { applied: 6, pending: 0 } });
    },
  );

  it('an ES module project: entities by glob next to import.meta.url, and a data migration that saves through them', async () => {
    db = await freshDatabase();
    const repo = monorepo();
    cleanup.push(repo.root);
    const pkg = JSON.parse(readFileSync(join(repo.db, 'package.json'), 'utf8'));
    repo.write('packages/db/package.json', JSON.stringify({ ...pkg, type: 'module' }));
    const tsconfig = JSON.parse(readFileSync(join(repo.db, 'tsconfig.json'), 'utf8'));
    repo.write(
      'packages/db/tsconfig.json',
      JSON.stringify({
        ...tsconfig,
        compilerOptions: { ...tsconfig.compilerOptions, module: 'NodeNext', moduleResolution: 'NodeNext' },
      }),
    );
    repo.write(
      'packages/db/src/data-source.ts',
      `import 'reflect-metadata';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';

const here = dirname(fileURLToPath(import.meta.url));

export const AppDataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  entities: [here + '/entity/*.ts'],
  migrations: [here + '/migration/*.ts'],
  migrationsTransactionMode: 'each',
});
`,
    );
    repo.write(
      'packages/db/src/migration/1750000000000-SeedFirstCustomer.ts',
      SEED_CUSTOMER.replace("'../entity/Customer'", "'../entity/Customer.js'").replace(
        "'../entity/Invoice'",
        "'../entity/Invoice.js'",
      ),
    );
    const result = await runCli(['deploy'], { cwd: repo.db, env: { DATABASE_URL: db.url } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await db.query('SELECT number FROM invoice')).toEqual([{ number: 'INV-1' }]);
  });

  it("resolves the tsconfig's paths and baseUrl, through extends, in the data source and the migrations", async () => {
    db = await freshDatabase();
    const repo = monorepo();
    cleanup.push(repo.root);
    // The repository's base config maps @db/* and sets baseUrl; the package's tsconfig extends it.
    repo.write(
      'tsconfig.base.json',
      JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@db/*': ['packages/db/src/*'] } } }),
    );
    const tsconfig = JSON.parse(readFileSync(join(repo.db, 'tsconfig.json'), 'utf8'));
    repo.write('packages/db/tsconfig.json', JSON.stringify({ ...tsconfig, extends: '../../tsconfig.base.json' }));
    repo.write(
      'packages/db/src/data-source.ts',
      `import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { Customer } from '@db/entity/Customer';
import { Invoice } from '@db/entity/Invoice';
import { InvoiceLine } from '@db/entity/InvoiceLine';

export const AppDataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  entities: [Customer, Invoice, InvoiceLine],
  migrations: [__dirname + '/migration/*.ts'],
  migrationsTransactionMode: 'each',
});
`,
    );
    repo.write(
      'packages/db/src/seed/first-customer.ts',
      `export const FIRST_CUSTOMER = { email: 'first@example.com', name: 'First' };\n`,
    );
    repo.write(
      'packages/db/src/migration/1750000000000-SeedFirstCustomer.ts',
      SEED_CUSTOMER.replace("'../entity/Customer'", "'@db/entity/Customer'")
        .replace(
          "'../entity/Invoice'",
          "'@db/entity/Invoice';\nimport { FIRST_CUSTOMER } from 'packages/db/src/seed/first-customer'",
        )
        .replace("{ email: 'first@example.com', name: 'First' }", 'FIRST_CUSTOMER'),
    );
    const result = await runCli(['deploy', '--project', 'packages/db'], { cwd: repo.root, env: { DATABASE_URL: db.url } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await db.query('SELECT c.email, i.number FROM invoice i JOIN customer c ON c.id = i."customerId"')).toEqual([
      { email: 'first@example.com', number: 'INV-1' },
    ]);
  });

  it('a data source that imports an ES module file (.mjs) and dotenv/config loads as the typeorm CLI would load it', async () => {
    db = await freshDatabase();
    const repo = monorepo();
    cleanup.push(repo.root);
    repo.write('packages/db/src/settings.mjs', `export const migrationsTableName = 'app_migrations';\n`);
    repo.write(
      'packages/db/src/data-source.ts',
      `import 'reflect-metadata';
import 'dotenv/config';
import { DataSource } from 'typeorm';
import { migrationsTableName } from './settings.mjs';

export const AppDataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  entities: ['src/entity/*.ts'],
  migrations: ['src/migration/*.ts'],
  migrationsTableName,
  migrationsTransactionMode: 'each',
});
`,
    );
    const result = await runCli(['deploy'], { cwd: repo.db, env: { DATABASE_URL: db.url } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await db.query(`SELECT count(*)::int AS n FROM app_migrations`)).toEqual([{ n: EXAMPLE_MIGRATIONS.length }]);
  });

  it('a data migration that uses an entity the data source does not list fails at up(), naming no query', async () => {
    db = await freshDatabase();
    const repo = monorepo();
    cleanup.push(repo.root);
    repo.write(
      'packages/db/src/migration/1750000000000-AuditFirstInvoice.ts',
      `import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditFirstInvoice1750000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('SELECT 1');
    await queryRunner.manager.getRepository('AuditEntry').save({ action: 'first invoice' });
  }

  public async down(): Promise<void> {}
}
`,
    );
    const result = await runCli(['deploy'], { cwd: repo.db, env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Migration AuditFirstInvoice1750000000000 failed at the up() method of src/migration/1750000000000-AuditFirstInvoice.ts: No metadata for "AuditEntry" was found.',
    );
  });

  it('entities that TypeORM refuses when it connects are a data source error (exit 2), not a failed connection', async () => {
    db = await freshDatabase();
    const repo = monorepo();
    cleanup.push(repo.root);
    const source = readFileSync(join(repo.db, 'src', 'data-source.ts'), 'utf8');
    // Invoice relates to Customer, which the list leaves out.
    repo.write(
      'packages/db/src/data-source.ts',
      source.replace('entities: [Customer, Invoice, InvoiceLine]', 'entities: [Invoice, InvoiceLine]'),
    );
    const result = await runCli(['deploy'], { cwd: repo.db, env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '[LS_TYPEORM_DATA_SOURCE] TypeORM refused the data source in src/data-source.ts: Entity metadata for Invoice#customer was not found.',
    );
    expect(result.stderr).not.toContain('LS_CONNECT');
  });
});

/**
 * A CommonJS TypeORM project in plain JavaScript, as `tsc` leaves it or as it is written by hand;
 * without `typescript` installed when `production` is set, as in a production image.
 */
function commonJsProject(migrations: Record<string, string>, options: { production?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-typeorm-cjs-'));
  if (options.production) {
    mkdirSync(join(dir, 'node_modules'));
    for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
      if (entry !== 'typescript' && entry !== '.cache')
        symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(dir, 'node_modules', entry), 'dir');
    }
  } else {
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'cjs-app', private: true, dependencies: { typeorm: '*', pg: '*' } }),
  );
  writeFileSync(
    join(dir, 'data-source.js'),
    `const { DataSource } = require('typeorm');\nmodule.exports.AppDataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, migrations: [__dirname + '/migration/*.js'] });\n`,
  );
  mkdirSync(join(dir, 'migration'));
  for (const [name, source] of Object.entries(migrations)) writeFileSync(join(dir, 'migration', name), source);
  return dir;
}

const jsMigration = (className: string, table: string) =>
  `module.exports.${className} = class ${className} {\n  async up(queryRunner) {\n    await queryRunner.query('CREATE TABLE ${table} (id int)');\n  }\n  async down() {}\n};\n`;

describe('TypeORM: a migration file that cannot be used stops the deploy before anything changes', () => {
  let db: TestDatabase;
  const cleanup: string[] = [];
  afterEach(async () => {
    await db?.drop();
    for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tables = () => db.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);

  it.each([
    ['with TypeScript installed', false, /SyntaxError: .+ \(line 4, column 3\)/],
    ['in a production image without TypeScript', true, /ParseError: Missing semicolon\. \(line 4, column \d+\)/],
  ])(
    'a JavaScript migration with a syntax error, %s: exit 2, the file, line and column; deploy and status alike',
    async (_, production, located) => {
      db = await freshDatabase();
      const dir = commonJsProject(
        {
          '1700000000000-One.js': jsMigration('One1700000000000', 'one'),
          // The closing brace of up() is missing.
          '1700000000001-Two.js': `module.exports.Two1700000000001 = class Two1700000000001 {\n  async up(queryRunner) {\n    await queryRunner.query('CREATE TABLE two (id int)')\n  async down() {}\n};\n`,
        },
        { production },
      );
      cleanup.push(dir);
      for (const command of ['deploy', 'status']) {
        const result = await runCli([command], { cwd: dir, env: { DATABASE_URL: db.url } });
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(
          '[LS_TYPEORM_MIGRATION_LOAD] Could not load the migration file migration/1700000000001-Two.js',
        );
        expect(result.stderr).toMatch(located);
        expect(result.stderr).toContain('Unchanged');
      }
      expect(await tables()).toEqual([]);
    },
  );

  it('a TypeScript migration with a syntax error is a load error before the first migration runs, not a failed query', async () => {
    db = await freshDatabase();
    const repo = monorepo();
    cleanup.push(repo.root);
    repo.write(
      'packages/db/src/migration/1750000000000-Broken.ts',
      `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class Broken1750000000000 implements MigrationInterface {\n  public async up(queryRunner: QueryRunner): Promise<void> {\n    await queryRunner.query('SELECT 1')\n\n  public async down(): Promise<void> {}\n}\n`,
    );
    const result = await runCli(['deploy'], { cwd: repo.db, env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '[LS_TYPEORM_MIGRATION_LOAD] Could not load the migration file src/migration/1750000000000-Broken.ts',
    );
    expect(result.stderr).toMatch(/SyntaxError: .+ \(line 7, column 3\)/);
    expect(result.stderr).not.toContain('LS_MIGRATION_FAILED');
    expect(await tables()).toEqual([]);
  });

  it('a matched file that exports no migration class, or exports something else besides, is refused as TypeORM would refuse it', async () => {
    db = await freshDatabase();
    const one = jsMigration('One1700000000000', 'one');
    const cases: Array<[string, string, RegExp]> = [
      [
        '1700000000001-Notes.js',
        `// Nothing to run yet.\nmodule.exports.NOTE = 'remember the index';\n`,
        /migration\/1700000000001-Notes\.js \(matched by ".+"\) exports no migration class/,
      ],
      [
        '1700000000001-Two.js',
        `${jsMigration('Two1700000000001', 'two')}module.exports.tableName = function tableName() { return 'two'; };\n`,
        /migration\/1700000000001-Two\.js \(matched by ".+"\) exports tableName, which is not a migration class/,
      ],
      [
        '1700000000001-Three.js',
        `throw new Error('the settings module is missing');\n`,
        /Could not load the migration file migration\/1700000000001-Three\.js \(matched by ".+"\): the settings module is missing/,
      ],
    ];
    for (const [file, source, message] of cases) {
      const dir = commonJsProject({ '1700000000000-One.js': one, [file]: source });
      cleanup.push(dir);
      const result = await runCli(['deploy'], { cwd: dir, env: { DATABASE_URL: db.url } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('[LS_TYPEORM_MIGRATION_LOAD]');
      expect(result.stderr).toMatch(message);
    }
    expect(await tables()).toEqual([]);
  });
});
