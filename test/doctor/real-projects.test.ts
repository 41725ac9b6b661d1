/**
 * Minimal reproductions of what doctor got wrong on real projects (false positives and misses),
 * each written from scratch in the shape the project had.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { check, pkgJson, project, type TempProject } from './helpers.js';

const SERVER = "import { createServer } from 'node:http';\ncreateServer((_q, s) => s.end('ok')).listen(3000);\n";

describe('doctor on real project shapes', () => {
  let p: TempProject | undefined;
  afterEach(() => p?.cleanup());
  const ids = async (dir: string, only?: string[]) => (await check(dir, only)).map((f) => `${f.check} ${f.at}`).sort();

  describe('typeorm-entity-import-cycle', () => {
    // A barrel of entities, an entity that implements an interface from a module that (through a
    // chain) imports the data source, which imports the barrel.
    const files = (interfaceImport: string) => ({
      'package.json': pkgJson({ build: 'tsc', start: 'node dist/index.js' }, { dependencies: { typeorm: '^0.3.20' } }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'commonjs', outDir: 'dist', experimentalDecorators: true, emitDecoratorMetadata: true },
      }),
      'src/data-source.ts':
        "import { DataSource } from 'typeorm';\nimport { entities } from './entities';\nexport const AppDataSource = new DataSource({ type: 'postgres', entities: Object.values(entities), migrations: [`${__dirname}/migrations/*.{ts,js}`] });\n",
      'src/entities/index.ts':
        "import { Flow } from './Flow';\nimport { Message } from './Message';\nexport const entities = { Flow, Message };\n",
      'src/entities/Flow.ts': `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';\n${interfaceImport}\n\n@Entity()\nexport class Flow implements IFlow {\n  @PrimaryGeneratedColumn('uuid') id: string;\n  @Column({ type: 'text' }) kind: FlowKind;\n}\n`,
      'src/entities/Message.ts':
        "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';\n\n@Entity()\nexport class Message {\n  @PrimaryGeneratedColumn('uuid') id: string;\n  @Column() text: string;\n}\n",
      'src/Interface.ts':
        "import { cache } from './cache';\nexport interface IFlow { id: string }\nexport type FlowKind = 'chat' | 'agent';\nexport const MODE = cache.mode;\n",
      'src/cache.ts':
        "import { AppDataSource } from './data-source';\nexport const cache = { mode: 'queue', source: () => AppDataSource };\n",
      'src/index.ts': SERVER,
    });

    it('an import whose bindings are only used as types (interfaces, type aliases) is removed by the compiler: no cycle', async () => {
      p = project(files("import { IFlow, FlowKind } from '../Interface';"));
      expect(await ids(p.dir, ['typeorm-entity-import-cycle'])).toEqual([]);
    });

    it('`import type` is no edge either', async () => {
      p = project(files("import type { IFlow, FlowKind } from '../Interface';"));
      expect(await ids(p.dir, ['typeorm-entity-import-cycle'])).toEqual([]);
    });

    it('the same chain with a value import is a cycle, and verbatimModuleSyntax keeps a type-only-used import', async () => {
      p = project({ ...files("import { IFlow, FlowKind, MODE } from '../Interface';\nexport const FLOW_MODE = MODE;") });
      expect(await ids(p.dir, ['typeorm-entity-import-cycle'])).toHaveLength(1);
      p.cleanup();
      p = project(files("import { IFlow, FlowKind } from '../Interface';"));
      p.write(
        'tsconfig.json',
        JSON.stringify({
          compilerOptions: {
            module: 'commonjs',
            outDir: 'dist',
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
            verbatimModuleSyntax: true,
          },
        }),
      );
      expect(await ids(p.dir, ['typeorm-entity-import-cycle'])).toHaveLength(1);
    });

    it('with emitDecoratorMetadata, a class named as a decorated property type keeps the import (design:type reads it)', async () => {
      p = project({
        ...files("import { IFlow, FlowKind } from '../Interface';"),
        'src/Interface.ts':
          "import { cache } from './cache';\nexport interface IFlow { id: string }\nexport type FlowKind = 'chat' | 'agent';\nexport class Owner { name = cache.mode }\n",
        'src/entities/Message.ts':
          "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';\nimport { Owner } from '../Interface';\n\n@Entity()\nexport class Message {\n  @PrimaryGeneratedColumn('uuid') id: string;\n  @Column({ type: 'jsonb' }) owner: Owner;\n}\n",
      });
      expect(await ids(p.dir, ['typeorm-entity-import-cycle'])).toHaveLength(1);
    });
  });

  describe('drizzle', () => {
    const drizzlePkg = (scripts: Record<string, string>, deps: Record<string, string> = {}) =>
      pkgJson(scripts, {
        name: 'db',
        type: 'module',
        dependencies: { 'drizzle-orm': '^0.45.0', ...deps },
        devDependencies: { 'drizzle-kit': '^0.31.0' },
      });

    it('drizzle-dialect-mismatch: one drizzle-kit config per dialect, each migrator matches one of them', async () => {
      const config = (dialect: string) =>
        `import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: '${dialect}', schema: './src/schema/${dialect}.ts', out: './migrations/${dialect}' });\n`;
      const migrate = (driver: string) =>
        `import { migrate } from 'drizzle-orm/${driver}/migrator';\nimport { drizzle } from 'drizzle-orm/${driver}';\nexport async function run(client: never) {\n  await migrate(drizzle(client), { migrationsFolder: process.argv[2]! });\n}\n`;
      const files = {
        'package.json': drizzlePkg({
          'migrate:mysql': 'drizzle-kit migrate --config ./configs/mysql.config.ts',
          'migrate:postgresql': 'drizzle-kit migrate --config ./configs/postgresql.config.ts',
          'generate:sqlite': 'drizzle-kit generate --config ./configs/sqlite.config.ts',
        }),
        'configs/mysql.config.ts': config('mysql'),
        'configs/postgresql.config.ts': config('postgresql'),
        'configs/sqlite.config.ts': config('sqlite'),
        'src/schema/mysql.ts':
          "import { mysqlTable, int } from 'drizzle-orm/mysql-core';\nexport const t = mysqlTable('t', { id: int('id') });\n",
        'src/schema/postgresql.ts':
          "import { pgTable, integer } from 'drizzle-orm/pg-core';\nexport const t = pgTable('t', { id: integer('id') });\n",
        'src/schema/sqlite.ts':
          "import { sqliteTable, integer } from 'drizzle-orm/sqlite-core';\nexport const t = sqliteTable('t', { id: integer('id') });\n",
        'src/migrate/mysql.ts': migrate('mysql2'),
        'src/migrate/postgresql.ts': migrate('node-postgres'),
        'src/migrate/sqlite.ts': migrate('libsql'),
      };
      p = project(files);
      expect(await ids(p.dir, ['drizzle-dialect-mismatch'])).toEqual([]);
      // A dialect no config generates for is still a mismatch, and says which configs there are.
      p.write('src/migrate/singlestore.ts', migrate('singlestore'));
      const found = await check(p.dir, ['drizzle-dialect-mismatch']);
      expect(found.map((f) => f.at)).toEqual(['src/migrate/singlestore.ts:1', 'src/migrate/singlestore.ts:2']);
      expect(found[0]!.message).toContain('configs/mysql.config.ts: "mysql"');
    });

    it("drizzle-unawaited-migrate: better-sqlite3's migrate() is synchronous, and --fix adds no await to it", async () => {
      p = project({
        'package.json': drizzlePkg({ build: 'tsc', start: 'node dist/server.js' }, { 'better-sqlite3': '^11.0.0' }),
        'drizzle.config.ts': "export default { dialect: 'sqlite', schema: './src/schema.ts', out: './drizzle' };\n",
        'drizzle/0000_init.sql': 'CREATE TABLE `t` (`id` integer);\n',
        'drizzle/meta/_journal.json':
          '{"version":"7","dialect":"sqlite","entries":[{"idx":0,"version":"6","when":1700000000000,"tag":"0000_init","breakpoints":true}]}\n',
        'src/server.ts':
          "import Database from 'better-sqlite3';\nimport { drizzle } from 'drizzle-orm/better-sqlite3';\nimport { migrate } from 'drizzle-orm/better-sqlite3/migrator';\nimport { createServer } from 'node:http';\n\nconst db = drizzle(new Database('app.db'));\nmigrate(db, { migrationsFolder: './drizzle' });\ncreateServer((_q, s) => s.end('ok')).listen(3000);\n",
      });
      const report = await check(p.dir);
      expect(report.filter((f) => f.check === 'drizzle-unawaited-migrate')).toEqual([]);
      expect(report.some((f) => f.finding.fixable)).toBe(false);
    });
  });

  describe('start-before-migrate', () => {
    const SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';
    const prismaFiles = (dir: string) => ({
      [`${dir}prisma/schema.prisma`]: SCHEMA,
      [`${dir}prisma/migrations/20250101000000_init/migration.sql`]: 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n',
    });

    it('a root script that only delegates to workspace packages: each package waits for its own migrations', async () => {
      p = project({
        'package.json': pkgJson({ start: 'turbo run start', build: 'turbo run build' }, { name: 'acme', workspaces: ['apps/*'] }),
        'turbo.json': JSON.stringify({ tasks: { build: { dependsOn: ['^build'] }, start: { dependsOn: ['build'] } } }),
        'apps/admin/package.json': pkgJson({ build: 'next build', start: 'next start' }, { name: 'admin' }),
        'apps/api/package.json': pkgJson(
          { postinstall: 'prisma generate', build: 'tsc', start: 'prisma migrate deploy && node dist/server.js' },
          { name: 'api', dependencies: { '@prisma/client': '^6.0.0' } },
        ),
        ...prismaFiles('apps/api/'),
        'apps/api/src/server.ts': SERVER,
        'apps/api/tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src' } }),
      });
      expect(await ids(p.dir)).toEqual([]);
      // A package that depends on the migrating one, started at the same time, does race it.
      p.write(
        'apps/admin/package.json',
        pkgJson({ build: 'next build', start: 'next start' }, { name: 'admin', dependencies: { api: 'workspace:*' } }),
      );
      expect(await ids(p.dir)).toEqual(['start-before-migrate apps/admin/package.json:7']);
    });

    it('`node /path/validate-env.mjs && prisma migrate deploy`: a file outside the repository that must exit first is not the app', async () => {
      p = project({
        'package.json': pkgJson(
          { postinstall: 'prisma generate', build: 'tsc' },
          { dependencies: { '@prisma/client': '^6.0.0' } },
        ),
        ...prismaFiles(''),
        'docker-compose.yml':
          'services:\n  migrate:\n    image: acme/app:latest\n    entrypoint: ["sh", "-c"]\n    command: ["node /home/app/validate-env.mjs && npx prisma migrate deploy"]\n',
      });
      expect(await ids(p.dir)).toEqual([]);
    });

    it('a file copied into the image under another path is found by its name and judged by its code', async () => {
      p = project({
        'package.json': pkgJson(
          { postinstall: 'prisma generate', build: 'tsc' },
          { dependencies: { '@prisma/client': '^6.0.0' } },
        ),
        ...prismaFiles(''),
        'scripts/docker/check-env.ts':
          "if (!process.env.DATABASE_URL) { console.error('DATABASE_URL is missing'); process.exit(1); }\n",
        'docker-compose.yml':
          'services:\n  migrate:\n    image: acme/app:latest\n    command: sh -c "node /home/app/check-env.js; npx prisma migrate deploy"\n',
      });
      expect(await ids(p.dir)).toEqual([]);
    });

    it('a Helm migration Job: its init container that waits for the database is not the app', async () => {
      p = project({
        'package.json': pkgJson({}, { name: 'acme', workspaces: ['packages/*'] }),
        'packages/database/package.json': pkgJson(
          { postinstall: 'prisma generate', build: 'tsc' },
          { name: '@acme/database', dependencies: { '@prisma/client': '^6.0.0' } },
        ),
        'packages/database/tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src' } }),
        ...prismaFiles('packages/database/'),
        'packages/database/src/scripts/wait-for-database.ts':
          "import { Client } from 'pg';\nexport async function waitForDatabase() { const c = new Client(); await c.connect(); await c.end(); }\nawait waitForDatabase();\n",
        'packages/database/src/scripts/apply-migrations.ts':
          "import { execFileSync } from 'node:child_process';\nexecFileSync('prisma', ['migrate', 'deploy'], { stdio: 'inherit' });\n",
        'charts/acme/Chart.yaml': 'apiVersion: v2\nname: acme\nversion: 1.0.0\n',
        'charts/acme/values.yaml': 'migration:\n  enabled: true\n',
        'charts/acme/templates/migration-job.yaml': [
          'apiVersion: batch/v1',
          'kind: Job',
          'metadata:',
          '  name: migrate',
          'spec:',
          '  template:',
          '    spec:',
          '      initContainers:',
          '        - name: wait-for-database',
          '          image: acme/app',
          '          command:',
          '            - node',
          '            - packages/database/dist/scripts/wait-for-database.js',
          '      containers:',
          '        - name: migration',
          '          image: acme/app',
          '          command:',
          '            - node',
          '            - packages/database/dist/scripts/apply-migrations.js',
          '      restartPolicy: Never',
          '',
        ].join('\n'),
      });
      expect(await ids(p.dir)).toEqual([]);
    });

    it('a compose service in a profile the migration service is not part of does not start with it', async () => {
      const compose = (profiles: string) =>
        `services:\n  migrate:\n    image: acme/app\n    command: npx prisma migrate deploy\n  app:\n    image: acme/app\n    command: node dist/server.js\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n  legacy:\n${profiles}    image: acme/app\n    command: node dist/server.js\n`;
      const files = {
        'package.json': pkgJson(
          { postinstall: 'prisma generate', build: 'tsc' },
          { dependencies: { '@prisma/client': '^6.0.0' } },
        ),
        ...prismaFiles(''),
        'src/server.ts': SERVER,
      };
      p = project({ ...files, 'docker-compose.yml': compose('    profiles: ["deprecated"]\n') });
      expect(await ids(p.dir)).toEqual([]);
      p.write('docker-compose.yml', compose(''));
      expect(await ids(p.dir)).toEqual(['start-before-migrate docker-compose.yml:11']);
    });
  });

  describe('prisma-client-not-generated', () => {
    const SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';
    const base = {
      'packages/db/prisma/schema.prisma': SCHEMA,
      'packages/db/prisma/migrations/20250101000000_init/migration.sql': 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n',
    };

    it('generate through `dotenv-flow -e .env -- prisma generate`', async () => {
      p = project({
        'package.json': pkgJson(
          { build: 'dotenv-flow -e .env -- prisma generate && tsc' },
          { dependencies: { '@prisma/client': '^6.0.0' } },
        ),
        'prisma/schema.prisma': SCHEMA,
        'prisma/migrations/20250101000000_init/migration.sql': 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n',
      });
      expect(await ids(p.dir, ['prisma-client-not-generated'])).toEqual([]);
    });

    it('generate through turbo.json `dependsOn: ["^db:generate"]` of the build task', async () => {
      const files = {
        'package.json': pkgJson({ build: 'turbo run build' }, { name: 'acme', workspaces: ['apps/*', 'packages/*'] }),
        'apps/web/package.json': pkgJson(
          { build: 'next build', start: 'next start' },
          { name: 'web', dependencies: { '@acme/db': 'workspace:*' } },
        ),
        'packages/db/package.json': pkgJson(
          { 'db:generate': 'prisma generate', 'db:deploy': 'prisma migrate deploy' },
          { name: '@acme/db', dependencies: { '@prisma/client': '^6.0.0' } },
        ),
        ...base,
      };
      p = project({ ...files, 'turbo.json': JSON.stringify({ tasks: { build: { dependsOn: ['^build', '^db:generate'] } } }) });
      expect(await ids(p.dir, ['prisma-client-not-generated'])).toEqual([]);
      p.write('turbo.json', JSON.stringify({ tasks: { build: { dependsOn: ['^build'] } } }));
      expect(await ids(p.dir, ['prisma-client-not-generated'])).toEqual([
        'prisma-client-not-generated packages/db/package.json:5',
      ]);
    });

    it('generate through a wrapper script: `pnpm with-env prisma generate`', async () => {
      p = project({
        'package.json': pkgJson(
          { build: 'pnpm with-env prisma generate && tsc', 'with-env': 'dotenv -e ../../.env --' },
          { dependencies: { '@prisma/client': '^6.0.0' } },
        ),
        'prisma/schema.prisma': SCHEMA,
        'prisma/migrations/20250101000000_init/migration.sql': 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n',
      });
      expect(await ids(p.dir, ['prisma-client-not-generated'])).toEqual([]);
    });
  });

  describe('prisma-push-only-history', () => {
    const schema = (provider: string) => `datasource db {\n  provider = "${provider}"\n  url      = env("DATABASE_URL")\n}\n`;

    it('a migrations folder that .gitignore leaves out is made at build time: noted, not an error', async () => {
      p = project({
        'package.json': pkgJson(
          { postinstall: 'prisma generate', build: 'node scripts/copy-migrations.js && tsc' },
          { dependencies: { '@prisma/client': '^7.0.0' }, devDependencies: { prisma: '^7.0.0' } },
        ),
        'prisma.config.ts':
          "import { defineConfig, env } from 'prisma/config';\n// The migrations folder is assembled from migration/ at build time.\nexport default defineConfig({ schema: './schema', migrations: { path: './.prisma-migrations' }, datasource: { url: env('DATABASE_URL') } });\n",
        'schema/main.prisma': schema('postgresql'),
        'migration/20250101000000_init/migration.sql': 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n',
      });
      p.write('.gitignore', '.prisma-migrations\n');
      const found = await check(p.dir, ['prisma-push-only-history']);
      expect(found.map((f) => `${f.severity} ${f.at}`)).toEqual(['info schema/main.prisma:1']);
      expect(found[0]!.message).toContain('.prisma-migrations is git-ignored (.gitignore:1)');
    });

    it('on MySQL the advice is `prisma migrate resolve`, not `lockstep baseline`; Prisma 7 uses --to-schema', async () => {
      p = project({
        'package.json': pkgJson(
          { postinstall: 'prisma generate', build: 'tsc' },
          { dependencies: { '@prisma/client': '^6.19.0' }, devDependencies: { prisma: '^6.19.0' } },
        ),
        'prisma/schema.prisma': schema('mysql'),
      });
      const [mysql] = await check(p.dir, ['prisma-push-only-history']);
      expect(mysql!.finding.fix).toContain('prisma migrate resolve --applied 0_init');
      expect(mysql!.finding.fix).not.toContain('lockstep baseline');
      expect(mysql!.finding.fix).toContain('--to-schema-datamodel prisma/schema.prisma');
      p.write('prisma/schema.prisma', schema('postgresql'));
      p.write(
        'package.json',
        pkgJson(
          { postinstall: 'prisma generate', build: 'tsc' },
          { dependencies: { '@prisma/client': '^7.1.0' }, devDependencies: { prisma: '^7.1.0' } },
        ),
      );
      const [postgres] = await check(p.dir, ['prisma-push-only-history']);
      expect(postgres!.finding.fix).toContain('lockstep baseline');
      expect(postgres!.finding.fix).toContain('--from-empty --to-schema prisma/schema.prisma');
    });
  });

  it('a TypeORM project whose data source is not in a usual place is found, as `lockstep detect` finds it', async () => {
    const { doctor } = await import('../../src/doctor/doctor.js');
    const { detect } = await import('../../src/project/describe-project.js');
    p = project({
      'package.json': pkgJson(
        { build: 'tsc', start: 'node dist/server.js' },
        { dependencies: { typeorm: '^0.3.20', pg: '^8.0.0' } },
      ),
      'app/server/lib/dbUtils.ts':
        "import { DataSourceOptions } from 'typeorm';\nexport function settings(): DataSourceOptions {\n  return { type: 'postgres', url: process.env.DATABASE_URL, synchronize: true, entities: [] };\n}\n",
      'app/server.ts': SERVER,
    });
    const detected = await detect({ project: p.dir });
    expect(detected.orms.map((o) => o.orm)).toEqual(['typeorm']);
    const report = await doctor({ project: p.dir });
    expect(report.orms.map((o) => o.orm)).toEqual(['typeorm']);
    expect(report.notes.join('\n')).toContain('no TypeORM data source was found');
    expect(report.findings.map((f) => f.check)).toEqual(['typeorm-synchronize']);
  });

  describe('CI jobs are judged by what they do and when they run', () => {
    const SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';
    const files = (workflow: string) => ({
      'package.json': pkgJson(
        { postinstall: 'prisma generate', build: 'tsc', 'db:migrate': 'prisma migrate dev' },
        { dependencies: { '@prisma/client': '^6.0.0' } },
      ),
      'prisma/schema.prisma': SCHEMA,
      'prisma/migrations/20250101000000_init/migration.sql': 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n',
      '.github/workflows/ci.yml': workflow,
    });

    it('a test job whose name a matrix fills with "deploy" is not a deploy job', async () => {
      p = project(
        files(
          [
            'on: { push: { branches: [main] }, pull_request: {} }',
            'jobs:',
            '  e2e:',
            '    name: e2e (${{ matrix.deploy-mode }})',
            '    runs-on: ubuntu-latest',
            '    strategy:',
            '      matrix:',
            '        deploy-mode: [docker, standalone]',
            '    steps:',
            '      - uses: actions/checkout@v4',
            '      - run: npm run db:migrate',
            '',
          ].join('\n'),
        ),
      );
      expect(await ids(p.dir)).toEqual([]);
    });

    it('a job that tests against its own database container, or runs only for pull requests, is not production', async () => {
      p = project(
        files(
          'on: push\njobs:\n  release-check:\n    runs-on: ubuntu-latest\n    services:\n      postgres:\n        image: postgres:16\n    steps:\n      - run: npm run db:migrate\n',
        ),
      );
      expect(await ids(p.dir)).toEqual([]);
      p.write(
        '.github/workflows/ci.yml',
        'on: pull_request\njobs:\n  deploy-preview:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run db:migrate\n',
      );
      expect(await ids(p.dir)).toEqual([]);
    });

    it('`"db:migrate": "prisma migrate dev"` that nothing in production calls is the local workflow', async () => {
      p = project(files('on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n'));
      expect(await ids(p.dir)).toEqual([]);
    });

    it('a job named deploy that runs on a push, a job with a production environment, or a job that rolls the app out is a deploy job', async () => {
      p = project(
        files(
          'on: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run db:migrate\n',
        ),
      );
      expect(await ids(p.dir)).toEqual(['prisma-migrate-dev-in-production package.json:8']);
      p.write(
        '.github/workflows/ci.yml',
        'on: workflow_dispatch\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run db:migrate\n      - run: fly deploy --remote-only\n',
      );
      expect(await ids(p.dir)).toEqual(['prisma-migrate-dev-in-production package.json:8']);
    });
  });

  describe('migrate-failure-ignored', () => {
    const SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';
    const prismaApp = (extra: Record<string, string>) => ({
      'package.json': pkgJson({ postinstall: 'prisma generate', build: 'tsc' }, { dependencies: { '@prisma/client': '^6.0.0' } }),
      'prisma/schema.prisma': SCHEMA,
      'prisma/migrations/20250101000000_init/migration.sql': 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n',
      'tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src' } }),
      'src/server.ts': SERVER,
      ...extra,
    });
    const only = ['migrate-failure-ignored'];

    it('a container that runs `sh start.sh`, which migrates and then starts the app without `set -e`', async () => {
      const script = (lines: string) =>
        `#!/bin/sh\nprintf "Running database migrations...\\n"\n${lines}\nprintf "Starting the server...\\n"\nHOSTNAME=0.0.0.0 node dist/server.js\n`;
      p = project(
        prismaApp({
          Dockerfile: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["sh", "start.sh"]\n',
          'start.sh': script('npx prisma migrate deploy'),
        }),
      );
      const [found] = await check(p.dir, only);
      expect(found?.at).toBe('start.sh:3');
      expect(found?.message).toContain('starts the app even when `npx prisma migrate deploy` fails');
      // What stops the start after a failure: set -e, || exit 1, a condition.
      for (const guarded of [
        'set -e\nnpx prisma migrate deploy',
        'npx prisma migrate deploy || exit 1',
        'npx prisma migrate deploy\nif [ $? -ne 0 ]; then\n  exit 1\nfi',
        'if ! npx prisma migrate deploy; then\n  echo "migration failed" >&2\n  exit 1\nfi',
      ]) {
        p.write('start.sh', script(guarded));
        expect(await ids(p.dir, only), guarded).toEqual([]);
      }
      // `|| echo` carries on after the failure, `set -e` or not.
      p.write('start.sh', script('set -e\nnpx prisma migrate deploy || echo "migration failed"'));
      expect(await ids(p.dir, only)).toEqual(['migrate-failure-ignored start.sh:4']);
    });

    it('a package.json script: `prisma migrate deploy; node dist/server.js`', async () => {
      p = project(
        prismaApp({
          'package.json': pkgJson(
            { postinstall: 'prisma generate', build: 'tsc', start: 'prisma migrate deploy; node dist/server.js' },
            { dependencies: { '@prisma/client': '^6.0.0' } },
          ),
        }),
      );
      expect(await ids(p.dir, only)).toEqual(['migrate-failure-ignored package.json:8']);
      p.write(
        'package.json',
        pkgJson(
          { postinstall: 'prisma generate', build: 'tsc', start: 'prisma migrate deploy && node dist/server.js' },
          { dependencies: { '@prisma/client': '^6.0.0' } },
        ),
      );
      expect(await ids(p.dir, only)).toEqual([]);
    });

    it('migrate() in a try/catch that only logs, before the server starts', async () => {
      const server = (handler: string) =>
        `import { drizzle } from 'drizzle-orm/node-postgres';\nimport { migrate } from 'drizzle-orm/node-postgres/migrator';\nimport { createServer } from 'node:http';\n\nconst db = drizzle(process.env.DATABASE_URL!);\ntry {\n  await migrate(db, { migrationsFolder: './drizzle' });\n} catch (error) {\n${handler}\n}\ncreateServer((_q, s) => s.end('ok')).listen(3000);\n`;
      p = project({
        'package.json': pkgJson(
          { build: 'tsc', start: 'node dist/server.js' },
          {
            type: 'module',
            dependencies: { 'drizzle-orm': '^0.45.0', pg: '^8.0.0' },
            devDependencies: { 'drizzle-kit': '^0.31.0' },
          },
        ),
        'tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src', module: 'NodeNext' } }),
        'drizzle.config.ts': "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n",
        'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" serial);\n',
        'drizzle/meta/_journal.json':
          '{"version":"7","dialect":"postgresql","entries":[{"idx":0,"version":"7","when":1700000000000,"tag":"0000_init","breakpoints":true}]}\n',
        'src/server.ts': server("  console.error('Migration failed', error);"),
      });
      const found = await check(p.dir, only);
      expect(found.map((f) => `${f.severity} ${f.at}`)).toEqual(['error src/server.ts:7']);
      expect(found[0]!.message).toContain('fails into a handler that only logs (src/server.ts:8)');
      for (const handled of [
        "  console.error('Migration failed', error);\n  process.exit(1);",
        "  console.error('Migration failed', error);\n  throw error;",
      ]) {
        p.write('src/server.ts', server(handled));
        expect(await ids(p.dir, only), handled).toEqual([]);
      }
    });

    it('a migration script that catches runMigrations() and exits 0, run before the app', async () => {
      p = project({
        'package.json': pkgJson(
          { build: 'tsc', start: 'node dist/migrate.js && node dist/server.js' },
          { dependencies: { typeorm: '^0.3.20', pg: '^8.0.0' } },
        ),
        'tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src' } }),
        'src/data-source.ts':
          "import { DataSource } from 'typeorm';\nexport const AppDataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, migrations: [`${__dirname}/migrations/*.{ts,js}`] });\n",
        'src/migrations/1700000000000-Init.ts':
          "import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class Init1700000000000 implements MigrationInterface {\n  async up(q: QueryRunner) { await q.query('CREATE TABLE t (id int)'); }\n  async down(q: QueryRunner) { await q.query('DROP TABLE t'); }\n}\n",
        'src/migrate.ts':
          "import { AppDataSource } from './data-source';\nAppDataSource.initialize()\n  .then((ds) => ds.runMigrations())\n  .catch((error) => console.error(error));\n",
        'src/server.ts': SERVER,
      });
      expect(await ids(p.dir, only)).toEqual(['migrate-failure-ignored src/migrate.ts:3']);
      p.write(
        'src/migrate.ts',
        "import { AppDataSource } from './data-source';\nAppDataSource.initialize()\n  .then((ds) => ds.runMigrations())\n  .catch((error) => {\n    console.error(error);\n    process.exit(1);\n  });\n",
      );
      expect(await ids(p.dir, only)).toEqual([]);
      p.write(
        'src/migrate.ts',
        "import { AppDataSource } from './data-source';\nasync function main() {\n  await AppDataSource.initialize();\n  try {\n    await AppDataSource.runMigrations();\n  } catch (error) {\n    console.error(error);\n  }\n}\nvoid main();\n",
      );
      expect(await ids(p.dir, only)).toEqual(['migrate-failure-ignored src/migrate.ts:5']);
    });
  });

  it('drizzle-migrations-table-mismatch: a runtime migrate() with its own history table, and none configured', async () => {
    const files = (scripts: Record<string, string>, options: string) => ({
      'package.json': pkgJson(
        { build: 'tsc', start: 'node dist/server.js', ...scripts },
        {
          type: 'module',
          dependencies: { 'drizzle-orm': '^0.45.0', pg: '^8.0.0' },
          devDependencies: { 'drizzle-kit': '^0.31.0' },
        },
      ),
      'tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src', module: 'NodeNext' } }),
      'drizzle.config.ts': "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n",
      'drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" serial);\n',
      'drizzle/meta/_journal.json':
        '{"version":"7","dialect":"postgresql","entries":[{"idx":0,"version":"7","when":1700000000000,"tag":"0000_init","breakpoints":true}]}\n',
      'src/server.ts': `import { drizzle } from 'drizzle-orm/node-postgres';\nimport { migrate } from 'drizzle-orm/node-postgres/migrator';\nimport { createServer } from 'node:http';\n\nawait migrate(drizzle(process.env.DATABASE_URL!), ${options});\ncreateServer((_q, s) => s.end('ok')).listen(3000);\n`,
    });
    p = project(
      files(
        { 'db:migrate': 'drizzle-kit migrate' },
        "{ migrationsFolder: './drizzle', migrationsTable: 'migrations', migrationsSchema: 'public' }",
      ),
    );
    const [found] = await check(p.dir, ['drizzle-migrations-table-mismatch']);
    expect(`${found?.severity} ${found?.at}`).toBe('error src/server.ts:5');
    expect(found!.message).toContain('table "migrations" where drizzle.config.ts says "__drizzle_migrations"');
    expect(found!.message).toContain('schema "public" where drizzle.config.ts says "drizzle"');
    p.cleanup();
    // Only the app migrates: a warning, lockstep would read another history than the app writes.
    p = project(files({}, "{ migrationsFolder: './drizzle', migrationsTable: 'migrations' }"));
    expect((await check(p.dir, ['drizzle-migrations-table-mismatch'])).map((f) => `${f.severity} ${f.at}`)).toEqual([
      'warning src/server.ts:5',
    ]);
    p.write('src/server.ts', files({}, "{ migrationsFolder: './drizzle' }")['src/server.ts']);
    expect(await ids(p.dir, ['drizzle-migrations-table-mismatch'])).toEqual([]);
  });

  it('a prisma.config.ts that imports a package not installed is read from its source: the project is still found', async () => {
    const { doctor } = await import('../../src/doctor/doctor.js');
    p = project({
      'package.json': pkgJson(
        { postinstall: 'prisma generate', build: 'tsc' },
        { dependencies: { '@prisma/client': '^7.0.0' }, devDependencies: { prisma: '^7.0.0' } },
      ),
      'prisma.config.ts':
        "import { loadEnvironment } from '@acme/not-installed';\nimport { defineConfig, env } from 'prisma/config';\nloadEnvironment();\nexport default defineConfig({ schema: './schema', migrations: { path: './db/migrations' }, datasource: { url: env('DATABASE_URL') } });\n",
      'schema/main.prisma': 'datasource db {\n  provider = "postgresql"\n}\n',
      'db/migrations/20250101000000_init/migration.sql': 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n',
    });
    const report = await doctor({ project: p.dir });
    expect(report.orms).toEqual([{ dir: '.', orm: 'prisma', configFile: 'prisma.config.ts' }]);
    expect(report.notes.join('\n')).toContain('read from its source');
    expect(report.findings).toEqual([]);
    // Without the migrations folder the static reading finds where it should be.
    p.cleanup();
    p = project({
      'package.json': pkgJson({ postinstall: 'prisma generate', build: 'tsc' }, { dependencies: { '@prisma/client': '^7.0.0' } }),
      'prisma.config.ts':
        "import '@acme/not-installed';\nexport default { schema: './schema', migrations: { path: './db/migrations' } };\n",
      'schema/main.prisma': 'datasource db {\n  provider = "postgresql"\n}\n',
    });
    expect((await check(p.dir)).map((f) => f.message)).toEqual([
      expect.stringContaining('no migrations folder (db/migrations does not exist)'),
    ]);
  });
});
