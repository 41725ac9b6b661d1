import {
  drizzleMigrate,
  fingerprint,
  generateCorpus,
  lockstepDeploy,
  MIGRATIONS,
  ms,
  psqlFile,
  RUNS,
  rounds,
  spread,
  summarize,
  table,
  verdict,
  withDatabase,
  type ProcessResult,
  type Scenario,
} from './support.js';

export const deployThroughput: Scenario = {
  name: 'deploy-throughput',
  async run() {
    const corpus = generateCorpus();
    const runners: Record<string, { label: string; apply: (url: string) => Promise<ProcessResult> }> = {
      psql: { label: 'psql, one session, every file with `\\i` (the floor)', apply: (url) => psqlFile(corpus.psqlScript, url) },
      lockstep: { label: '`lockstep deploy`', apply: (url) => lockstepDeploy(corpus.prismaProject, url) },
      lockstepNoAudit: {
        label: '`lockstep deploy --no-audit`',
        apply: (url) => lockstepDeploy(corpus.prismaProject, url, ['--no-audit']),
      },
      drizzle: {
        label: 'drizzle-orm `migrate()` (node-postgres) on the same SQL as a Drizzle journal',
        apply: (url) => drizzleMigrate(corpus.drizzleDir, url),
      },
    };
    // Every sample applies everything to a new database, then checks the resulting schema.
    const samples = await rounds(runners, ({ apply }) =>
      withDatabase(async (url) => {
        const { ms } = await apply(url);
        const found = await fingerprint(url);
        if (found !== corpus.expected) throw new Error(`unexpected schema after the run: ${found}; expected ${corpus.expected}`);
        return ms;
      }),
    );
    const s = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, summarize(values)]));
    const floor = s.psql!.median;
    const lockstep = s.lockstep!;
    const drizzle = s.drizzle!;
    const ratio = lockstep.median / floor;
    return [
      `## Deploy throughput: ${MIGRATIONS} migrations`,
      '',
      `${MIGRATIONS} generated migrations, ${corpus.statements} statements (CREATE TYPE ... AS ENUM, CREATE TABLE with a primary key, CREATE [UNIQUE] INDEX, ALTER TABLE ... ADD COLUMN, ADD CONSTRAINT ... FOREIGN KEY), applied to an empty database. Wall time of the whole process, start-up included; median of ${RUNS} (min–max), each on a fresh database.`,
      '',
      table(
        ['Runner', 'Wall time', 'vs psql'],
        Object.entries(runners).map(([key, { label }]) => [label, spread(s[key]!), `${(s[key]!.median / floor).toFixed(2)}x`]),
      ),
      '',
      `- Target: lockstep at most 1.3x the psql floor: ${verdict(ratio <= 1.3)} (${ratio.toFixed(2)}x).`,
      `- Target: lockstep faster than drizzle-orm \`migrate()\`: ${verdict(lockstep.median < drizzle.median)} (median ${ms(lockstep.median)} against ${ms(drizzle.median)}).`,
    ].join('\n');
  },
};
