import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyDrizzleExample } from '../../support/drizzle.js';
import { prismaProject, PRISMA_LOCK_TOML } from '../../support/project.js';
import { checkOutput, errorCode, freePort, freshDatabase, newCounts, runCli, urlFor, type Scenario } from '../support.js';

const A = 'CREATE TABLE "a" ("id" INTEGER);\n';

interface Case {
  name: string;
  /** Builds the project; returns its directory and a clean-up. */
  project(): { dir: string; cleanup(): void };
  args?: string[];
  /** The database URL: the case's fresh database unless given. */
  url?: (dbUrl: string) => Promise<string | undefined> | string | undefined;
  exitCode: number;
  code: string | undefined;
}

function prisma(
  migrations: Record<string, string | Buffer>,
  edit?: (dir: string) => void,
): () => { dir: string; cleanup(): void } {
  return () => {
    const project = prismaProject({});
    for (const [name, sql] of Object.entries(migrations)) project.write(`prisma/migrations/${name}/migration.sql`, sql);
    edit?.(project.dir);
    return project;
  };
}

function drizzle(
  editJournal: (journal: { entries: unknown[] } & Record<string, unknown>) => unknown,
): () => { dir: string; cleanup(): void } {
  return () => {
    const project = copyDrizzleExample();
    const file = join(project.out, 'meta', '_journal.json');
    writeFileSync(file, JSON.stringify(editJournal(JSON.parse(readFileSync(file, 'utf8')))));
    return project;
  };
}

/** Broken projects and files, each with the exit code and error code lockstep documents for it. None may reach LS_INTERNAL. */
export const CASES: Case[] = [
  {
    name: 'NUL byte in a migration',
    project: prisma({ '20240101000000_a': `${A}\0CREATE TABLE "b" ("id" INTEGER);\n` }),
    exitCode: 2,
    code: 'LS_MIGRATION_FILE',
  },
  {
    name: 'not UTF-8 (Latin-1)',
    project: prisma({
      '20240101000000_a': Buffer.from([
        0x2d, 0x2d, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a, 0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x31, 0x3b, 0x0a,
      ]),
    }),
    exitCode: 2,
    code: 'LS_MIGRATION_FILE',
  },
  {
    name: 'binary garbage',
    project: prisma({ '20240101000000_a': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) }),
    exitCode: 2,
    code: 'LS_MIGRATION_FILE',
  },
  { name: 'empty migration file', project: prisma({ '20240101000000_a': '' }), exitCode: 2, code: 'LS_MIGRATION_FILE' },
  {
    name: 'whitespace-only migration file',
    project: prisma({ '20240101000000_a': '  \n\t\n' }),
    exitCode: 2,
    code: 'LS_MIGRATION_FILE',
  },
  {
    name: 'migration folder without migration.sql',
    project: prisma({ '20240101000000_a': A }, (dir) => mkdirSync(join(dir, 'prisma/migrations/20240102000000_b'))),
    exitCode: 2,
    code: 'LS_MIGRATION_FILE',
  },
  {
    name: 'migration.sql that is a directory',
    project: prisma({ '20240101000000_a': A }, (dir) =>
      mkdirSync(join(dir, 'prisma/migrations/20240102000000_b/migration.sql'), { recursive: true }),
    ),
    exitCode: 2,
    code: 'LS_MIGRATION_FILE',
  },
  {
    name: 'syntax error',
    project: prisma({ '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER;\n' }),
    exitCode: 1,
    code: 'LS_MIGRATION_SYNTAX',
  },
  {
    name: 'unterminated string',
    project: prisma({ '20240101000000_a': "INSERT INTO x VALUES ('oops);\n" }),
    exitCode: 1,
    code: 'LS_MIGRATION_SYNTAX',
  },
  {
    name: 'unterminated block comment',
    project: prisma({ '20240101000000_a': `${A}/* never closed\n` }),
    exitCode: 1,
    code: 'LS_MIGRATION_SYNTAX',
  },
  {
    name: 'a statement the server rejects (missing table)',
    project: prisma({ '20240101000000_a': 'ALTER TABLE "nowhere" ADD COLUMN "x" INTEGER;\n' }),
    exitCode: 1,
    code: 'P3018',
  },
  {
    name: 'division by zero in a data migration',
    project: prisma({ '20240101000000_a': `${A}INSERT INTO "a" VALUES (1 / 0);\n` }),
    exitCode: 1,
    code: 'P3018',
  },
  // Refused by the lint gate before anything runs (the server would refuse it at statement 3).
  {
    name: "CREATE INDEX CONCURRENTLY inside the file's own BEGIN",
    project: prisma({ '20240101000000_a': `${A}BEGIN;\nCREATE INDEX CONCURRENTLY "a_id_idx" ON "a" ("id");\nCOMMIT;\n` }),
    exitCode: 1,
    code: 'LS_LINT_FAILED',
  },
  {
    name: 'provider mysql in migration_lock.toml',
    project: prisma({ '20240101000000_a': A }, (dir) =>
      writeFileSync(join(dir, 'prisma/migrations/migration_lock.toml'), PRISMA_LOCK_TOML.replace('postgresql', 'mysql')),
    ),
    exitCode: 2,
    code: 'LS_PROVIDER_UNSUPPORTED',
  },
  {
    name: 'no migrations folder',
    project: prisma({}, (dir) => rmSync(join(dir, 'prisma/migrations'), { recursive: true, force: true })),
    exitCode: 2,
    code: 'LS_NO_MIGRATIONS',
  },
  {
    name: 'not a project',
    project: () => ({ dir: '/tmp', cleanup: () => undefined }),
    args: ['--project', '/tmp'],
    exitCode: 2,
    code: 'LS_NO_PROJECT',
  },
  {
    name: 'a URL that is not a URL',
    project: prisma({ '20240101000000_a': A }),
    url: () => 'not a url with secret p4ss',
    exitCode: 2,
    code: 'LS_BAD_DATABASE_URL',
  },
  {
    name: 'DATABASE_URL set but empty',
    project: prisma({ '20240101000000_a': A }),
    url: () => '',
    exitCode: 2,
    code: 'LS_EMPTY_DATABASE_URL',
  },
  {
    name: 'an unreachable server',
    project: prisma({ '20240101000000_a': A }),
    url: async () => `postgresql://app:pw@127.0.0.1:${await freePort()}/shop`,
    exitCode: 2,
    code: 'LS_CONNECT_REFUSED',
  },
  {
    name: 'a database that does not exist',
    project: prisma({ '20240101000000_a': A }),
    url: (u) => urlFor(u, 'lockstep_no_such_db'),
    exitCode: 2,
    code: 'LS_DATABASE_MISSING',
  },
  {
    name: 'a bad duration flag',
    project: prisma({ '20240101000000_a': A }),
    args: ['--lock-timeout', 'soon'],
    exitCode: 2,
    code: 'LS_BAD_OPTION',
  },
  {
    name: 'a negative retry count',
    project: prisma({ '20240101000000_a': A }),
    args: ['--lock-retries', '-3'],
    exitCode: 2,
    code: 'LS_BAD_OPTION',
  },
  {
    name: 'Drizzle journal: entries is a string',
    project: drizzle((j) => ({ ...j, entries: '0000_init' })),
    exitCode: 2,
    code: 'LS_DRIZZLE_JOURNAL',
  },
  { name: 'Drizzle journal: an array', project: drizzle((j) => j.entries), exitCode: 2, code: 'LS_DRIZZLE_JOURNAL' },
  {
    name: 'Drizzle journal: a null entry',
    project: drizzle((j) => ({ ...j, entries: [j.entries[0], null] })),
    exitCode: 2,
    code: 'LS_DRIZZLE_JOURNAL',
  },
  { name: 'Drizzle journal: null', project: drizzle(() => null), exitCode: 2, code: 'LS_DRIZZLE_JOURNAL' },
  {
    name: 'Drizzle journal: no entries while SQL files exist',
    project: drizzle((j) => ({ ...j, entries: [] })),
    exitCode: 2,
    code: 'LS_DRIZZLE_JOURNAL',
  },
  {
    name: 'Drizzle journal: an entry without a tag',
    project: drizzle((j) => ({ ...j, entries: [{ ...(j.entries[0] as object), tag: undefined }] })),
    exitCode: 2,
    code: 'LS_DRIZZLE_JOURNAL',
  },
  {
    name: 'Drizzle journal: an entry whose SQL file is missing',
    project: drizzle((j) => ({
      ...j,
      entries: [...j.entries, { idx: 99, version: '7', when: 1900000000000, tag: '0099_missing', breakpoints: true }],
    })),
    exitCode: 2,
    code: 'LS_MIGRATION_FILE',
  },
  {
    name: 'a valid file with a BOM and CRLF line ends (accepted)',
    project: prisma({ '20240101000000_a': `\uFEFFCREATE TABLE "a" (\r\n  "id" INTEGER\r\n);\r\n` }),
    exitCode: 0,
    code: undefined,
  },
];

