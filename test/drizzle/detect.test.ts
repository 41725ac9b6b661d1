import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { DRIZZLE_KIT } from '../support/drizzle.js';
import { REPO_ROOT } from '../support/project.js';

describe('detecting Drizzle projects', () => {
  let dir: string;
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a Drizzle package inside a monorepo, with its config at a custom path named in package.json', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-monorepo-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'monorepo', private: true, workspaces: ['packages/*'] }));
    const api = join(dir, 'packages', 'api');
    mkdirSync(join(api, 'config'), { recursive: true });
    cpSync(join(REPO_ROOT, 'examples', 'drizzle-app', 'drizzle'), join(api, 'db', 'migrations'), { recursive: true });
    writeFileSync(
      join(api, 'package.json'),
      JSON.stringify({
        name: '@acme/api',
        scripts: { 'db:generate': 'drizzle-kit generate --config=config/drizzle.ts' },
        dependencies: { 'drizzle-orm': '^0.45.0' },
        devDependencies: { 'drizzle-kit': '^0.31.0' },
      }),
    );
    writeFileSync(
      join(api, 'config', 'drizzle.ts'),
      `import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './src/schema.ts', out: './db/migrations', dbCredentials: { url: process.env.API_DATABASE_URL! } });\n`,
    );
    writeFileSync(join(api, '.env'), 'API_DATABASE_URL=postgresql://app:secret-pw@db.internal:5432/api\n');

    const result = await runCli(['detect', '--json', '--project', 'packages/api'], { cwd: dir });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.chosen).toBe('drizzle');
    expect(report.orms[0]).toMatchObject({
      orm: 'drizzle',
      configFile: 'config/drizzle.ts',
      configRead: 'read as data, no code ran',
      dialect: 'postgresql',
      migrations: { location: 'db/migrations', count: 5 },
      historyTable: 'drizzle.__drizzle_migrations',
      databaseUrlFrom: 'dbCredentials in config/drizzle.ts',
    });
    expect(result.stdout).not.toContain('secret-pw');

    db = await freshDatabase();
    const deployed = await runCli(['deploy', '--project', 'packages/api'], { cwd: dir, env: { API_DATABASE_URL: db.url } });
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toContain('Applied 5 migrations');
  });

  it('runs a config that is code (it imports a module of the project) and reads the same values from it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-config-code-'));
    cpSync(join(REPO_ROOT, 'examples', 'drizzle-app', 'drizzle'), join(dir, 'db'), { recursive: true });
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', devDependencies: { 'drizzle-kit': '^0.31.0' } }));
    writeFileSync(
      join(dir, 'src', 'settings.ts'),
      `export const migrationsOut: string = './db';\nexport const tableName = ['app', 'migrations'].join('_');\n`,
    );
    writeFileSync(
      join(dir, 'drizzle.config.ts'),
      `import { defineConfig } from 'drizzle-kit';\nimport { migrationsOut, tableName } from './src/settings';\nexport default defineConfig({ dialect: 'postgresql', out: migrationsOut, migrations: { table: tableName }, dbCredentials: { url: process.env.DATABASE_URL! } });\n`,
    );
    const result = await runCli(['detect', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).orms[0]).toMatchObject({
      configFile: 'drizzle.config.ts',
      configRead: 'run with a TypeScript-capable loader',
      migrations: { location: 'db', count: 5 },
      historyTable: 'drizzle.app_migrations',
    });
    const text = await runCli(['detect'], { cwd: dir });
    expect(text.stdout).toContain('config loaded:  drizzle.config.ts (run with a TypeScript-capable loader)');
  });

  it('says so when a project uses two ORMs, and --orm chooses', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-two-orms-'));
    cpSync(join(REPO_ROOT, 'examples', 'drizzle-app'), dir, { recursive: true });
    cpSync(join(REPO_ROOT, 'examples', 'prisma-shop', 'prisma'), join(dir, 'prisma'), { recursive: true });
    const detect = await runCli(['detect'], { cwd: dir });
    expect(detect.code).toBe(0);
    expect(detect.stdout).toContain('prisma');
    expect(detect.stdout).toContain('drizzle');
    expect(detect.stdout).toContain('pass --orm prisma or --orm drizzle');
    const status = await runCli(['status'], { cwd: dir });
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('[LS_SEVERAL_ORMS]');
    expect(status.stderr).toContain('--orm prisma or --orm drizzle');
    db = await freshDatabase();
    const chosen = await runCli(['deploy', '--orm', 'prisma'], { cwd: dir, env: { DATABASE_URL: db.url } });
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toContain('Deploying prisma migrations');
  });

  it('--config names the config as drizzle-kit --config does; out is resolved against the project, as drizzle-kit resolves it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-config-flag-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { 'drizzle-orm': '^0.45.0' } }));
    mkdirSync(join(dir, 'config'));
    cpSync(join(REPO_ROOT, 'examples', 'drizzle-app', 'drizzle'), join(dir, 'db', 'migrations'), { recursive: true });
    writeFileSync(
      join(dir, 'config', 'production.ts'),
      `import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', out: './db/migrations', migrations: { table: 'schema_history', schema: 'ops' }, dbCredentials: { url: process.env.DATABASE_URL! } });\n`,
    );

    // Without it, nothing says where the config is.
    const plain = JSON.parse((await runCli(['detect', '--json'], { cwd: dir })).stdout);
    expect(plain.orms[0].configFile).toBeUndefined();
    expect(plain.orms[0].migrations.exists).toBe(false);

    const detected = JSON.parse((await runCli(['detect', '--json', '--config', 'config/production.ts'], { cwd: dir })).stdout);
    expect(detected.orms[0]).toMatchObject({
      configFile: 'config/production.ts',
      migrations: { location: 'db/migrations', count: 5 },
      historyTable: 'ops.schema_history',
    });

    db = await freshDatabase();
    const env = { DATABASE_URL: db.url };
    // A recovery command repeats --config, so that it runs against the same project.
    const broken = join(dir, 'db', 'migrations', '0002_add_due_dates_and_last_login.sql');
    const original = readFileSync(broken, 'utf8');
    writeFileSync(broken, 'SELECT * FROM "no_such_table";\n');
    const failed = await runCli(['deploy', '--config', 'config/production.ts'], { cwd: dir, env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('`lockstep deploy --config config/production.ts`');
    writeFileSync(broken, original);
    expect((await runCli(['deploy', '--config', 'config/production.ts'], { cwd: dir, env })).code).toBe(0);
    expect(await db.query('SELECT count(*)::int AS n FROM ops.schema_history')).toEqual([{ n: 5 }]);
    // drizzle-kit, given the same --config, reads the same folder and table and finds nothing to do.
    const kit = spawnSync(process.execPath, [DRIZZLE_KIT, 'migrate', '--config=config/production.ts'], {
      cwd: dir,
      env: { ...process.env, ...env, NODE_PATH: join(REPO_ROOT, 'node_modules') },
      encoding: 'utf8',
    });
    expect(kit.status).toBe(0);
    expect(await db.query('SELECT count(*)::int AS n FROM ops.schema_history')).toEqual([{ n: 5 }]);

    const missing = await runCli(['status', '--config', 'config/nope.ts'], { cwd: dir, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('[LS_CONFIG_NOT_FOUND] --config names');
  });

  it('refuses a Drizzle project for another dialect', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-mysql-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { 'drizzle-orm': '^0.45.0' } }));
    writeFileSync(
      join(dir, 'drizzle.config.json'),
      JSON.stringify({ dialect: 'mysql', out: './drizzle', schema: './schema.ts' }),
    );
    const result = await runCli(['status'], { cwd: dir, env: { DATABASE_URL: 'postgresql://x@127.0.0.1:1/x' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('drizzle.config.json sets dialect "mysql"');

    // detect describes it as that dialect: one problem, the table drizzle-orm uses there, and a MySQL URL is not a second problem.
    const detected = await runCli(['detect', '--json'], { cwd: dir, env: { DATABASE_URL: 'mysql://root@127.0.0.1:3306/app' } });
    const drizzle = JSON.parse(detected.stdout).orms[0];
    expect(drizzle).toMatchObject({ dialect: 'mysql', historyTable: '__drizzle_migrations', databaseUrlFrom: 'DATABASE_URL' });
    expect(drizzle.problems).toEqual([
      'drizzle.config.json sets dialect "mysql". MySQL is not supported yet: lockstep works with PostgreSQL only for now (MySQL/MariaDB and SQLite support is planned).',
    ]);
    expect(drizzle.supported).toBe(false);
    expect(detected.code).toBe(2);
  });
});
