import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WORK = join(ROOT, 'bench', '.work');
export const LOCKSTEP_CLI = join(ROOT, 'dist', 'cli', 'main.js');
export const DRIZZLE_KIT = join(ROOT, 'node_modules', '.bin', 'drizzle-kit');

/** A superuser URL; every scenario creates and drops its own databases on this server. */
export const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** Timed repetitions per measurement, after one warm-up round. */
export const REPS = Number(process.env.BENCH_REPS ?? 5);
export const RUNS = `${REPS} run${REPS === 1 ? '' : 's'}`;

/** A scenario renders its own section of docs/benchmarks.md. */
export interface Scenario {
  name: string;
  run(): Promise<string>;
}

// ---------------------------------------------------------------- databases

const created = new Set<string>();
let counter = 0;

export async function sql<Row extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `fn` on a new, empty database that is dropped afterwards, whatever happens. */
export async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `lockstep_bench_${process.pid}_${++counter}`;
  await sql(ADMIN_URL, `CREATE DATABASE ${name}`);
  created.add(name);
  try {
    return await fn(urlFor(name));
  } finally {
    await dropDatabase(name);
  }
}

async function dropDatabase(name: string): Promise<void> {
  await sql(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  created.delete(name);
}

/** Drops the databases of an interrupted run. */
export async function dropAllDatabases(): Promise<void> {
  for (const name of [...created]) await dropDatabase(name).catch(() => undefined);
}

// ---------------------------------------------------------------- processes

export interface ProcessResult {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; `ms` is its wall time from spawn to exit. Throws when it fails. */
export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; allowFailure?: boolean } = {},
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const began = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { ms: performance.now() - began, code, stdout, stderr };
      if (code !== 0 && !options.allowFailure)
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr || stdout}`));
      else resolvePromise(result);
    });
  });
}

export const lockstepDeploy = (project: string, url: string, flags: string[] = []) =>
  run(process.execPath, [LOCKSTEP_CLI, 'deploy', '--project', project, ...flags], { env: { DATABASE_URL: url } });

export const psqlFile = (file: string, url: string) => run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file]);

// ---------------------------------------------------------------- statistics and formatting

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/**
 * One warm-up round (discarded), then REPS rounds. Within a round every runner is measured once,
 * in turn, so that drift on the machine affects all of them alike.
 */
export async function rounds<K extends string, R, S>(
  runners: Record<K, R>,
  measure: (runner: R) => Promise<S>,
): Promise<Record<K, S[]>> {
  const keys = Object.keys(runners) as K[];
  const samples = Object.fromEntries(keys.map((k) => [k, [] as S[]])) as Record<K, S[]>;
  for (let round = 0; round <= REPS; round++) {
    for (const key of keys) {
      const sample = await measure(runners[key]);
      if (round > 0) samples[key].push(sample);
    }
    process.stderr.write(round === 0 ? '  warm-up done\n' : `  round ${round}/${REPS} done\n`);
  }
  return samples;
}

export function ms(value: number): string {
  return value >= 10_000
    ? `${(value / 1000).toFixed(1)} s`
    : value >= 1000
      ? `${(value / 1000).toFixed(2)} s`
      : `${Math.round(value)} ms`;
}

/** "median (min–max)". */
export function spread(s: Summary, format: (n: number) => string = ms): string {
  return `${format(s.median)} (${format(s.min)}–${format(s.max)})`;
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const verdict = (met: boolean) => (met ? '**met**' : '**not met**');

// ---------------------------------------------------------------- machine

export async function machine(): Promise<Array<[string, string]>> {
  const [row] = await sql<{ server_version: string }>(ADMIN_URL, 'SHOW server_version');
  const psql = (await run('psql', ['--version'])).stdout.trim();
  const version = (pkg: string) =>
    (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const lockstep = (await run(process.execPath, [LOCKSTEP_CLI, '--version'])).stdout.trim();
  const commit = (await run('git', ['rev-parse', '--short', 'HEAD'], { allowFailure: true })).stdout.trim();
  const changed = (await run('git', ['status', '--porcelain', '--', 'src'], { allowFailure: true })).stdout.trim() !== '';
  return [
    ['Date', new Date().toISOString().replace(/\.\d+Z$/, 'Z')],
    ['lockstep', `${lockstep}${commit ? ` (commit ${commit}${changed ? ', with uncommitted changes in src/' : ''})` : ''}`],
    ['CPU', `${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores`],
    ['Memory', `${Math.round(totalmem() / 2 ** 30)} GiB`],
    ['OS', `${platform()} ${release()}`],
    [
      'Load average at start',
      loadavg()
        .map((n) => n.toFixed(2))
        .join(', '),
    ],
    ['PostgreSQL', `${row?.server_version} on ${new URL(ADMIN_URL).host}`],
    ['Node.js', process.version],
    ['Peers', `${psql}; drizzle-orm ${version('drizzle-orm')}; drizzle-kit ${version('drizzle-kit')}`],
  ];
}

// ---------------------------------------------------------------- the generated corpus

export const MIGRATIONS = 500;

export interface Corpus {
  /** A Prisma project: prisma/schema.prisma and prisma/migrations/<timestamp>_<name>/migration.sql. */
  prismaProject: string;
  /** One psql script that includes every migration.sql with \i. */
  psqlScript: string;
  /** The same migrations as a Drizzle journal folder (meta/_journal.json, <tag>.sql). */
  drizzleDir: string;
  /** drizzle-kit's configuration; reads DATABASE_URL. */
  drizzleConfig: string;
  /** The same migrations as TypeORM migration classes (compiled JavaScript) with a data source. */
  typeormProject: string;
  statements: number;
  /** What the public schema holds once every migration is applied. */
  expected: string;
}

interface Migration {
  name: string;
  statements: Array<{ kind: string; text: string }>;
}

/** Small deterministic PRNG (mulberry32), so that every run generates the same corpus. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const NOUNS = [
  'User',
  'Account',
  'Order',
  'Product',
  'Invoice',
  'Payment',
  'Review',
  'Category',
  'Shipment',
  'Coupon',
  'Warehouse',
  'Supplier',
  'Ticket',
  'Session',
  'Team',
];
export const FIELDS = [
  'title',
  'note',
  'code',
  'amount',
  'rating',
  'label',
  'source',
  'priority',
  'weight',
  'metadata',
  'archived',
  'deadline',
];
const TYPES = [
  'TEXT',
  'TEXT NOT NULL',
  'INTEGER',
  'INTEGER NOT NULL DEFAULT 0',
  'BOOLEAN NOT NULL DEFAULT false',
  'TIMESTAMP(3)',
  'DECIMAL(65,30)',
  'DOUBLE PRECISION',
  'JSONB',
];

/**
 * ORM-style DDL in Prisma's format: new models (CREATE TYPE, CREATE TABLE with a primary key,
 * CREATE [UNIQUE] INDEX, ADD CONSTRAINT ... FOREIGN KEY), new columns, new relations and enums.
 */
function generateMigrations(count: number): { migrations: Migration[]; expected: string } {
  const rand = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const models: string[] = [];
  const totals = { tables: 0, columns: 0, indexes: 0, fks: 0, enums: 0 };
  let serial = 0;
  const migrations: Migration[] = [];
  const enumType = (model: string) => {
    const name = `${model}Status${++serial}`;
    totals.enums++;
    return { name, text: `CREATE TYPE "${name}" AS ENUM ('DRAFT', 'ACTIVE', 'SUSPENDED', 'CLOSED');` };
  };
  const index = (model: string, column: string, unique = false) => {
    totals.indexes++;
    return unique
      ? { kind: 'CreateIndex', text: `CREATE UNIQUE INDEX "${model}_${column}_key" ON "${model}"("${column}");` }
      : { kind: 'CreateIndex', text: `CREATE INDEX "${model}_${column}_idx" ON "${model}"("${column}");` };
  };
  const foreignKey = (model: string, column: string, target: string) => {
    totals.fks++;
    return {
      kind: 'AddForeignKey',
      text: `ALTER TABLE "${model}" ADD CONSTRAINT "${model}_${column}_fkey" FOREIGN KEY ("${column}") REFERENCES "${target}"("id") ON DELETE RESTRICT ON UPDATE CASCADE;`,
    };
  };

  for (let i = 0; i < count; i++) {
    const roll = rand();
    const statements: Migration['statements'] = [];
    let name: string;
    if (models.length < 3 || roll < 0.4) {
      const model = `${pick(NOUNS)}${++serial}`;
      name = `create_${model.toLowerCase()}`;
      const columns = [`    "id" SERIAL NOT NULL,`];
      const fieldCount = 2 + Math.floor(rand() * 4);
      for (let f = 0; f < fieldCount; f++) columns.push(`    "${FIELDS[f]}" ${pick(TYPES)},`);
      const unique = rand() < 0.5;
      if (unique) columns.push(`    "slug" TEXT NOT NULL,`);
      const status = rand() < 0.3 ? enumType(model) : undefined;
      if (status) {
        statements.push({ kind: 'CreateEnum', text: status.text });
        columns.push(`    "status" "${status.name}" NOT NULL DEFAULT 'DRAFT',`);
      }
      const target = models.length > 0 && rand() < 0.6 ? pick(models) : undefined;
      if (target) columns.push(`    "ownerId" INTEGER NOT NULL,`);
      columns.push(`    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,`, `    "updatedAt" TIMESTAMP(3) NOT NULL,`);
      statements.push({
        kind: 'CreateTable',
        text: `CREATE TABLE "${model}" (\n${columns.join('\n')}\n\n    CONSTRAINT "${model}_pkey" PRIMARY KEY ("id")\n);`,
      });
      totals.tables++;
      totals.columns += columns.length;
      totals.indexes++;
      if (unique) statements.push(index(model, 'slug', true));
      if (target) statements.push(index(model, 'ownerId'), foreignKey(model, 'ownerId', target));
      models.push(model);
    } else if (roll < 0.65) {
      const model = pick(models);
      const added = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `${pick(FIELDS)}${++serial}`);
      name = `add_${model.toLowerCase()}_fields`;
      statements.push({
        kind: 'AlterTable',
        text: `ALTER TABLE "${model}" ${added.map((c) => `ADD COLUMN "${c}" ${pick(TYPES.filter((t) => !t.endsWith('NOT NULL')))}`).join(',\n')};`,
      });
      totals.columns += added.length;
      if (rand() < 0.5) statements.push(index(model, added[0]!));
    } else if (roll < 0.85) {
      const model = pick(models);
      const target = pick(models);
      const column = `${target.charAt(0).toLowerCase()}${target.slice(1)}Id${++serial}`;
      name = `add_${model.toLowerCase()}_${target.toLowerCase()}_relation`;
      statements.push(
        { kind: 'AlterTable', text: `ALTER TABLE "${model}" ADD COLUMN "${column}" INTEGER;` },
        index(model, column),
        foreignKey(model, column, target),
      );
      totals.columns++;
    } else {
      const model = pick(models);
      const status = enumType(model);
      name = `add_${model.toLowerCase()}_${status.name.toLowerCase()}`;
      statements.push(
        { kind: 'CreateEnum', text: status.text },
        {
          kind: 'AlterTable',
          text: `ALTER TABLE "${model}" ADD COLUMN "state${serial}" "${status.name}" NOT NULL DEFAULT 'DRAFT';`,
        },
      );
      totals.columns++;
    }
    migrations.push({ name, statements });
  }
  return { migrations, expected: fingerprintText(totals) };
}

function fingerprintText(t: { tables: number; columns: number; indexes: number; fks: number; enums: number }): string {
  return `${t.tables} tables, ${t.columns} columns, ${t.indexes} indexes, ${t.fks} foreign keys, ${t.enums} enums`;
}

/** What the public schema holds, apart from history tables (Prisma's and TypeORM's): checks that a runner applied everything. */
export async function fingerprint(url: string): Promise<string> {
  const [row] = await sql<{ tables: number; columns: number; indexes: number; fks: number; enums: number }>(
    url,
    `SELECT (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', 'migrations')) AS tables,
            (SELECT count(*)::int FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT IN ('_prisma_migrations', 'migrations')) AS columns,
            (SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', 'migrations')) AS indexes,
            (SELECT count(*)::int FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.contype = 'f') AS fks,
            (SELECT count(*)::int FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e') AS enums`,
  );
  return fingerprintText(row!);
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A Prisma project skeleton: schema.prisma with a PostgreSQL datasource and migration_lock.toml. */
export function writePrismaProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  writeFile(
    join(dir, 'prisma', 'schema.prisma'),
    'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
  );
  writeFile(
    join(dir, 'prisma', 'migrations', 'migration_lock.toml'),
    '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
  );
}

/** Prisma's folder name for the i-th migration: a 14-digit UTC timestamp, one hour apart. */
export function prismaFolder(i: number, name: string): string {
  const at = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000);
  return `${at.toISOString().replace(/[-:T]/g, '').slice(0, 14)}_${name}`;
}

/**
 * A compiled TypeORM project: data-source.js (reads DATABASE_URL, default transaction mode) and one
 * migration class per migration, each running its statements through queryRunner.query, as
 * `typeorm migration:generate` writes them.
 */
function writeTypeormProject(dir: string, migrations: Migration[]): void {
  writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'bench-typeorm', private: true, dependencies: { typeorm: '*' } }, null, 2)}\n`,
  );
  writeFile(
    join(dir, 'data-source.js'),
    `"use strict";\nconst { DataSource } = require("typeorm");\nexports.AppDataSource = new DataSource({ type: "postgres", url: process.env.DATABASE_URL, migrations: [__dirname + "/migration/*.js"] });\n`,
  );
  writeFile(join(dir, 'lockstep.config.json'), `${JSON.stringify({ typeorm: { dataSource: 'data-source.js' } })}\n`);
  migrations.forEach((m, i) => {
    const timestamp = Date.UTC(2024, 0, 1) + i * 3_600_000;
    const className = `${m.name.replace(/(^|_)(\w)/g, (_all, _sep: string, c: string) => c.toUpperCase())}${timestamp}`;
    const queries = m.statements
      .map((s) => `        await queryRunner.query(${JSON.stringify(s.text.replace(/;$/, ''))});`)
      .join('\n');
    writeFile(
      join(dir, 'migration', `${timestamp}-${m.name}.js`),
      `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nclass ${className} {\n    constructor() { this.name = '${className}'; }\n    async up(queryRunner) {\n${queries}\n    }\n    async down() {}\n}\nexports.${className} = ${className};\n`,
    );
  });
}

let corpus: Corpus | undefined;

/** Regenerates bench/.work/corpus (once per process). */
export function generateCorpus(): Corpus {
  if (corpus) return corpus;
  const dir = join(WORK, 'corpus');
  rmSync(dir, { recursive: true, force: true });
  const { migrations, expected } = generateMigrations(MIGRATIONS);
  const prismaProject = join(dir, 'prisma-project');
  const drizzleDir = join(dir, 'drizzle');
  writePrismaProject(prismaProject);
  const includes: string[] = [];
  const entries = migrations.map((m, i) => {
    const script = join(prismaProject, 'prisma', 'migrations', prismaFolder(i, m.name), 'migration.sql');
    writeFile(script, `${m.statements.map((s) => `-- ${s.kind}\n${s.text}`).join('\n\n')}\n`);
    includes.push(`\\i '${script}'`);
    const tag = `${String(i).padStart(4, '0')}_${m.name}`;
    writeFile(join(drizzleDir, `${tag}.sql`), m.statements.map((s) => s.text).join('\n--> statement-breakpoint\n'));
    return { idx: i, version: '7', when: Date.UTC(2024, 0, 1) + i * 3_600_000, tag, breakpoints: true };
  });
  writeFile(
    join(drizzleDir, 'meta', '_journal.json'),
    `${JSON.stringify({ version: '7', dialect: 'postgresql', entries }, null, 2)}\n`,
  );
  const psqlScript = join(dir, 'all.sql');
  writeFile(psqlScript, `${includes.join('\n')}\n`);
  const drizzleConfig = join(dir, 'drizzle.config.ts');
  writeFile(
    drizzleConfig,
    `export default {\n  dialect: 'postgresql',\n  out: ${JSON.stringify(drizzleDir)},\n  dbCredentials: { url: process.env.DATABASE_URL },\n};\n`,
  );
  const typeormProject = join(dir, 'typeorm-project');
  writeTypeormProject(typeormProject, migrations);
  corpus = {
    prismaProject,
    psqlScript,
    drizzleDir,
    drizzleConfig,
    typeormProject,
    statements: migrations.reduce((n, m) => n + m.statements.length, 0),
    expected,
  };
  return corpus;
}

/** drizzle-orm's migrate() with node-postgres, as the small script an app would run. */
const DRIZZLE_MIGRATE = `
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
await migrate(drizzle(client), { migrationsFolder: process.env.MIGRATIONS_DIR });
await client.end();
`;

export const drizzleMigrate = (dir: string, url: string) =>
  run(process.execPath, ['--input-type=module', '-e', DRIZZLE_MIGRATE], { env: { DATABASE_URL: url, MIGRATIONS_DIR: dir } });

export const drizzleKitMigrate = (config: string, url: string) =>
  run(DRIZZLE_KIT, ['migrate', '--config', config], { env: { DATABASE_URL: url } });

export const TYPEORM_CLI = join(ROOT, 'node_modules', 'typeorm', 'cli.js');

export const typeormMigrationRun = (project: string, url: string) =>
  run(process.execPath, [TYPEORM_CLI, 'migration:run', '-d', join(project, 'data-source.js')], {
    env: { DATABASE_URL: url },
    cwd: project,
  });
