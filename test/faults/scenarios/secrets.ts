import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { prismaProject } from '../../support/project.js';
import { checkOutput, freePort, freshDatabase, newCounts, query, runCli, type CliResult, type Scenario } from '../support.js';

/** Every file under `dir`, skipping node_modules. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    const stat = statSync(path);
    if (stat.isDirectory()) out.push(...filesUnder(path));
    else if (stat.isFile()) out.push(path);
  }
  return out;
}

/**
 * A distinctive password in the database URL, through successful, failing and refused runs of
 * every command that connects: it must appear in no output, no log, no history or audit row and
 * no file lockstep writes.
 */
export const secrets: Scenario = {
  name: 'secrets',
  description:
    'A distinctive password in the URL through deploy, status, lint, resolve and failing runs; searched for in every output, history and audit row and file written.',
  fullTrials: 1,
  sliceTrials: 1,
  async run({ adminUrl, log }) {
    const counts = newCounts();
    const password = `Zx9-Faults-Pw-${Math.random().toString(36).slice(2, 10)}`;
    const role = `lockstep_faults_${Math.random().toString(36).slice(2, 8)}`;
    const db = await freshDatabase(adminUrl);
    await query(adminUrl, `CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}'`);
    const project = prismaProject({ '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n' });
    const url = new URL(db.url);
    url.username = role;
    url.password = password;
    const secretUrl = url.toString();
    const forms = [password, encodeURIComponent(password), Buffer.from(password).toString('base64')];
    const leaks = (text: string) => forms.some((form) => text.includes(form));
    const runs: Array<[string, CliResult]> = [];
    const cli = async (what: string, args: string[], env: Record<string, string> = {}) => {
      const run = await runCli(args, { cwd: project.dir, env: { DATABASE_URL: secretUrl, ...env } });
      runs.push([what, run]);
      return run;
    };
    try {
      await cli('deploy', ['deploy']);
      await cli('deploy --json, nothing to do', ['deploy', '--json']);
      await cli('status', ['status']);
      await cli('status --json', ['status', '--json']);
      await cli('lint', ['lint']);
      await cli('deploy with LOCKSTEP_DEBUG', ['deploy'], { LOCKSTEP_DEBUG: '1' });
      project.migration('20240102000000_b', 'INSERT INTO "a" VALUES (1 / 0);\n');
      await cli('a failing migration', ['deploy']);
      await cli('a failing migration, --json', ['deploy', '--json']);
      await cli('blocked', ['deploy', '--json']);
      await cli('resolve', ['resolve', '--rolled-back', '20240102000000_b']);
      project.migration('20240102000000_b', 'CREATE INDEX CONCURRENTLY "a_id_idx" ON "a" ("id");\n');
      await cli('deploy with --url', ['deploy', '--url', secretUrl]);
      const closed = new URL(secretUrl);
      closed.port = String(await freePort());
      await cli('an unreachable server', ['deploy'], { DATABASE_URL: closed.toString() });
      const missing = new URL(secretUrl);
      missing.pathname = '/lockstep_no_such_db';
      await cli('a missing database', ['deploy', '--json'], { DATABASE_URL: missing.toString() });
      await cli('a URL with a bad option', ['deploy'], { DATABASE_URL: `${secretUrl}?sslmode=nonsense` });
      for (const [what, run] of runs) {
        counts.trials++;
        checkOutput(counts, run, what);
        if (leaks(run.stdout) || leaks(run.rawStderr)) {
          counts.failures++;
          counts.problems.push(`${what}: the password appears in the output`);
        }
      }
      const rows = [
        ...(await db.query<{ row: string }>(`SELECT t::text AS row FROM lockstep.audit_log t`)),
        ...(await db.query<{ row: string }>(`SELECT t::text AS row FROM _prisma_migrations t`)),
      ];
      counts.notes.rowsSearched = rows.length;
      for (const { row } of rows) {
        if (leaks(row)) {
          counts.failures++;
          counts.problems.push(`a history or audit row holds the password: ${row.slice(0, 200)}`);
        }
      }
      const files = filesUnder(project.dir);
      counts.notes.filesSearched = files.length;
      for (const file of files) {
        if (leaks(readFileSync(file, 'latin1'))) {
          counts.failures++;
          counts.problems.push(`${file} holds the password`);
        }
      }
      log(`secrets: ${runs.length} runs, ${rows.length} rows, ${files.length} files searched`);
    } finally {
      await db.drop();
      await query(adminUrl, `DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      project.cleanup();
    }
    return counts;
  },
};
