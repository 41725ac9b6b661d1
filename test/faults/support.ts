import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';
import { events, runCli, type CliOptions, type CliResult } from '../support/cli.js';
import { prismaProject, type TestProject } from '../support/project.js';

/** What every scenario counts. A violation is anything but zero in the last four. */
export interface Counts {
  trials: number;
  /** Runs that ended other than the scenario allows (wrong exit code or LS code, a double apply, no convergence...). */
  failures: number;
  /** History rows that claim a migration whose effect is not in the database, or reports of migrations that did not survive. */
  lyingRows: number;
  stackTraces: number;
  internalErrors: number;
  /** Scenario-specific figures (kills inside CONCURRENTLY builds, migrations reported, ...). */
  notes: Record<string, number>;
  /** One line per violation, for the report. */
  problems: string[];
}

export function newCounts(): Counts {
  return { trials: 0, failures: 0, lyingRows: 0, stackTraces: 0, internalErrors: 0, notes: {}, problems: [] };
}

export function violations(counts: Counts): number {
  return counts.failures + counts.lyingRows + counts.stackTraces + counts.internalErrors;
}

export interface ScenarioOptions {
  /** A superuser URL of the shared test server (never used by the shutdown scenario, which starts its own). */
  adminUrl: string;
  trials: number;
  /** Seeded random numbers, so that a run can be repeated. */
  random: () => number;
  log: (line: string) => void;
}

export interface Scenario {
  name: string;
  description: string;
  /** Trials of the full run, and of the slice that runs in `npm test`. */
  fullTrials: number;
  sliceTrials: number;
  run(options: ScenarioOptions): Promise<Counts>;
}

/** mulberry32: a small seeded generator. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ databases

export function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function query<Row = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface FaultDatabase {
  name: string;
  url: string;
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

export async function freshDatabase(adminUrl: string): Promise<FaultDatabase> {
  const name = `lockstep_f_${randomBytes(5).toString('hex')}`;
  await query(adminUrl, `CREATE DATABASE ${name}`);
  const url = urlFor(adminUrl, name);
  return {
    name,
    url,
    query: (sql, params) => query(url, sql, params),
    drop: async () => {
      await query(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// ------------------------------------------------------------------ runs

export { events, runCli, type CliOptions, type CliResult };

/** The LS_* (or Prisma P*) code a run ended with, from its --json error event or its stderr. */
export function errorCode(run: CliResult): string | undefined {
  try {
    const error = events(run.stdout).find((e) => e.type === 'error')?.error as { code?: string } | undefined;
    if (error?.code) return error.code;
  } catch {
    /* not NDJSON */
  }
  return /\[((?:LS_[A-Z_]+)|(?:P\d{4}))\]/.exec(run.stderr)?.[1];
}

