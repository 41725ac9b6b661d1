import { enabledInProduction, typeormOptionObjects } from '../code/typeorm-options.js';
import type { Pipeline } from '../scan/pipelines.js';
import type { ProjectScan } from '../scan/project-scan.js';
import type { DoctorCheck } from '../types.js';

/** The pipelines that start the app of a package with more than one replica. */
export function replicatedApps(scan: ProjectScan, packageDir: string): Pipeline[] {
  return scan.pipelines.filter(
    (p) =>
      p.replicas > 1 &&
      p.commands.some((c) => c.phase === 'start' && c.kind === 'app-start' && (c.packageDir === packageDir || packageDir === '')),
  );
}

export const typeormMigrationsRunWithReplicas: DoctorCheck = {
  meta: {
    id: 'typeorm-migrations-run-with-replicas',
    scope: 'typeorm',
    severity: 'warning',
    title: '`migrationsRun: true` with several replicas',
    why: 'Every replica runs the pending migrations when it starts, and TypeORM takes no lock: two replicas apply the same migration at once, one fails ("already exists") and crash-loops, or a data migration runs twice.',
    fix: 'Set `migrationsRun: false` and apply migrations once per release, before the replicas start: `lockstep deploy` in a release step or init container.',
    fixable: false,
    doc: {
      what: "A TypeORM options object whose `migrationsRun` is true in production (evaluated as for typeorm-synchronize), in a package whose app runs with more than one replica: compose `deploy.replicas` or `scale`, a Kubernetes Deployment or StatefulSet with `replicas` (or an autoscaler's `minReplicas`) above 1.",
      why: 'With `migrationsRun`, `DataSource.initialize()` runs pending migrations in every process. TypeORM has no migration lock (typeorm/typeorm#4588), so replicas that start together run the same migrations concurrently: the second fails on "relation already exists" and restarts, a non-idempotent data migration is applied twice, and during a rolling deploy the old replicas serve traffic on a schema that is changing under them.',
      fix: 'Turn `migrationsRun` off and run migrations once, before the new replicas start: `lockstep deploy` (which takes a lock, so concurrent runs wait instead of racing) as a release step, a Kubernetes Job or init container, or `lockstep deploy -- node dist/main.js` as the entrypoint.',
      example: {
        file: 'src/data-source.ts',
        bad: "export const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  migrations: [`${__dirname}/migration/*.{ts,js}`],\n  migrationsRun: true,\n});",
        good: "export const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  migrations: [`${__dirname}/migration/*.{ts,js}`],\n  migrationsRun: false,\n});",
      },
    },
  },
  run(scan, report) {
    for (const options of typeormOptionObjects(scan)) {
      const on = enabledInProduction(options, 'migrationsRun');
      if (!on) continue;
      const pkg = scan.packageOf(options.source.path)?.dir ?? '';
      const replicated = replicatedApps(scan, pkg);
      if (replicated.length === 0) continue;
      const most = replicated.reduce((a, b) => (b.replicas > a.replicas ? b : a));
      report({
        file: options.source.file,
        offset: on.property.start,
        message: `migrationsRun is true${on.literal ? '' : ` when ${on.scenario.name}`} and ${most.label} runs ${most.replicas} replicas: each runs the pending migrations at start, with no lock between them.`,
      });
    }
  },
};
