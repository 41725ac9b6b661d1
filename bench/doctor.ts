/**
 * lockstep doctor on a large monorepo: a pnpm workspace of Drizzle, Prisma and TypeORM services
 * and shared libraries, 2,000 TypeScript source files in all, with Dockerfiles, a compose file, a
 * GitHub Actions workflow and ignore files. Times the built CLI as a whole process (start-up,
 * detection, parsing every file it needs, every check), median of REPS runs after a warm-up.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOCKSTEP_CLI, REPS, WORK, rounds, run, spread, summarize, table, verdict, writeFile, type Scenario } from './support.js';

const DIR = join(WORK, 'doctor');
const SOURCE_FILES = 2000;
const TARGET_MS = 2000;

interface Service {
  dir: string;
  name: string;
  orm: 'drizzle' | 'prisma' | 'typeorm' | undefined;
}

const SERVICES: Service[] = [
  { dir: 'apps/tasks-api', name: '@acme/tasks-api', orm: 'drizzle' },
  { dir: 'apps/notifications', name: '@acme/notifications', orm: 'drizzle' },
  { dir: 'apps/shop', name: '@acme/shop', orm: 'prisma' },
  { dir: 'apps/admin', name: '@acme/admin', orm: 'prisma' },
  { dir: 'services/billing', name: '@acme/billing', orm: 'typeorm' },
  { dir: 'services/ledger', name: '@acme/ledger', orm: 'typeorm' },
  { dir: 'packages/core', name: '@acme/core', orm: undefined },
  { dir: 'packages/ui', name: '@acme/ui', orm: undefined },
];

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** One module of a feature folder: imports its neighbours, exports a few functions and a class. */
function moduleSource(service: Service, feature: number, index: number, perFeature: number): string {
  const imports: string[] = [];
  if (index > 0) imports.push(`import { handle${feature}_${index - 1} } from './module-${index - 1}.js';`);
  if (index > 1) imports.push(`import type { Model${feature}_${index - 2} } from './module-${index - 2}.js';`);
  if (feature > 0 && index === 0)
    imports.push(
      `import { handle${feature - 1}_${perFeature - 1} } from '../feature-${feature - 1}/module-${perFeature - 1}.js';`,
    );
  const call =
    index > 0
      ? `handle${feature}_${index - 1}(input.slice(1))`
      : feature > 0
        ? `handle${feature - 1}_${perFeature - 1}(input)`
        : 'input.length';
  return `${imports.join('\n')}

/** ${service.name}: feature ${feature}, step ${index}. */
export interface Model${feature}_${index} {
  id: number;
  name: string;
  tags: string[];
  createdAt: Date;
}

export class Service${feature}_${index} {
  private readonly cache = new Map<number, Model${feature}_${index}>();

  find(id: number): Model${feature}_${index} | undefined {
    return this.cache.get(id);
  }

  save(model: Model${feature}_${index}): void {
    this.cache.set(model.id, { ...model, tags: [...model.tags].sort() });
  }
}

export function handle${feature}_${index}(input: string): number {
  const words = input.split(/\\s+/).filter(Boolean);
  const score = words.reduce((sum, word) => sum + word.length, 0);
  return score + Number(${call});
}

export const LABEL_${feature}_${index} = \`${service.name}:${feature}:${index}\`;
`;
}

