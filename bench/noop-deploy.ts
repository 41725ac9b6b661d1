import {
  drizzleKitMigrate,
  generateCorpus,
  lockstepDeploy,
  MIGRATIONS,
  ms,
  RUNS,
  rounds,
  run,
  spread,
  summarize,
  table,
  verdict,
  withDatabase,
  type ProcessResult,
  type Scenario,
} from './support.js';

const TARGET_MS = 300;

export const noopDeploy: Scenario = {
  name: 'noop-deploy',
  async run() {
    const corpus = generateCorpus();
    // One database per tool, with all migrations applied by that tool before the timed runs.
    return withDatabase((lockstepUrl) =>
      withDatabase(async (drizzleUrl) => {
        await lockstepDeploy(corpus.prismaProject, lockstepUrl);
        await drizzleKitMigrate(corpus.drizzleConfig, drizzleUrl);
        const runners: Record<string, { label: string; start: () => Promise<ProcessResult> }> = {
          lockstep: { label: '`lockstep deploy`', start: () => lockstepDeploy(corpus.prismaProject, lockstepUrl) },
          drizzleKit: {
            label: '`drizzle-kit migrate` (drizzle.config.ts)',
            start: () => drizzleKitMigrate(corpus.drizzleConfig, drizzleUrl),
          },
          node: { label: '`node -e ""` (Node.js start-up alone, for reference)', start: () => run(process.execPath, ['-e', '']) },
        };
        const samples = await rounds(runners, async ({ start }) => (await start()).ms);
        const s = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, summarize(values)]));
        const lockstep = s.lockstep!;
        return [
          '## No-op deploy',
          '',
          `A deploy with nothing to do: all ${MIGRATIONS} migrations of the corpus above are already applied. This is what every application start pays when the deploy runs before the app. Wall time of the whole process; median of ${RUNS} (min–max).`,
          '',
          table(
            ['Runner', 'Wall time'],
            Object.entries(runners).map(([key, { label }]) => [label, spread(s[key]!)]),
          ),
          '',
          `- Target: lockstep under ${TARGET_MS} ms: ${verdict(lockstep.median < TARGET_MS)} (median ${ms(lockstep.median)}, slowest run ${ms(lockstep.max)}).`,
        ].join('\n');
      }),
    );
  },
};
