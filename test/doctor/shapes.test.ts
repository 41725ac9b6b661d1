import { afterEach, describe, expect, it } from 'vitest';
import { check, pkgJson, project, type TempProject } from './helpers.js';

const SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';
const MIGRATION = 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n';
const SERVER = "import { createServer } from 'node:http';\ncreateServer((_q, s) => s.end('ok')).listen(3000);\n";
const prisma = (dir: string, scripts: Record<string, string>, name = 'app') => ({
  [`${dir}package.json`]: pkgJson(scripts, {
    name,
    dependencies: { '@prisma/client': '^6.19.3' },
    devDependencies: { prisma: '^6.19.3' },
  }),
  [`${dir}prisma/schema.prisma`]: SCHEMA,
  [`${dir}prisma/migrations/20250101000000_init/migration.sql`]: MIGRATION,
  [`${dir}src/server.ts`]: SERVER,
});

describe('project shapes', () => {
  let p: TempProject | undefined;
  afterEach(() => p?.cleanup());
  const ids = async (dir: string) => (await check(dir)).map((f) => `${f.check} ${f.at}`).sort();

  it('a pnpm monorepo: root scripts reach workspace packages through --filter and turbo, each package with its own ORM', async () => {
    p = project({
      'package.json': pkgJson({ build: 'turbo run build', 'deploy:api': 'pnpm --filter @acme/api release' }, { name: 'acme' }),
      'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n",
      ...prisma(
        'apps/web/',
        { postinstall: 'prisma generate', build: 'prisma db push && next build', start: 'next start' },
        '@acme/web',
      ),
      'apps/api/package.json': pkgJson(
        { build: 'tsc', start: 'node dist/server.js', release: 'drizzle-kit push --force' },
        {
          name: '@acme/api',
          type: 'module',
          dependencies: { 'drizzle-orm': '^0.45.4' },
          devDependencies: { 'drizzle-kit': '^0.31.11' },
        },
      ),
      'apps/api/drizzle.config.ts': "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n",
      'apps/api/drizzle/0000_init.sql': 'CREATE TABLE "t" ("id" serial);\n',
      'apps/api/drizzle/meta/_journal.json': '{"version":"7","dialect":"postgresql","entries":[]}\n',
      'apps/api/src/server.ts':
        "import { drizzle } from 'drizzle-orm/node-postgres';\nimport { migrate } from 'drizzle-orm/node-postgres/migrator';\nimport { createServer } from 'node:http';\n\nconst db = drizzle(process.env.DATABASE_URL!);\nmigrate(db, { migrationsFolder: './drizzle' }).catch(console.error);\ncreateServer((_q, s) => s.end('ok')).listen(3000);\n",
      '.github/workflows/deploy.yml':
        'on: { push: { branches: [main] } }\njobs:\n  deploy-api:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - run: pnpm install\n      - run: pnpm deploy:api\n',
    });
    expect(await ids(p.dir)).toEqual([
      'drizzle-kit-push-in-production apps/api/package.json:8',
      'drizzle-unawaited-migrate apps/api/src/server.ts:6',
      'prisma-db-push-in-production apps/web/package.json:7',
    ]);
    const push = (await check(p.dir)).find((f) => f.check === 'drizzle-kit-push-in-production')!;
    // How production reaches it: the workflow, the root script, the package's script.
    expect(push.message).toContain(
      '.github/workflows/deploy.yml:8 job deploy-api → package.json:7 "deploy:api" → apps/api/package.json:8 "release"',
    );
  });

  it('GitHub Actions: `working-directory` picks the package whose scripts a step runs', async () => {
    p = project({
      'package.json': pkgJson({ release: 'echo nothing here' }, { name: 'acme', workspaces: ['apps/*'] }),
      ...prisma('apps/api/', { postinstall: 'prisma generate', build: 'tsc', 'db:sync': 'prisma db push' }, 'api'),
      '.github/workflows/deploy.yml':
        'on: push\njobs:\n  production:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: apps/api\n    steps:\n      - run: npm run db:sync\n',
    });
    expect(await ids(p.dir)).toEqual(['prisma-db-push-in-production apps/api/package.json:8']);
  });

  it('a yarn workspace monorepo deployed from GitLab CI: `yarn workspace` and stage order', async () => {
    p = project({
      'package.json': pkgJson({}, { name: 'acme', workspaces: ['packages/*'] }),
      ...prisma(
        'packages/shop/',
        { postinstall: 'prisma generate', build: 'tsc', start: 'node dist/server.js', 'db:deploy': 'prisma migrate deploy' },
        'shop',
      ),
      '.gitlab-ci.yml': [
        'stages: [build, rollout, migrate]',
        'rollout:',
        '  stage: rollout',
        '  environment: production',
        '  script:',
        '    - kubectl apply -f k8s/',
        'migrate:',
        '  stage: migrate',
        '  environment: production',
        '  script:',
        '    - yarn workspace shop db:deploy',
        '',
      ].join('\n'),
    });
    // The rollout stage runs before the migrate stage: the app goes out before its migrations.
    expect(await ids(p.dir)).toEqual(['start-before-migrate .gitlab-ci.yml:6']);
  });

  it('GitHub Actions: a rollout job that `needs` the migration job is fine; one that does not races it', async () => {
    const workflow = (needs: string) =>
      `on: push\njobs:\n  migrate:\n    environment: production\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx prisma migrate deploy\n  deploy:\n    environment: production\n    runs-on: ubuntu-latest\n${needs}    steps:\n      - run: fly deploy\n`;
    p = project({
      ...prisma('', { postinstall: 'prisma generate', build: 'tsc' }),
      '.github/workflows/release.yml': workflow(''),
    });
    expect(await ids(p.dir)).toEqual(['start-before-migrate .github/workflows/release.yml:12']);
    p.write('.github/workflows/release.yml', workflow('    needs: [migrate]\n'));
    expect(await ids(p.dir)).toEqual([]);
  });

  it('multi-stage Dockerfile: an entrypoint script runs CMD at exec "$@", and the command is reported in the script', async () => {
    p = project({
      ...prisma('', { postinstall: 'prisma generate', build: 'tsc', start: 'node dist/server.js' }),
      Dockerfile: [
        'FROM node:20 AS base',
        'WORKDIR /app',
        'COPY . .',
        'RUN npm ci && npm run build',
        'COPY docker-entrypoint.sh /usr/local/bin/',
        'ENTRYPOINT ["docker-entrypoint.sh"]',
        '',
        'FROM base AS production',
        'ENV NODE_ENV=production',
        'CMD ["npm", "start"]',
        '',
      ].join('\n'),
      'docker-entrypoint.sh':
        '#!/bin/sh\nset -e\n\nif [ "$RUN_MIGRATIONS" = "1" ]; then\n  npx prisma migrate dev --skip-seed\nfi\n\nexec "$@"\n',
    });
    expect(await ids(p.dir)).toEqual(['prisma-migrate-dev-in-production docker-entrypoint.sh:5']);
    const found = (await check(p.dir))[0]!;
    expect(found.message).toContain('Dockerfile:6 ENTRYPOINT → docker-entrypoint.sh');
  });

  it('npm runs poststart after start (a server never exits), pnpm does not run post scripts', async () => {
    const files = {
      ...prisma('', {
        postinstall: 'prisma generate',
        build: 'tsc',
        start: 'node dist/server.js',
        poststart: 'prisma migrate deploy',
      }),
    };
    p = project({ ...files, Procfile: 'web: npm start\n' });
    expect(await ids(p.dir)).toEqual(['start-before-migrate package.json:8']);
    p.cleanup();
    p = project({
      ...files,
      'package.json': pkgJson(
        { postinstall: 'prisma generate', build: 'tsc', start: 'node dist/server.js', release: 'prisma migrate deploy' },
        { dependencies: { '@prisma/client': '^6' } },
      ),
      Procfile: 'release: pnpm release\nweb: pnpm start\n',
    });
    expect(await ids(p.dir)).toEqual([]);
  });

  it('background and parallel starts race the migration: `&` and concurrently', async () => {
    p = project({
      ...prisma('', {
        postinstall: 'prisma generate',
        build: 'tsc',
        start: 'node dist/server.js & prisma migrate deploy',
        'start:all': 'concurrently "prisma migrate deploy" "node dist/server.js"',
      }),
    });
    expect(await ids(p.dir)).toEqual(['start-before-migrate package.json:8', 'start-before-migrate package.json:9']);
  });

  it('env-conditional TypeORM options: the branch that leads to the object is evaluated', async () => {
    const source = (body: string) =>
      `import { DataSource } from 'typeorm';\nconst env = process.env.NODE_ENV;\n${body}\nexport const AppDataSource = new DataSource(options);\n`;
    const files = (body: string) => ({
      'package.json': pkgJson({ build: 'tsc', start: 'node dist/index.js' }, { dependencies: { typeorm: '^1.1.1' } }),
      'src/data-source.ts': source(body),
      'src/index.ts': SERVER,
    });
    p = project(
      files(
        `const options = env === 'development' ? { type: 'postgres', synchronize: true, entities: [] } : { type: 'postgres', synchronize: false, entities: [] };`,
      ),
    );
    expect(await ids(p.dir)).toEqual([]);
    p.cleanup();
    p = project(
      files(
        `const options = env === 'production' ? { type: 'postgres', synchronize: false, entities: [] } : { type: 'postgres', synchronize: true, entities: [] };`,
      ),
    );
    // With NODE_ENV unset the second object is the one production gets.
    expect(await ids(p.dir)).toEqual(['typeorm-synchronize src/data-source.ts:3']);
    p.cleanup();
    p = project(
      files(
        `let options;\nswitch (env) {\n  case 'test':\n    options = { type: 'postgres', dropSchema: true, entities: [] };\n    break;\n  default:\n    options = { type: 'postgres', entities: [] };\n}`,
      ),
    );
    expect(await ids(p.dir)).toEqual([]);
  });

  it('ES modules with emitDecoratorMetadata: a relation typed with the class itself is a load-time cycle; Relation<> is not', async () => {
    const files = (type: string) => ({
      'package.json': pkgJson(
        { build: 'tsc', start: 'node dist/index.js' },
        { type: 'module', dependencies: { typeorm: '^1.1.1' } },
      ),
      'tsconfig.json':
        '{ "compilerOptions": { "module": "NodeNext", "experimentalDecorators": true, "emitDecoratorMetadata": true, "outDir": "dist", "rootDir": "src" } }',
      'src/data-source.ts':
        "import { DataSource } from 'typeorm';\nexport const AppDataSource = new DataSource({ type: 'postgres', entities: [] });\n",
      'src/index.ts': SERVER,
      'src/entity/Customer.ts': `import { Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';\nimport { Invoice } from './Invoice.js';\n\n@Entity()\nexport class Customer {\n  @PrimaryGeneratedColumn() id!: number;\n  @OneToMany(() => Invoice, (i) => i.customer) invoices!: Invoice[];\n}\n`,
      'src/entity/Invoice.ts': `import { Entity, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';\nimport { Customer } from './Customer.js';\n\n@Entity()\nexport class Invoice {\n  @PrimaryGeneratedColumn() id!: number;\n  @ManyToOne(() => Customer, (c) => c.invoices) customer!: ${type};\n}\n`,
    });
    p = project(files('Customer'));
    const found = await check(p.dir);
    expect(found.map((f) => `${f.check} ${f.at}`)).toEqual(['typeorm-entity-import-cycle src/entity/Invoice.ts:7']);
    expect(found[0]!.message).toContain('src/entity/Invoice.ts → src/entity/Customer.ts → src/entity/Invoice.ts');
    expect(found[0]!.message).toContain('design:type');
    p.cleanup();
    p = project(files('Relation<Customer>'));
    expect(await ids(p.dir)).toEqual([]);
  });

  it('tsconfig paths and baseUrl: imports through aliases are followed (an entity cycle through them is found)', async () => {
    p = project({
      'package.json': pkgJson(
        { build: 'tsc', start: 'node dist/main.js' },
        { type: 'module', dependencies: { typeorm: '^1.1.1' } },
      ),
      'tsconfig.base.json':
        '{ "compilerOptions": { "baseUrl": ".", "paths": { "@entities/*": ["src/entity/*"], "@db": ["src/db/data-source.ts"] } } }',
      'tsconfig.json':
        '{ "extends": "./tsconfig.base.json", "compilerOptions": { "module": "NodeNext", "experimentalDecorators": true, "emitDecoratorMetadata": true, "outDir": "dist", "rootDir": "src" } }',
      'src/db/data-source.ts':
        "import { DataSource } from 'typeorm';\nimport { Customer } from '@entities/Customer';\nexport const AppDataSource = new DataSource({ type: 'postgres', entities: [Customer] });\n",
      'src/main.ts':
        "import { createServer } from 'node:http';\nimport { AppDataSource } from '@db';\n\nAppDataSource.initialize();\ncreateServer((_req, res) => res.end('ok')).listen(3000);\n",
      'src/entity/Customer.ts':
        "import { Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';\nimport { Invoice } from 'src/entity/Invoice';\n\n@Entity()\nexport class Customer {\n  @PrimaryGeneratedColumn() id!: number;\n  @OneToMany(() => Invoice, (i) => i.customer) invoices!: Invoice[];\n}\n",
      'src/entity/Invoice.ts':
        "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';\nimport { Customer } from '@entities/Customer';\n\n@Entity()\nexport class Invoice {\n  @PrimaryGeneratedColumn() id!: number;\n  @ManyToOne(() => Customer, (c) => c.invoices) customer!: Customer;\n}\n",
    });
    const found = await check(p.dir, ['typeorm-entity-import-cycle']);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(
      /src\/entity\/(Customer|Invoice)\.ts → src\/entity\/(Customer|Invoice)\.ts → src\/entity\/(Customer|Invoice)\.ts/,
    );
  });

  it('a Helm chart: templates are rendered with values.yaml before they are read', async () => {
    const deployment = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ include "api.fullname" . }}',
      '  labels:',
      '    {{- include "api.labels" . | nindent 4 }}',
      'spec:',
      '  {{- if not .Values.autoscaling.enabled }}',
      '  replicas: {{ .Values.replicaCount }}',
      '  {{- end }}',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: {{ .Chart.Name }}',
      '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"',
      '          command: ["sh", "-c"]',
      '          args:',
      '            - npx drizzle-kit migrate && node dist/server.js',
      '          {{- with .Values.resources }}',
      '          resources:',
      '            {{- toYaml . | nindent 12 }}',
      '          {{- end }}',
      '',
    ].join('\n');
    const files = (replicas: number) => ({
      'package.json': pkgJson(
        { build: 'tsc', start: 'node dist/server.js' },
        { dependencies: { 'drizzle-orm': '^0.45.4', pg: '^8.23.1' }, devDependencies: { 'drizzle-kit': '^0.31.11' } },
      ),
      'drizzle.config.ts':
        "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', out: './drizzle', dbCredentials: { url: process.env.DATABASE_URL! } });\n",
      'drizzle/0000_init.sql': MIGRATION,
      'src/server.ts': SERVER,
      'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\nappVersion: "1.0.0"\n',
      'chart/values.yaml': `replicaCount: ${replicas}\nimage:\n  repository: registry.example.com/api\n  tag: ""\nautoscaling:\n  enabled: false\nresources: {}\n`,
      'chart/templates/deployment.yaml': deployment,
    });
    p = project(files(3));
    const found = await check(p.dir, ['migrate-without-lock']);
    expect(found.map((f) => `${f.check} ${f.at}`)).toEqual(['migrate-without-lock chart/templates/deployment.yaml:18']);
    expect(found[0]!.message).toContain('3');
    p.cleanup();
    p = project(files(1));
    expect(await check(p.dir, ['migrate-without-lock'])).toEqual([]);
  });

  it('migrationsFolder is judged where the file runs: compiled under outDir, or as the source with tsx; a build step may copy the folder', async () => {
    const files = (scripts: Record<string, string>) => ({
      'package.json': pkgJson(scripts, {
        type: 'module',
        dependencies: { 'drizzle-orm': '^0.45.4', pg: '^8.23.1' },
        devDependencies: { 'drizzle-kit': '^0.31.11', tsx: '^4.0.0' },
      }),
      'tsconfig.json': '{ "compilerOptions": { "module": "NodeNext", "outDir": "dist", "rootDir": "src" } }',
      'drizzle.config.ts':
        "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', out: './src/migrations' });\n",
      'src/migrations/0000_init.sql': MIGRATION,
      'src/migrations/meta/_journal.json': '{"version":"7","dialect":"postgresql","entries":[]}\n',
      'src/server.ts': [
        "import { createServer } from 'node:http';",
        "import { dirname, join } from 'node:path';",
        "import { drizzle } from 'drizzle-orm/node-postgres';",
        "import { migrate } from 'drizzle-orm/node-postgres/migrator';",
        'const db = drizzle(process.env.DATABASE_URL!);',
        "await migrate(db, { migrationsFolder: join(import.meta.dirname, 'migrations') });",
        "createServer((_q, s) => s.end('ok')).listen(3000);",
        '',
      ].join('\n'),
    });
    p = project(files({ build: 'tsc', start: 'node dist/server.js' }));
    expect((await check(p.dir, ['drizzle-migrations-folder-missing'])).map((f) => f.at)).toEqual(['src/server.ts:6']);
    p.cleanup();
    p = project(files({ start: 'tsx src/server.ts' }));
    expect(await check(p.dir, ['drizzle-migrations-folder-missing'])).toEqual([]);
    p.cleanup();
    p = project(files({ build: 'tsc && cp -r src/migrations dist/', start: 'node dist/server.js' }));
    expect(await check(p.dir, ['drizzle-migrations-folder-missing'])).toEqual([]);
  });

  it('serverless functions: bundled or not, the patterns in order, only functions that migrate, webpack copies', async () => {
    const drizzleFiles = (serverlessYml: string, migrateTs: string, extra: Record<string, string> = {}) => ({
      'package.json': pkgJson(
        { deploy: 'serverless deploy' },
        { dependencies: { 'drizzle-orm': '^0.45.4', pg: '^8.23.1' }, devDependencies: { 'drizzle-kit': '^0.31.11' } },
      ),
      'drizzle.config.ts': "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n",
      'drizzle/0000_init.sql': MIGRATION,
      'drizzle/meta/_journal.json': '{"version":"7","dialect":"postgresql","entries":[]}\n',
      'src/migrate.ts': migrateTs,
      'src/api.ts': 'export const handler = async () => ({ statusCode: 200 });\n',
      'serverless.yml': serverlessYml,
      ...extra,
    });
    const DRIZZLE_MIGRATE =
      "import { drizzle } from 'drizzle-orm/node-postgres';\nimport { migrate } from 'drizzle-orm/node-postgres/migrator';\nexport const handler = async () => { await migrate(drizzle(process.env.DATABASE_URL!), { migrationsFolder: './drizzle' }); };\n";
    const LOCKSTEP_DEPLOY =
      "import { deploy } from 'lockstep';\nexport const handler = async () => { await deploy({ project: '.' }); };\n";
    const fns = 'functions:\n  migrate:\n    handler: src/migrate.handler\n  api:\n    handler: src/api.handler\n';
    const at = async () => (await check(p!.dir, ['serverless-migrations-not-packaged'])).map((f) => f.at);
    const run = async (files: Record<string, string>) => {
      p?.cleanup();
      p = project(files);
      return at();
    };

    // Framework v4 bundles TypeScript handlers: only the migrating function is reported.
    expect(await run(drizzleFiles(`service: s\nframeworkVersion: '4'\n${fns}`, DRIZZLE_MIGRATE))).toEqual(['serverless.yml:5']);
    // Not bundled: the whole service directory is packaged, unless a pattern excludes the folder; the pattern is reported.
    expect(await run(drizzleFiles(`service: s\nframeworkVersion: '3'\n${fns}`, DRIZZLE_MIGRATE))).toEqual([]);
    expect(
      await run(
        drizzleFiles(
          `service: s\nframeworkVersion: '3'\npackage:\n  patterns:\n    - '!drizzle/**'\n    - '!.git/**'\n${fns}`,
          DRIZZLE_MIGRATE,
        ),
      ),
    ).toEqual(['serverless.yml:5']);
    // Patterns apply in order, the function's after the service's.
    expect(
      await run(
        drizzleFiles(
          `service: s\nplugins:\n  - serverless-esbuild\npackage:\n  patterns:\n    - 'drizzle/**'\nfunctions:\n  migrate:\n    handler: src/migrate.handler\n    package:\n      patterns:\n        - '!drizzle/meta/**'\n`,
          DRIZZLE_MIGRATE,
        ),
      ),
    ).toEqual(['serverless.yml:12']);
    expect(
      await run(
        drizzleFiles(
          `service: s\nplugins:\n  - serverless-esbuild\npackage:\n  patterns:\n    - 'drizzle/**'\n${fns}`,
          DRIZZLE_MIGRATE,
        ),
      ),
    ).toEqual([]);
    // lockstep's deploy() migrates too; serverless-webpack with a config that copies the folder ships it.
    expect(await run(drizzleFiles(`service: s\nplugins:\n  - serverless-esbuild\n${fns}`, LOCKSTEP_DEPLOY))).toEqual([
      'serverless.yml:6',
    ]);
    expect(
      await run(
        drizzleFiles(`service: s\nplugins:\n  - serverless-webpack\n${fns}`, DRIZZLE_MIGRATE, {
          'webpack.config.js':
            "const CopyPlugin = require('copy-webpack-plugin');\nmodule.exports = { plugins: [new CopyPlugin({ patterns: [{ from: 'drizzle', to: 'drizzle' }] })] };\n",
        }),
      ),
    ).toEqual([]);
  });

  it('SST functions: esbuild bundles them, only copyFiles ships the migrations folder', async () => {
    const files = (sstConfig: string, extra: Record<string, string> = {}) => ({
      'package.json': pkgJson(
        { deploy: 'sst deploy --stage production' },
        {
          dependencies: { 'drizzle-orm': '^0.45.4', pg: '^8.23.1', sst: '^3.0.0' },
          devDependencies: { 'drizzle-kit': '^0.31.11' },
        },
      ),
      'drizzle.config.ts': "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n",
      'drizzle/0000_init.sql': MIGRATION,
      'drizzle/meta/_journal.json': '{"version":"7","dialect":"postgresql","entries":[]}\n',
      'src/migrator.ts':
        "import { drizzle } from 'drizzle-orm/node-postgres';\nimport { migrate } from 'drizzle-orm/node-postgres/migrator';\nexport const handler = async () => { await migrate(drizzle(process.env.DATABASE_URL!), { migrationsFolder: './drizzle' }); };\n",
      'src/api.ts': 'export const handler = async () => ({ statusCode: 200 });\n',
      'sst.config.ts': sstConfig,
      ...extra,
    });
    const v3 = (migratorProps: string) =>
      `export default $config({\n  app() { return { name: 'shop', home: 'aws' }; },\n  async run() {\n    new sst.aws.Function('Api', { handler: 'src/api.handler', url: true });\n    new sst.aws.Function('Migrator', { handler: 'src/migrator.handler'${migratorProps} });\n  },\n});\n`;
    const run = async (f: Record<string, string>) => {
      p?.cleanup();
      p = project(f);
      return (await check(p.dir, ['serverless-migrations-not-packaged'])).map((x) => x.at);
    };

    // Only the function that migrates is reported, at its handler.
    expect(await run(files(v3('')))).toEqual(['sst.config.ts:5']);
    const [finding] = await check(p!.dir, ['serverless-migrations-not-packaged']);
    expect(finding!.message).toContain(
      'The SST function Migrator (handler src/migrator.handler) applies migrations when it runs',
    );
    expect(finding!.finding.fix).toBe("Copy the folder into the function's package: `copyFiles: [{ from: 'drizzle' }]`.");
    expect(await run(files(v3(", copyFiles: [{ from: 'drizzle', to: 'drizzle' }]")))).toEqual([]);
    expect(await run(files(v3(", copyFiles: [{ from: 'drizzle/meta' }]")))).toEqual(['sst.config.ts:5']);
    // A copyFiles that is computed is not second-guessed.
    expect(await run(files(v3(', copyFiles: folders.map((from) => ({ from }))')))).toEqual([]);
    // A Cron's function, and an SST v2 stack.
    expect(
      await run(
        files(
          `export default $config({\n  async run() {\n    new sst.aws.Cron('Migrate', {\n      schedule: 'rate(1 day)',\n      function: { handler: 'src/migrator.handler' },\n    });\n  },\n});\n`,
        ),
      ),
    ).toEqual(['sst.config.ts:5']);
    const v2Stack = (props: string) =>
      `import { Function, type StackContext } from 'sst/constructs';\nexport function Database({ stack }: StackContext) {\n  new Function(stack, 'Migrator', { handler: 'src/migrator.handler'${props} });\n}\n`;
    const v2Config = 'export default { config() { return { name: "shop" }; }, stacks(app) {} };\n';
    expect(await run(files(v2Config, { 'stacks/Database.ts': v2Stack('') }))).toEqual(['stacks/Database.ts:3']);
    expect(await run(files(v2Config, { 'stacks/Database.ts': v2Stack(", copyFiles: [{ from: 'drizzle' }]") }))).toEqual([]);
  });

  it('Vercel and Netlify functions: only includeFiles, outputFileTracingIncludes or included_files ship the migrations folder', async () => {
    const MIGRATE =
      "import { drizzle } from 'drizzle-orm/node-postgres';\nimport { migrate } from 'drizzle-orm/node-postgres/migrator';\n\nexport default async function handler() {\n  await migrate(drizzle(process.env.DATABASE_URL!), { migrationsFolder: './drizzle' });\n  return new Response('ok');\n}\n";
    const files = (extra: Record<string, string>, deps: Record<string, string> = {}) => ({
      'package.json': pkgJson(
        { build: 'tsc' },
        { dependencies: { 'drizzle-orm': '^0.45.4', pg: '^8.23.1', ...deps }, devDependencies: { 'drizzle-kit': '^0.31.11' } },
      ),
      'drizzle.config.ts': "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n",
      'drizzle/0000_init.sql': MIGRATION,
      'drizzle/meta/_journal.json': '{"version":"7","dialect":"postgresql","entries":[]}\n',
      ...extra,
    });
    const run = async (f: Record<string, string>) => {
      p?.cleanup();
      p = project(f);
      return (await check(p.dir, ['serverless-migrations-not-packaged'])).map((x) => x.at);
    };

    // Vercel: an api/ function that migrates, reported at the migrate() call; includeFiles for it ships the folder.
    expect(
      await run(
        files({
          'vercel.json': '{}\n',
          'api/migrate.ts': MIGRATE,
          'api/health.ts': 'export default () => new Response("ok");\n',
        }),
      ),
    ).toEqual(['api/migrate.ts:5']);
    const [finding] = await check(p!.dir, ['serverless-migrations-not-packaged']);
    expect(finding!.message).toContain('The Vercel function api/migrate.ts applies migrations when it runs');
    expect(finding!.finding.fix).toContain('"functions": { "api/migrate.ts": { "includeFiles": "drizzle/**" } }');
    expect(
      await run(
        files({
          'vercel.json': '{ "functions": { "api/*.ts": { "includeFiles": "drizzle/**" } } }\n',
          'api/migrate.ts': MIGRATE,
        }),
      ),
    ).toEqual([]);
    expect(
      await run(
        files({
          'vercel.json': '{ "functions": { "api/other.ts": { "includeFiles": "drizzle/**" } } }\n',
          'api/migrate.ts': MIGRATE,
        }),
      ),
    ).toEqual(['api/migrate.ts:5']);
    // Not a Vercel project: nothing to say.
    expect(await run(files({ 'api/migrate.ts': MIGRATE }))).toEqual([]);
    // Next.js on Vercel: a route handler; outputFileTracingIncludes in next.config ships the folder.
    const next = { next: '^15.0.0', vercel: '^39.0.0' };
    expect(
      await run(
        files(
          { 'app/api/migrate/route.ts': MIGRATE.replace('export default async function handler', 'export async function POST') },
          next,
        ),
      ),
    ).toEqual(['app/api/migrate/route.ts:5']);
    expect(
      await run(
        files(
          {
            'app/api/migrate/route.ts': MIGRATE.replace('export default async function handler', 'export async function POST'),
            'next.config.ts': "export default { outputFileTracingIncludes: { '/api/migrate': ['./drizzle/**/*'] } };\n",
          },
          next,
        ),
      ),
    ).toEqual([]);

    // Netlify: netlify/functions/<name>.ts; included_files for every function or for that one ships the folder.
    expect(
      await run(files({ 'netlify.toml': '[build]\n  command = "npm run build"\n', 'netlify/functions/migrate.ts': MIGRATE })),
    ).toEqual(['netlify/functions/migrate.ts:5']);
    expect(
      await run(
        files({ 'netlify.toml': '[functions]\n  included_files = ["drizzle/**"]\n', 'netlify/functions/migrate.ts': MIGRATE }),
      ),
    ).toEqual([]);
    expect(
      await run(
        files({
          'netlify.toml': '[functions.migrate]\n  included_files = ["drizzle/**"]\n',
          'netlify/functions/migrate.ts': MIGRATE,
        }),
      ),
    ).toEqual([]);
    expect(
      await run(
        files({
          'netlify.toml': '[functions]\n  included_files = ["drizzle/**", "!drizzle/meta/**"]\n',
          'netlify/functions/migrate.ts': MIGRATE,
        }),
      ),
    ).toEqual(['netlify/functions/migrate.ts:5']);
    // A custom functions directory, and a function in a folder of its own name.
    expect(
      await run(files({ 'netlify.toml': '[functions]\n  directory = "functions"\n', 'functions/migrate/migrate.ts': MIGRATE })),
    ).toEqual(['functions/migrate/migrate.ts:5']);
  });

  it('development containers are not production: a dev compose file, a service that runs a dev server', async () => {
    const compose = 'services:\n  app:\n    build: .\n    command: sh -c "npx prisma migrate dev && npm run dev"\n';
    p = project({
      ...prisma('', { postinstall: 'prisma generate', build: 'tsc', dev: 'tsx watch src/server.ts' }),
      'docker-compose.yml': compose,
      'docker-compose.dev.yml': compose.replace('npm run dev', 'node dist/server.js'),
    });
    expect(await ids(p.dir)).toEqual([]);
    p.write('docker-compose.yml', compose.replace('npm run dev', 'node dist/server.js'));
    expect(await ids(p.dir)).toEqual(['prisma-migrate-dev-in-production docker-compose.yml:4']);
  });

  it('--fix edits: `void migrate()` becomes `await migrate()` in an async function; `.catch()` keeps its handler', async () => {
    p = project({
      'package.json': pkgJson({ start: 'node dist/server.js' }, { type: 'module', dependencies: { 'drizzle-orm': '^0.45.4' } }),
      'src/server.ts':
        "import { migrate } from 'drizzle-orm/node-postgres/migrator';\nimport { app, db } from './app.js';\n\nasync function boot() {\n  void migrate(db, { migrationsFolder: './drizzle' });\n  migrate(db, { migrationsFolder: './other' }).catch(console.error);\n  app.listen(3000);\n}\n\nboot();\n",
    });
    const found = (await check(p.dir)).filter((f) => f.check === 'drizzle-unawaited-migrate');
    expect(found.map((f) => f.at)).toEqual(['src/server.ts:5', 'src/server.ts:6']);
    expect(found.map((f) => f.finding.edits?.map((e) => [e.start, e.end, e.text]))).toEqual([
      [[125, 130, 'await ']],
      [[180, 180, 'await ']],
    ]);
  });

  it('a project with no ORM and no production files: clean, and says so', async () => {
    p = project({ 'package.json': pkgJson({ test: 'vitest' }) });
    expect(await ids(p.dir)).toEqual([]);
  });

  it('configuration: a check can be turned off or given another severity; an unknown check is a usage error', async () => {
    p = project({
      ...prisma('', { build: 'tsc', start: 'node dist/server.js' }),
      'lockstep.config.json': '{ "doctor": { "checks": { "prisma-client-not-generated": "error" } } }',
    });
    expect((await check(p.dir)).map((f) => `${f.check} ${f.severity}`)).toEqual(['prisma-client-not-generated error']);
    p.write('lockstep.config.json', '{ "doctor": { "checks": { "prisma-client-not-generated": "off" } } }');
    expect(await ids(p.dir)).toEqual([]);
    p.write('lockstep.config.json', '{ "doctor": { "checks": { "no-such-check": "off" } } }');
    await expect(check(p.dir)).rejects.toMatchObject({ code: 'LS_CONFIG_INVALID', exitCode: 2 });
  });
});