function writeService(service: Service, files: number): number {
  const base = join(DIR, service.dir);
  const deps: Record<string, string> = { '@acme/core': 'workspace:*' };
  const devDeps: Record<string, string> = { typescript: '^5.9.3' };
  const scripts: Record<string, string> = { build: 'tsc -p tsconfig.json', start: 'node dist/server.js', lint: 'eslint src' };
  let written = 0;
  const src = (path: string, text: string) => {
    writeFile(join(base, 'src', path), text);
    written++;
  };
  if (service.orm === 'drizzle') {
    Object.assign(deps, { 'drizzle-orm': '^0.45.4', pg: '^8.23.1' });
    Object.assign(devDeps, { 'drizzle-kit': '^0.31.11' });
    Object.assign(scripts, { 'db:generate': 'drizzle-kit generate', start: 'lockstep deploy -- node dist/server.js' });
    writeFile(
      join(base, 'drizzle.config.ts'),
      "export default {\n  dialect: 'postgresql',\n  schema: './src/db/schema.ts',\n  out: './drizzle',\n  dbCredentials: { url: process.env.DATABASE_URL! },\n};\n",
    );
    writeFile(
      join(base, 'drizzle', '0000_init.sql'),
      'CREATE TABLE "items" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"name" text NOT NULL\n);\n',
    );
    writeFile(
      join(base, 'drizzle', 'meta', '_journal.json'),
      json({
        version: '7',
        dialect: 'postgresql',
        entries: [{ idx: 0, version: '7', when: 1736848512000, tag: '0000_init', breakpoints: true }],
      }),
    );
    src(
      'db/schema.ts',
      "import { pgTable, serial, text } from 'drizzle-orm/pg-core';\n\nexport const items = pgTable('items', { id: serial('id').primaryKey(), name: text('name').notNull() });\n",
    );
    src(
      'db/index.ts',
      "import { drizzle } from 'drizzle-orm/node-postgres';\nimport * as schema from './schema.js';\n\nexport const db = drizzle(process.env.DATABASE_URL!, { schema });\n",
    );
    // Two planted mistakes, so that the run exercises reporting too: one service migrates from its own code, unawaited.
    const selfMigrating = service.name === '@acme/notifications';
    if (selfMigrating) scripts.start = 'node dist/server.js';
    src(
      'server.ts',
      `import { createServer } from 'node:http';\n${selfMigrating ? "import { migrate } from 'drizzle-orm/node-postgres/migrator';\n" : ''}import { db } from './db/index.js';\nimport { items } from './db/schema.js';\n\n${selfMigrating ? "migrate(db, { migrationsFolder: './drizzle' });\n\n" : ''}createServer(async (_req, res) => {\n  res.end(JSON.stringify(await db.select().from(items)));\n}).listen(Number(process.env.PORT ?? 3000));\n`,
    );
  } else if (service.orm === 'prisma') {
    Object.assign(deps, { '@prisma/client': '^6.19.3' });
    Object.assign(devDeps, { prisma: '^6.19.3' });
    Object.assign(scripts, {
      postinstall: 'prisma generate',
      start: 'lockstep deploy -- node dist/server.js',
      'db:push': 'prisma db push',
    });
    writeFile(
      join(base, 'prisma', 'schema.prisma'),
      'generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel Item {\n  id   Int    @id @default(autoincrement())\n  name String\n}\n',
    );
    writeFile(
      join(base, 'prisma', 'migrations', '20250101000000_init', 'migration.sql'),
      'CREATE TABLE "Item" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "Item_pkey" PRIMARY KEY ("id"));\n',
    );
    writeFile(join(base, 'prisma', 'migrations', 'migration_lock.toml'), 'provider = "postgresql"\n');
    src('db.ts', "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n");
    src(
      'server.ts',
      "import { createServer } from 'node:http';\nimport { prisma } from './db.js';\n\ncreateServer(async (_req, res) => {\n  res.end(JSON.stringify(await prisma.item.findMany()));\n}).listen(Number(process.env.PORT ?? 3000));\n",
    );
  } else if (service.orm === 'typeorm') {
    Object.assign(deps, { typeorm: '^1.1.1', pg: '^8.23.1', 'reflect-metadata': '^0.2.2' });
    Object.assign(scripts, {
      start: 'lockstep deploy -- node dist/server.js',
      typeorm: 'typeorm-ts-node-commonjs -d src/data-source.ts',
    });
    const synchronize = service.name === '@acme/ledger' ? "process.env.NODE_ENV !== 'production'" : 'false';
    src(
      'data-source.ts',
      `import 'reflect-metadata';\nimport { DataSource } from 'typeorm';\nimport { Account } from './entity/Account';\nimport { Entry } from './entity/Entry';\n\nexport const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  entities: [Account, Entry],\n  migrations: [\`\${__dirname}/migration/*.{ts,js}\`],\n  synchronize: ${synchronize},\n});\n`,
    );
    src(
      'entity/Account.ts',
      "import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';\nimport { Entry } from './Entry';\n\n@Entity()\nexport class Account {\n  @PrimaryGeneratedColumn() id: number;\n  @Column({ type: 'text' }) name: string;\n  @OneToMany(() => Entry, (e) => e.account) entries: Entry[];\n}\n",
    );
    src(
      'entity/Entry.ts',
      "import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';\nimport { Account } from './Account';\n\n@Entity()\nexport class Entry {\n  @PrimaryGeneratedColumn() id: number;\n  @Column({ type: 'integer' }) amount: number;\n  @ManyToOne(() => Account, (a) => a.entries) account: Account;\n}\n",
    );
    src(
      'migration/1736848512000-Init.ts',
      "import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class Init1736848512000 implements MigrationInterface {\n  async up(q: QueryRunner): Promise<void> {\n    await q.query('CREATE TABLE account (id serial primary key, name text not null)');\n  }\n  async down(q: QueryRunner): Promise<void> {\n    await q.query('DROP TABLE account');\n  }\n}\n",
    );
    src(
      'server.ts',
      "import { createServer } from 'node:http';\nimport { AppDataSource } from './data-source';\n\nasync function main(): Promise<void> {\n  await AppDataSource.initialize();\n  createServer((_req, res) => res.end('ok')).listen(Number(process.env.PORT ?? 3000));\n}\n\nvoid main();\n",
    );
  } else {
    Object.assign(scripts, { start: undefined });
    delete scripts.start;
  }
  const perFeature = 20;
  for (let i = 0; written < files; i++) {
    const feature = Math.floor(i / perFeature);
    src(`features/feature-${feature}/module-${i % perFeature}.ts`, moduleSource(service, feature, i % perFeature, perFeature));
  }
  writeFile(
    join(base, 'package.json'),
    json({
      name: service.name,
      version: '1.0.0',
      private: true,
      type: service.orm === 'typeorm' ? undefined : 'module',
      scripts,
      dependencies: deps,
      devDependencies: devDeps,
    }),
  );
  writeFile(
    join(base, 'tsconfig.json'),
    json({ extends: '../../tsconfig.base.json', compilerOptions: { outDir: 'dist', rootDir: 'src' }, include: ['src'] }),
  );
  if (service.orm) {
    writeFile(
      join(base, 'Dockerfile'),
      `FROM node:20 AS build\nWORKDIR /repo\nCOPY . .\nRUN corepack enable && pnpm install --frozen-lockfile && pnpm --filter ${service.name} build\n\nFROM node:20-slim\nWORKDIR /repo/${service.dir}\nENV NODE_ENV=production\nCOPY --from=build /repo/node_modules /repo/node_modules\nCOPY --from=build /repo/${service.dir} /repo/${service.dir}\nCMD ["npm", "start"]\n`,
    );
  }
  return written;
}