const STACK_LINE = /^\s+at .+(?::\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

export function hasStackTrace(run: CliResult): boolean {
  return STACK_LINE.test(run.stdout) || STACK_LINE.test(run.rawStderr);
}

/** Counts stack traces and LS_INTERNAL in one run. */
export function checkOutput(counts: Counts, run: CliResult, what: string): void {
  if (hasStackTrace(run)) {
    counts.stackTraces++;
    counts.problems.push(`${what}: a stack trace in the output`);
  }
  if (errorCode(run) === 'LS_INTERNAL' || run.stdout.includes('LS_INTERNAL') || run.stderr.includes('LS_INTERNAL')) {
    counts.internalErrors++;
    counts.problems.push(`${what}: LS_INTERNAL: ${run.stderr.slice(0, 300)}`);
  }
}

export function deployIn(project: TestProject, url: string, args: string[] = [], options: CliOptions = {}): Promise<CliResult> {
  return runCli(['deploy', '--json', ...args], { cwd: project.dir, env: { DATABASE_URL: url }, timeoutMs: 180_000, ...options });
}

/** How long an undisturbed deploy of `project` takes (ms): faults are then injected within that span. */
export async function timeTypicalDeploy(project: TestProject, url: string): Promise<number> {
  const began = performance.now();
  const run = await deployIn(project, url);
  if (run.code !== 0) throw new Error(`the timing run failed: ${run.stderr}`);
  return performance.now() - began;
}

/**
 * Brings the database to every migration applied, as an operator following lockstep's messages
 * would: deploy; when blocked by an interrupted statement-by-statement migration, deploy --resume;
 * when the migration lock is still held (a killed run's session finishing its statement), wait.
 * Returns the runs, or undefined when it did not converge.
 */
export async function converge(
  project: TestProject,
  url: string,
  counts: Counts,
  what: string,
): Promise<CliResult[] | undefined> {
  const runs: CliResult[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const run = await deployIn(
      project,
      url,
      attempt > 0 && errorCode(runs[runs.length - 1]!) && ['P3009', 'LS_BLOCKED'].includes(errorCode(runs[runs.length - 1]!)!)
        ? ['--resume']
        : [],
    );
    runs.push(run);
    checkOutput(counts, run, `${what}, converging`);
    if (run.code === 0) return runs;
    const code = errorCode(run);
    if (code === 'LS_LOCK_TIMEOUT' || code === 'LS_CONNECTION_LOST') await sleep(1000);
    else if (code !== 'P3009' && code !== 'LS_BLOCKED') break;
  }
  counts.failures++;
  counts.problems.push(
    `${what}: did not converge: ${runs.map((r) => `exit ${r.code} ${errorCode(r) ?? ''}`).join(', ')}; last: ${runs[runs.length - 1]?.stderr.slice(0, 400)}`,
  );
  return undefined;
}

// ------------------------------------------------------------------ the migrations the fault scenarios apply

/**
 * A Prisma project whose every migration leaves a mark: a row in "applies" (no key, so a double
 * apply shows as two rows) and, for transactional ones, a table of its own. One migration builds
 * two indexes CONCURRENTLY on a table of `bigRows` rows, statement by statement.
 */
export interface MarkedProject {
  project: TestProject;
  names: string[];
  transactional: string[];
  concurrent: string;
}

export function markedProject(options: { before: number; after: number; bigRows: number }): MarkedProject {
  const migrations: Record<string, string> = {};
  const names: string[] = [];
  const transactional: string[] = [];
  let stamp = 0;
  const name = (label: string) =>
    `2024010${1 + Math.floor(stamp / 1000)}${String(100000 + (stamp++ % 1000)).padStart(6, '0')}_${label}`;
  const init = name('init');
  migrations[init] =
    `CREATE TABLE "applies" ("name" TEXT NOT NULL);\nCREATE TABLE "big" ("id" SERIAL PRIMARY KEY, "v" TEXT NOT NULL);\n` +
    `INSERT INTO "big" ("v") SELECT md5(g::text) FROM generate_series(1, ${options.bigRows}) g;\nINSERT INTO "applies" VALUES ('${init}');\n`;
  names.push(init);
  transactional.push(init);
  const add = (count: number, label: string) => {
    for (let i = 0; i < count; i++) {
      const n = name(`${label}_${i}`);
      migrations[n] =
        `CREATE TABLE "t_${n}" ("id" INTEGER);\nINSERT INTO "t_${n}" VALUES (1);\nINSERT INTO "applies" VALUES ('${n}');\n`;
      names.push(n);
      transactional.push(n);
    }
  };
  add(options.before, 'before');
  const concurrent = name('concurrent');
  migrations[concurrent] =
    `CREATE INDEX CONCURRENTLY "big_v_idx" ON "big" ("v");\nCREATE INDEX CONCURRENTLY "big_v_id_idx" ON "big" ("v", "id");\nINSERT INTO "applies" VALUES ('${concurrent}');\n`;
  names.push(concurrent);
  add(options.after, 'after');
  return { project: prismaProject(migrations), names, transactional, concurrent };
}

interface HistoryRow {
  name: string;
  finished: boolean;
  rolled_back: boolean;
}

/**
 * Checks a database after a fault against the history: a finished row whose migration's mark is
 * missing is a lying row; a transactional migration's mark without its finished row, or half of
 * it, is a partial transactional migration. Returns the number of migrations recorded as applied.
 */
export async function checkAgainstHistory(
  db: FaultDatabase,
  marked: MarkedProject,
  counts: Counts,
  what: string,
): Promise<number> {
  const hasHistory = (await db.query(`SELECT 1 FROM pg_tables WHERE tablename = '_prisma_migrations'`)).length > 0;
  const rows = hasHistory
    ? await db.query<HistoryRow>(
        `SELECT migration_name AS name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations`,
      )
    : [];
  const applied = new Set(rows.filter((r) => r.finished && !r.rolled_back).map((r) => r.name));
  const hasApplies = (await db.query(`SELECT 1 FROM pg_tables WHERE tablename = 'applies'`)).length > 0;
  const marks = hasApplies
    ? await db.query<{ name: string; n: number }>(`SELECT name, count(*)::int AS n FROM "applies" GROUP BY name`)
    : [];
  const markCount = new Map(marks.map((m) => [m.name, m.n]));
  const tables = new Set(
    (await db.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).map(
      (r) => r.tablename,
    ),
  );
  const indexes = new Map(
    (
      await db.query<{ name: string; valid: boolean }>(
        `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid`,
      )
    ).map((r) => [r.name, r.valid]),
  );
  for (const name of marked.names) {
    const marks = markCount.get(name) ?? 0;
    if (marks > 1) {
      counts.failures++;
      counts.problems.push(`${what}: ${name} applied ${marks} times`);
    }
    if (applied.has(name)) {
      const effect =
        name === marked.concurrent
          ? marks === 1 && indexes.get('big_v_idx') === true && indexes.get('big_v_id_idx') === true
          : marks === 1;
      if (!effect) {
        counts.lyingRows++;
        counts.problems.push(`${what}: ${name} is recorded as applied but its effect is not in the database`);
      }
    }
    if (marked.transactional.includes(name)) {
      const table = name.endsWith('_init') ? tables.has('big') && tables.has('applies') : tables.has(`t_${name}`);
      const whole = table && marks === 1 && applied.has(name);
      const none = !table && marks === 0 && !applied.has(name);
      if (!whole && !none) {
        counts.failures++;
        counts.notes.partialTransactional = (counts.notes.partialTransactional ?? 0) + 1;
        counts.problems.push(
          `${what}: ${name} is partly applied (table ${table}, marks ${marks}, recorded ${applied.has(name)})`,
        );
      }
    }
  }
  return applied.size;
}

/** After convergence: every migration applied exactly once, both indexes valid, status clean. */
export async function checkConverged(db: FaultDatabase, marked: MarkedProject, counts: Counts, what: string): Promise<void> {
  const recorded = await checkAgainstHistory(db, marked, counts, `${what}, after converging`);
  const invalid = await db.query(`SELECT 1 FROM pg_index WHERE NOT indisvalid`);
  const marks = await db.query<{ n: number }>(`SELECT count(DISTINCT name)::int AS n FROM "applies"`);
  if (recorded !== marked.names.length || invalid.length > 0 || marks[0]!.n !== marked.names.length) {
    counts.failures++;
    counts.problems.push(
      `${what}: after converging ${recorded} of ${marked.names.length} recorded, ${marks[0]!.n} marks, ${invalid.length} INVALID indexes`,
    );
  }
  const status = await runCli(['status'], { cwd: marked.project.dir, env: { DATABASE_URL: db.url } });
  checkOutput(counts, status, `${what}, status`);
  if (status.code !== 0) {
    counts.failures++;
    counts.problems.push(`${what}: status exits ${status.code} after converging: ${status.stdout.slice(0, 300)}`);
  }
}

/** The pid of lockstep's session in the database, once `condition` holds for it; undefined if the run ended first. */
export async function lockstepBackend(db: FaultDatabase, condition: string, until: () => boolean): Promise<number | undefined> {
  while (!until()) {
    const [row] = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'lockstep%' AND ${condition} LIMIT 1`,
    );
    if (row) return row.pid;
    await sleep(10);
  }
  return undefined;
}

/** Waits until no session of lockstep is left in the database (a killed run's session finishing its statement). */
export async function lockstepGone(db: FaultDatabase): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (
      (await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'lockstep%'`))
        .length === 0
    )
      return;
    await sleep(50);
  }
}
