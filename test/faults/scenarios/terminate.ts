import {
  checkAgainstHistory,
  checkConverged,
  checkOutput,
  converge,
  deployIn,
  errorCode,
  freshDatabase,
  lockstepBackend,
  markedProject,
  newCounts,
  sleep,
  type Scenario,
} from '../support.js';

/**
 * The server ends lockstep's session (pg_terminate_backend) at a random moment, half of the time
 * during a CREATE INDEX CONCURRENTLY build. The run must end with LS_CONNECTION_LOST (exit 1) or
 * have finished (exit 0); never LS_INTERNAL, never a stack trace; and the next runs converge.
 */
export const terminate: Scenario = {
  name: 'terminate',
  description:
    "pg_terminate_backend of lockstep's session at a random moment, half of the trials during a CREATE INDEX CONCURRENTLY build.",
  fullTrials: 10,
  sliceTrials: 1,
  async run({ adminUrl, trials, random, log }) {
    const counts = newCounts();
    for (let trial = 1; trial <= trials; trial++) {
      const db = await freshDatabase(adminUrl);
      const marked = markedProject({ before: 4, after: 4, bigRows: 150_000 });
      try {
        counts.trials++;
        const duringBuild = trial % 2 === 1;
        let ended = false;
        const running = deployIn(marked.project, db.url).finally(() => (ended = true));
        let pid: number | undefined;
        if (duringBuild) {
          pid = await lockstepBackend(db, `query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active'`, () => ended);
          if (pid !== undefined) await sleep(random() * 200);
        } else {
          await sleep(random() * 2500);
          pid = await lockstepBackend(db, 'true', () => ended);
        }
        const terminated =
          pid !== undefined &&
          !ended &&
          (await db.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]))[0]?.ok === true;
        const run = await running;
        checkOutput(counts, run, `trial ${trial}`);
        const code = errorCode(run);
        if (terminated)
          counts.notes[duringBuild ? 'terminatedDuringBuild' : 'terminatedElsewhere'] =
            (counts.notes[duringBuild ? 'terminatedDuringBuild' : 'terminatedElsewhere'] ?? 0) + 1;
        if (run.code === 1 && code === 'LS_CONNECTION_LOST') {
          counts.notes.connectionLost = (counts.notes.connectionLost ?? 0) + 1;
        } else if (run.code !== 0) {
          counts.failures++;
          counts.problems.push(
            `trial ${trial}: exit ${run.code} ${code ?? ''} where LS_CONNECTION_LOST (exit 1) was expected: ${run.stderr.slice(0, 300)}`,
          );
        }
        await checkAgainstHistory(db, marked, counts, `trial ${trial}`);
        const runs = await converge(marked.project, db.url, counts, `trial ${trial}`);
        if (runs) await checkConverged(db, marked, counts, `trial ${trial}`);
        log(
          `terminate: trial ${trial} (${duringBuild ? 'during the build' : 'at a random moment'}): exit ${run.code} ${code ?? ''}, ${runs ? 'converged' : 'did not converge'}`,
        );
      } finally {
        await db.drop();
        marked.project.cleanup();
      }
    }
    return counts;
  },
};