/** Writes the monorepo under bench/.work/doctor; returns how many source files it holds. */
export function generateMonorepo(): { dir: string; sourceFiles: number } {
  rmSync(DIR, { recursive: true, force: true });
  writeFile(
    join(DIR, 'package.json'),
    json({
      name: 'acme',
      private: true,
      scripts: { build: 'turbo run build', deploy: 'pnpm -r --filter "./apps/*" run start' },
      devDependencies: { turbo: '^2.5.0', typescript: '^5.9.3' },
      packageManager: 'pnpm@10.12.1',
    }),
  );
  writeFile(join(DIR, 'pnpm-workspace.yaml'), "packages:\n  - 'apps/*'\n  - 'services/*'\n  - 'packages/*'\n");
  writeFile(
    join(DIR, 'tsconfig.base.json'),
    json({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        skipLibCheck: true,
      },
    }),
  );
  writeFile(join(DIR, '.gitignore'), 'node_modules/\ndist/\n.env\n.turbo/\ncoverage/\n');
  writeFile(join(DIR, '.dockerignore'), 'node_modules\n**/dist\n.git\n**/.env\n');
  const composeServices = SERVICES.filter((s) => s.orm)
    .map(
      (s) =>
        `  ${s.dir.split('/')[1]}:\n    build:\n      context: .\n      dockerfile: ${s.dir}/Dockerfile\n    environment:\n      NODE_ENV: production\n    deploy:\n      replicas: 2\n`,
    )
    .join('');
  writeFile(join(DIR, 'docker-compose.yml'), `services:\n${composeServices}`);
  const jobs = SERVICES.filter((s) => s.orm)
    .map(
      (s) =>
        `  deploy-${s.dir.split('/')[1]}:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - uses: actions/checkout@v4\n      - run: pnpm install --frozen-lockfile\n      - run: pnpm --filter ${s.name} build\n      - run: fly deploy --config ${s.dir}/fly.toml\n`,
    )
    .join('');
  writeFile(join(DIR, '.github', 'workflows', 'deploy.yml'), `name: deploy\non:\n  push:\n    branches: [main]\njobs:\n${jobs}`);
  const per = Math.floor(SOURCE_FILES / SERVICES.length);
  let total = 0;
  SERVICES.forEach((service, i) => {
    total += writeService(service, i === SERVICES.length - 1 ? SOURCE_FILES - total : per);
  });
  return { dir: DIR, sourceFiles: total };
}