export const badInput: Scenario = {
  name: 'bad-input',
  description: 'A corpus of broken projects and files, each with its documented exit code and error code.',
  fullTrials: CASES.length,
  sliceTrials: 6,
  async run({ adminUrl, trials, log }) {
    const counts = newCounts();
    // Fewer trials than cases: an even spread of the corpus.
    const cases = trials >= CASES.length ? CASES : CASES.filter((_, i) => i % Math.ceil(CASES.length / trials) === 0);
    counts.notes.cases = cases.length;
    for (const c of cases) {
      const db = await freshDatabase(adminUrl);
      const project = c.project();
      try {
        counts.trials++;
        const url = c.url ? await c.url(db.url) : db.url;
        const run = await runCli(['deploy', ...(c.args ?? [])], { cwd: project.dir, env: { DATABASE_URL: url, CI: '1' } });
        checkOutput(counts, run, c.name);
        const code = errorCode(run);
        const ok = run.code === c.exitCode && code === c.code;
        if (!ok) {
          counts.failures++;
          counts.problems.push(
            `${c.name}: exit ${run.code} ${code ?? '(no code)'}, expected exit ${c.exitCode} ${c.code ?? '(no code)'}: ${run.stderr.slice(0, 300)}`,
          );
        }
        log(`bad-input: ${ok ? 'ok  ' : 'FAIL'} ${c.name}: exit ${run.code} ${code ?? ''}`);
      } finally {
        await db.drop();
        project.cleanup();
      }
    }
    return counts;
  },
};
