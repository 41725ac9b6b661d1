import {
  checkAgainstHistory,
  checkOutput,
  deployIn,
  errorCode,
  freshDatabase,
  markedProject,
  newCounts,
  type Scenario,
} from '../support.js';

/** N replicas start `lockstep deploy` at the same moment against one database: each migration must apply once, every run must succeed. */
export const replicas: Scenario = {
  name: 'replicas',
  description: 'N deploys of the same project start at once against one database (as replicas of a service do).',
  fullTrials: 4,
  sliceTrials: 1,
  async run({ adminUrl, trials, log }) {
    const counts = newCounts();
    const replicasPerTrial = trials > 2 ? 12 : 4;
    counts.notes.replicasPerTrial = replicasPerTrial;
    for (let trial = 1; trial <= trials; trial++) {
      const db = await freshDatabase(adminUrl);
      const marked = markedProject({ before: 6, after: 6, bigRows: 2000 });
      try {
        counts.trials++;
        const runs = await Promise.all(
          Array.from({ length: replicasPerTrial }, () => deployIn(marked.project, db.url, ['--lock-wait', '120s'])),
        );
        for (const [i, run] of runs.entries()) {
          checkOutput(counts, run, `trial ${trial} replica ${i}`);
          if (run.code !== 0) {
            counts.failures++;
            counts.problems.push(
              `trial ${trial} replica ${i}: exit ${run.code} ${errorCode(run) ?? ''}: ${run.stderr.slice(0, 300)}`,
            );
          }
        }
        const appliedEvents = runs.flatMap((run) =>
          run.stdout.split('\n').filter((l) => l.includes('"type":"migration-applied"')),
        );
        counts.notes.doubleApplies = (counts.notes.doubleApplies ?? 0) + Math.max(0, appliedEvents.length - marked.names.length);
        if (appliedEvents.length !== marked.names.length) {
          counts.failures++;
          counts.problems.push(
            `trial ${trial}: ${appliedEvents.length} migration-applied reports for ${marked.names.length} migrations`,
          );
        }
        const recorded = await checkAgainstHistory(db, marked, counts, `trial ${trial}`);
        if (recorded !== marked.names.length) {
          counts.failures++;
          counts.problems.push(`trial ${trial}: ${recorded} of ${marked.names.length} recorded`);
        }
        const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM _prisma_migrations`);
        if (rows[0]!.n !== marked.names.length) {
          counts.failures++;
          counts.problems.push(`trial ${trial}: ${rows[0]!.n} history rows for ${marked.names.length} migrations`);
        }
        const audit = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM lockstep.audit_log WHERE event = 'migration-applied'`,
        );
        if (audit[0]!.n !== marked.names.length) {
          counts.failures++;
          counts.problems.push(
            `trial ${trial}: ${audit[0]!.n} migration-applied audit rows for ${marked.names.length} migrations`,
          );
        }
        log(`replicas: trial ${trial}: ${replicasPerTrial} replicas, ${runs.filter((r) => r.code === 0).length} succeeded`);
      } finally {
        await db.drop();
        marked.project.cleanup();
      }
    }
    return counts;
  },
};
