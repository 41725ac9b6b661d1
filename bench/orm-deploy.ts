import { join } from 'node:path';
import {
  drizzleKitMigrate,
  drizzleMigrate,
  fingerprint,
  generateCorpus,
  lockstepDeploy,
  MIGRATIONS,
  ms,
  RUNS,
  rounds,
  spread,
  summarize,
  table,
  typeormMigrationRun,
  verdict,
  withDatabase,
  type ProcessResult,
  type Scenario,
} from './support.js';

type Runner = { label: string; apply: (url: string) => Promise<ProcessResult> };

/** Every sample applies everything to a new database and checks the resulting schema. */
async function measure(runners: Record<string, Runner>, expected: string) {
  const samples = await rounds(runners, ({ apply }) =>
    withDatabase(async (url) => {
      const { ms } = await apply(url);
      const found = await fingerprint(url);
      if (found !== expected) throw new Error(`unexpected schema after the run: ${found}; expected ${expected}`);
      return ms;
    }),
  );
  return Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, summarize(values)]));
}

/**
 * lockstep against each ORM's own runner on the same 500 migrations: Drizzle's journal through
 * drizzle-kit migrate and drizzle-orm migrate(), TypeORM's classes through typeorm migration:run.
 */
export const ormDeploy: Scenario = {
  name: 'orm-deploy',
  async run() {
    const corpus = generateCorpus();
    const corpusRoot = join(corpus.drizzleDir, '..');
    const drizzle: Record<string, Runner> = {
      lockstep: {
        label: '`lockstep deploy` (Drizzle project)',
        apply: (url) => lockstepDeploy(corpusRoot, url, ['--orm', 'drizzle']),
      },
      kit: { label: '`drizzle-kit migrate`', apply: (url) => drizzleKitMigrate(corpus.drizzleConfig, url) },
      orm: { label: 'drizzle-orm `migrate()` (node-postgres)', apply: (url) => drizzleMigrate(corpus.drizzleDir, url) },
    };
    const typeorm: Record<string, Runner> = {
      lockstep: { label: '`lockstep deploy` (TypeORM project)', apply: (url) => lockstepDeploy(corpus.typeormProject, url) },
      cli: { label: '`typeorm migration:run`', apply: (url) => typeormMigrationRun(corpus.typeormProject, url) },
    };
    const d = await measure(drizzle, corpus.expected);
    const t = await measure(typeorm, corpus.expected);
    const fastestDrizzle = Math.min(d.kit!.median, d.orm!.median);
    return [
      `## Deploy throughput per ORM: ${MIGRATIONS} migrations`,
      '',
      `The corpus of the throughput scenario above, as a Drizzle journal and as ${MIGRATIONS} compiled TypeORM migration classes (each running its statements through \`queryRunner.query\`, as \`typeorm migration:generate\` writes them; default transaction mode, \`all\`). Wall time of the whole process; median of ${RUNS} (min–max), each on a fresh database. lockstep's times include its extra work: the lock, timeouts, the audit log, and for Drizzle parsing and linting every file before applying it and one transaction per migration.`,
      '',
      table(
        ['Drizzle', 'Wall time'],
        Object.entries(drizzle).map(([key, { label }]) => [label, spread(d[key]!)]),
      ),
      '',
      table(
        ['TypeORM', 'Wall time'],
        Object.entries(typeorm).map(([key, { label }]) => [label, spread(t[key]!)]),
      ),
      '',
      `- Target: lockstep at least as fast as Drizzle's own runners: ${verdict(d.lockstep!.median <= fastestDrizzle)} (median ${ms(d.lockstep!.median)} against ${ms(fastestDrizzle)}).`,
      `- Target: lockstep at least as fast as \`typeorm migration:run\`: ${verdict(t.lockstep!.median <= t.cli!.median)} (median ${ms(t.lockstep!.median)} against ${ms(t.cli!.median)}).`,
    ].join('\n');
  },
};
