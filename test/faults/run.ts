/**
 * The fault-injection suite: `npm run test:faults [scenario...] [--trials N] [--seed N]`.
 * Needs the built CLI (the script builds it), a PostgreSQL superuser URL in LOCKSTEP_FAULTS_PG_URL
 * (default postgresql://postgres@127.0.0.1:5432/postgres) and, for the shutdown scenario, initdb
 * and pg_ctl (LOCKSTEP_FAULTS_PG_BIN, default /usr/lib/postgresql/15/bin). Prints the counts of
 * every scenario and exits 1 on any violation.
 */
import { SCENARIOS } from './scenarios/index.js';
import { seeded, violations, type Counts } from './support.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const trialsOverride = option('--trials');
const seed = Number(option('--seed') ?? Date.now() % 100000);
const unknown = args.filter((a) => !SCENARIOS.some((s) => s.name === a));
if (unknown.length > 0) {
  console.error(`Unknown scenario ${unknown.join(', ')}; choose from ${SCENARIOS.map((s) => s.name).join(', ')}.`);
  process.exit(2);
}
const selected = args.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => args.includes(s.name));
const adminUrl = process.env.LOCKSTEP_FAULTS_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

console.log(`lockstep fault-injection suite, seed ${seed}`);
const results: Array<[string, Counts, number]> = [];
for (const scenario of selected) {
  const trials = trialsOverride ? Number(trialsOverride) : scenario.fullTrials;
  console.log(`\n== ${scenario.name}: ${scenario.description}`);
  const began = performance.now();
  let counts: Counts;
  try {
    counts = await scenario.run({ adminUrl, trials, random: seeded(seed), log: (line) => console.log(`  ${line}`) });
  } catch (error) {
    counts = {
      trials: 0,
      failures: 1,
      lyingRows: 0,
      stackTraces: 0,
      internalErrors: 0,
      notes: {},
      problems: [`the scenario itself failed: ${error instanceof Error ? error.stack : String(error)}`],
    };
  }
  const seconds = (performance.now() - began) / 1000;
  results.push([scenario.name, counts, seconds]);
  for (const problem of counts.problems) console.log(`  VIOLATION ${problem}`);
  console.log(
    `  ${scenario.name}: trials ${counts.trials}, failures ${counts.failures}, lying rows ${counts.lyingRows}, stack traces ${counts.stackTraces}, LS_INTERNAL ${counts.internalErrors}` +
      `${
        Object.keys(counts.notes).length
          ? `; ${Object.entries(counts.notes)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`
          : ''
      } (${seconds.toFixed(0)} s)`,
  );
}

console.log('\n| Scenario | Trials | Failures | Lying rows | Stack traces | LS_INTERNAL | Other figures | Time |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [name, c, seconds] of results) {
  console.log(
    `| ${name} | ${c.trials} | ${c.failures} | ${c.lyingRows} | ${c.stackTraces} | ${c.internalErrors} | ${Object.entries(c.notes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} | ${seconds.toFixed(0)} s |`,
  );
}
const total = results.reduce((sum, [, c]) => sum + violations(c), 0);
console.log(total === 0 ? '\nNo violations.' : `\n${total} violation${total === 1 ? '' : 's'}.`);
process.exit(total === 0 ? 0 : 1);