export async function doctorBenchmark(): Promise<{ markdown: string; met: boolean }> {
  const { dir, sourceFiles } = generateMonorepo();
  const samples = await rounds(
    { lockstep: () => run(process.execPath, [LOCKSTEP_CLI, 'doctor', '--project', dir, '--json'], { allowFailure: true }) },
    async (measure) => measure(),
  );
  const results = samples.lockstep;
  const failed = results.find((r) => r.code !== 0 && r.code !== 1);
  if (failed) throw new Error(`lockstep doctor exited with ${failed.code}:\n${failed.stderr}`);
  const report = JSON.parse(results[0]!.stdout) as {
    findings: Array<{ check: string }>;
    pipelines: number;
    commands: number;
    orms: unknown[];
    checks: string[];
  };
  const time = summarize(results.map((r) => r.ms));
  const met = time.median < TARGET_MS;
  const markdown = [
    '## Doctor',
    '',
    `\`lockstep doctor\` on a generated monorepo (\`bench/.work/doctor/\`): a pnpm workspace of ${SERVICES.length} packages (two Drizzle, two Prisma and two TypeORM services, two shared libraries) with ${sourceFiles.toLocaleString('en-US')} TypeScript source files, a Dockerfile per service, a compose file, a GitHub Actions deploy workflow and ignore files. The built CLI runs as a whole process (\`lockstep doctor --project bench/.work/doctor --json\`): wall time, median of ${REPS} runs (min–max), after a warm-up run.`,
    '',
    table(
      ['Source files', 'ORM projects', 'Production pipelines', 'Commands followed', 'Checks', 'Findings', 'Wall time'],
      [
        [
          sourceFiles.toLocaleString('en-US'),
          String(report.orms.length),
          String(report.pipelines),
          String(report.commands),
          String(report.checks.length),
          String(report.findings.length),
          spread(time),
        ],
      ],
    ),
    '',
    `- Target: under ${TARGET_MS / 1000} s: ${verdict(met)}.`,
    `- Findings by check: ${report.findings.length === 0 ? 'none' : [...new Set(report.findings.map((f) => f.check))].map((c) => `\`${c}\` ${report.findings.filter((f) => f.check === c).length}`).join(', ')}.`,
  ].join('\n');
  return { markdown, met };
}

/** For bench/run.ts: `SCENARIOS.push(doctorScenario)`. */
export const doctorScenario: Scenario = {
  name: 'doctor',
  async run() {
    return (await doctorBenchmark()).markdown;
  },
};
