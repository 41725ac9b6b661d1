import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_RUN_SETTINGS } from '../src/deploy/settings.js';
import {
  lockstepDeploy,
  percentile,
  prismaFolder,
  psqlFile,
  RUNS,
  rounds,
  sleep,
  spread,
  sql,
  summarize,
  table,
  verdict,
  WORK,
  withDatabase,
  writeFile,
  writePrismaProject,
  type Scenario,
} from './support.js';

const ROWS = 10_000;
/** The blocking transaction holds its lock this long after the migration starts. */
const HOLD_MS = 10_000;
/** Reads before the migration starts and after it finishes. */
const MARGIN_MS = 500;
const READ_EVERY_MS = 10;
const LOCK_TIMEOUT_MS = DEFAULT_RUN_SETTINGS.lockTimeoutMs;

const CREATE = `-- CreateTable
CREATE TABLE "Account" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "balance" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);
`;
const ALTER = `-- AlterTable\nALTER TABLE "Account" ADD COLUMN "nickname" TEXT;\n`;
const SEED = `INSERT INTO "Account" (email, balance) SELECT 'user' || g || '@example.com', g FROM generate_series(1, ${ROWS}) g`;

interface Sample {
  worstMs: number;
  p99Ms: number;
  /** Wall time of the runner process, from start to exit. */
  migrationMs: number;
  lockTimeouts: number;
}

/** Reads one row every READ_EVERY_MS on its own connection until stopped; returns each read's latency. */
function readLoop(url: string): { stop: () => Promise<number[]> } {
  let running = true;
  const done = (async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const latencies: number[] = [];
    try {
      for (let i = 0; running; i++) {
        const began = performance.now();
        await client.query('SELECT * FROM "Account" WHERE id = $1', [1 + (i % ROWS)]);
        latencies.push(performance.now() - began);
        await sleep(READ_EVERY_MS);
      }
    } finally {
      await client.end();
    }
    return latencies;
  })();
  return {
    stop: async () => {
      running = false;
      return done;
    },
  };
}

/**
 * A transaction that read the table holds ACCESS SHARE on it; the migration's ALTER TABLE queues
 * for ACCESS EXCLUSIVE behind it, and every later read queues behind the ALTER TABLE.
 */
async function stall(url: string, migrate: () => Promise<{ ms: number; stdout: string }>): Promise<Sample> {
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT count(*) FROM "Account"');
    const reads = readLoop(url);
    await sleep(MARGIN_MS);
    const release = sleep(HOLD_MS).then(() => holder.query('COMMIT'));
    const result = await migrate();
    await release;
    await sleep(MARGIN_MS);
    const latencies = await reads.stop();
    const [column] = await sql(
      url,
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'Account' AND column_name = 'nickname'`,
    );
    if (!column) throw new Error('the migration did not add the column');
    const lockTimeouts = result.stdout.split('\n').filter((line) => line.includes('"type":"lock-timeout"')).length;
    return { worstMs: Math.max(...latencies), p99Ms: percentile(latencies, 99), migrationMs: result.ms, lockTimeouts };
  } finally {
    await holder.end();
  }
}

/** lockstep: a Prisma project whose first migration creates the table; the second one adds the column. */
async function lockstepSample(url: string): Promise<Sample> {
  const project = join(WORK, 'lock-stall', 'project');
  writePrismaProject(project);
  writeFile(join(project, 'prisma', 'migrations', prismaFolder(0, 'create_account'), 'migration.sql'), CREATE);
  await lockstepDeploy(project, url);
  await sql(url, SEED);
  writeFile(join(project, 'prisma', 'migrations', prismaFolder(1, 'add_account_nickname'), 'migration.sql'), ALTER);
  return stall(url, () => lockstepDeploy(project, url, ['--json']));
}

/** The naive runner: psql applies the file, with no lock_timeout. */
async function psqlSample(url: string): Promise<Sample> {
  const file = join(WORK, 'lock-stall', 'alter.sql');
  writeFile(file, ALTER);
  await sql(url, CREATE);
  await sql(url, SEED);
  return stall(url, () => psqlFile(file, url));
}

export const lockStall: Scenario = {
  name: 'lock-stall',
  async run() {
    const runners = {
      lockstep: {
        label: `\`lockstep deploy\` (defaults: lock_timeout ${LOCK_TIMEOUT_MS / 1000} s, ${DEFAULT_RUN_SETTINGS.lockRetries} retries)`,
        sample: lockstepSample,
      },
      psql: { label: 'psql applying the file (no lock_timeout)', sample: psqlSample },
    };
    const samples = await rounds(runners, ({ sample }) => withDatabase(sample));
    const of = (key: keyof typeof runners, field: keyof Sample) => summarize(samples[key].map((s) => s[field]));
    const count = (n: number) => String(n);
    const exact = (n: number) => `${Math.round(n)} ms`;
    const worstLockstep = of('lockstep', 'worstMs');
    return [
      '## Lock stall',
      '',
      `A table of ${ROWS.toLocaleString('en')} rows is read by primary key every ${READ_EVERY_MS} ms on its own connection. Another connection opens a transaction, reads the table (it holds ACCESS SHARE) and commits ${HOLD_MS / 1000} s after the migration starts. The migration is \`ALTER TABLE ... ADD COLUMN\`: it needs ACCESS EXCLUSIVE, waits behind the open transaction, and every read queued after it waits too. Latencies are those of the reads from ${MARGIN_MS} ms before the migration starts to ${MARGIN_MS} ms after it ends; median of ${RUNS} (min–max), each on a fresh database. A stall is a single slow read (the next read starts only when it returns), so p99 lands on a stalled read or on a normal one depending on how many reads a run made.`,
      '',
      table(
        ['Runner', 'Worst read stall', 'p99 read latency', 'Migration finished after', 'Lock timeouts (retries)'],
        (Object.keys(runners) as Array<keyof typeof runners>).map((key) => [
          runners[key].label,
          spread(of(key, 'worstMs'), exact),
          spread(of(key, 'p99Ms'), exact),
          spread(of(key, 'migrationMs')),
          key === 'lockstep' ? spread(of(key, 'lockTimeouts'), count) : '–',
        ]),
      ),
      '',
      `- Target: lockstep's worst stall at most lock_timeout + 100 ms (${exact(LOCK_TIMEOUT_MS + 100)}) in every run: ${verdict(worstLockstep.max <= LOCK_TIMEOUT_MS + 100)} (worst of all runs ${exact(worstLockstep.max)}).`,
      `- The naive runner stalls reads for as long as the blocking transaction lasts: worst stall ${spread(of('psql', 'worstMs'), exact)}.`,
    ].join('\n');
  },
};
