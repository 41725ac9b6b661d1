import { startPrivateCluster } from '../private-cluster.js';
import {
  checkAgainstHistory,
  checkConverged,
  checkOutput,
  converge,
  deployIn,
  errorCode,
  freshDatabase,
  markedProject,
  newCounts,
  sleep,
  timeTypicalDeploy,
  type Scenario,
} from '../support.js';

/**
 * An immediate shutdown of the server (pg_ctl stop -m immediate: no flush, as a crash of the
 * server) at a random moment of a deploy of many small migrations, on a private cluster the suite
 * starts for it. Every migration lockstep reported as applied must have survived; no history row
 * may lie; the run must end with a documented error; and after the restart deploy converges.
 */
export const shutdown: Scenario = {
  name: 'shutdown',
  description:
    'Immediate shutdown (pg_ctl stop -m immediate) of a private throwaway cluster at a random moment of a deploy of 42 migrations, then a restart.',
  fullTrials: 8,
  sliceTrials: 1,
  async run({ trials, random, log }) {
    const counts = newCounts();
    const cluster = await startPrivateCluster();
    try {
      let typicalMs = 3000;
      for (let trial = 0; trial <= trials; trial++) {
        const db = await freshDatabase(cluster.url);
        const marked = markedProject({ before: 20, after: 20, bigRows: 5000 });
        try {
          if (trial === 0) {
            typicalMs = await timeTypicalDeploy(marked.project, db.url);
            continue;
          }
          counts.trials++;
          let ended = false;
          const running = deployIn(marked.project, db.url, ['--lock-wait', '30s']).finally(() => (ended = true));
          // The crash lands while migrations are being applied: once a random number of them is recorded.
          const target = 1 + Math.floor(random() * (marked.names.length - 2));
          const began = performance.now();
          while (!ended && performance.now() - began < typicalMs * 3) {
            const [row] = await db
              .query<{ n: number }>(`SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL`)
              .catch(() => [{ n: 0 }]);
            if (row!.n >= target) break;
            await sleep(5);
          }
          const crashedWhileRunning = !ended;
          await cluster.crash();
          const run = await running;
          await cluster.start();
          checkOutput(counts, run, `trial ${trial}`);
          const reported = run.stdout
            .split('\n')
            .filter((l) => l.includes('"type":"migration-applied"'))
            .map((l) => (JSON.parse(l) as { migration: string }).migration);
          counts.notes.reported = (counts.notes.reported ?? 0) + reported.length;
          if (crashedWhileRunning) counts.notes.crashesMidDeploy = (counts.notes.crashesMidDeploy ?? 0) + 1;
          if (run.code !== 0) {
            const code = errorCode(run);
            if (code !== 'LS_CONNECTION_LOST' && code !== 'LS_CONNECT_REFUSED' && code !== 'LS_SERVER_UNAVAILABLE') {
              counts.failures++;
              counts.problems.push(
                `trial ${trial}: exit ${run.code} ${code ?? ''} after the shutdown: ${run.stderr.slice(0, 300)}`,
              );
            }
          }
          const recorded = new Set(
            (
              await db
                .query<{ name: string }>(
                  `SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
                )
                .catch(() => [])
            ).map((r) => r.name),
          );
          const lost = reported.filter((name) => !recorded.has(name));
          counts.notes.reportedButLost = (counts.notes.reportedButLost ?? 0) + lost.length;
          if (lost.length > 0) {
            counts.lyingRows += lost.length;
            counts.problems.push(`trial ${trial}: reported as applied but undone by the crash: ${lost.join(', ')}`);
          }
          counts.notes.committedNotReported =
            (counts.notes.committedNotReported ?? 0) + [...recorded].filter((n) => !reported.includes(n)).length;
          await checkAgainstHistory(db, marked, counts, `trial ${trial}`);
          const runs = await converge(marked.project, db.url, counts, `trial ${trial}`);
          if (runs) await checkConverged(db, marked, counts, `trial ${trial}`);
          log(
            `shutdown: trial ${trial}: ${reported.length} reported, ${recorded.size} survived, exit ${run.code} ${errorCode(run) ?? ''}, ${runs ? 'converged' : 'did not converge'}`,
          );
        } finally {
          await db.drop();
          marked.project.cleanup();
        }
      }
    } finally {
      await cluster.destroy();
    }
    return counts;
  },
};
