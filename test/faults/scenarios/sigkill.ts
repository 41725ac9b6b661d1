import type { ChildProcess } from 'node:child_process';
import {
  checkAgainstHistory,
  checkConverged,
  checkOutput,
  converge,
  deployIn,
  freshDatabase,
  lockstepBackend,
  lockstepGone,
  markedProject,
  newCounts,
  sleep,
  timeTypicalDeploy,
  type Scenario,
} from '../support.js';

/**
 * `lockstep deploy` is killed with SIGKILL at a random moment, half of the time while a CREATE
 * INDEX CONCURRENTLY runs. Afterwards no history row may claim what the database lacks, no
 * transactional migration may be half applied, and deploy (with --resume where lockstep asks for
 * it) must bring the database to every migration applied once.
 */
export const sigkill: Scenario = {
  name: 'sigkill',
  description: 'SIGKILL of the deploy process at a random moment, half of the trials inside a CREATE INDEX CONCURRENTLY build.',
  fullTrials: 16,
  sliceTrials: 1,
  async run({ adminUrl, trials, random, log }) {
    const counts = newCounts();
    // One run to time it: kills land anywhere between spawn and the end of a typical run.
    let typicalMs = 4000;
    for (let trial = 1; trial <= trials + 1; trial++) {
      const db = await freshDatabase(adminUrl);
      const marked = markedProject({ before: 4, after: 4, bigRows: 150_000 });
      try {
        if (trial === 1) {
          typicalMs = await timeTypicalDeploy(marked.project, db.url);
          continue;
        }
        counts.trials++;
        const insideBuild = trial % 2 === 0;
        let child: ChildProcess | undefined;
        let ended = false;
        const running = deployIn(marked.project, db.url, [], { onSpawn: (c) => (child = c) }).finally(() => (ended = true));
        if (insideBuild) {
          const pid = await lockstepBackend(db, `query LIKE 'CREATE INDEX CONCURRENTLY%'`, () => ended);
          if (pid !== undefined) await sleep(random() * 300);
        } else {
          await sleep(random() * typicalMs);
        }
        const killedWhile = insideBuild ? 'inside the build' : 'at a random moment';
        const wasRunning = !ended;
        child?.kill('SIGKILL');
        const run = await running;
        checkOutput(counts, run, `trial ${trial}`);
        if (wasRunning && run.signal === 'SIGKILL')
          counts.notes[insideBuild ? 'killsInsideBuild' : 'killsElsewhere'] =
            (counts.notes[insideBuild ? 'killsInsideBuild' : 'killsElsewhere'] ?? 0) + 1;
        // The killed run's session may still be running its statement; the history is read once it is done.
        await lockstepGone(db);
        await checkAgainstHistory(db, marked, counts, `trial ${trial} (killed ${killedWhile})`);
        const runs = await converge(marked.project, db.url, counts, `trial ${trial}`);
        if (runs) {
          if (runs.length > 1) counts.notes.resumed = (counts.notes.resumed ?? 0) + 1;
          if (runs.some((r) => r.stdout.includes('"type":"index-already-built"')))
            counts.notes.indexFoundBuilt = (counts.notes.indexFoundBuilt ?? 0) + 1;
          if (runs.some((r) => r.stdout.includes('"type":"invalid-index-dropped"')))
            counts.notes.invalidIndexRebuilt = (counts.notes.invalidIndexRebuilt ?? 0) + 1;
          await checkConverged(db, marked, counts, `trial ${trial}`);
        }
        log(
          `sigkill: trial ${trial} (${killedWhile}): ${runs ? `converged in ${runs.length} run${runs.length > 1 ? 's' : ''}` : 'did not converge'}`,
        );
      } finally {
        await db.drop();
        marked.project.cleanup();
      }
    }
    return counts;
  },
};
