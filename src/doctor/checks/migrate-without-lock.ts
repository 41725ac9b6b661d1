import { commandText, findingAt } from '../check-helpers.js';
import type { ProductionCommand } from '../scan/pipelines.js';
import type { DoctorCheck } from '../types.js';

/** Migrators that take no lock: concurrent runs race. */
const LOCKLESS = new Set(['drizzle-kit-migrate', 'typeorm-migration-run', 'migrate-script']);

export const migrateWithoutLock: DoctorCheck = {
  meta: {
    id: 'migrate-without-lock',
    scope: 'general',
    severity: 'warning',
    title: 'Several processes migrate at once, with no lock between them',
    why: 'drizzle-orm, drizzle-kit and TypeORM take no lock: replicas that start together apply the same migration concurrently, and one fails ("already exists") or a data migration runs twice.',
    fix: 'Migrate once per release before the replicas start, or with a migrator that locks: `lockstep deploy` (its advisory lock makes concurrent runs wait and then find nothing to do).',
    fixable: false,
    doc: {
      what: "A migrator without a lock (`drizzle-kit migrate`, drizzle-orm's `migrate()` in a script or the app, `typeorm migration:run`, a script that calls `runMigrations()`) in the start command of something that runs several copies at once: a compose service with `deploy.replicas`/`scale` above 1, a Kubernetes Deployment or StatefulSet with more than one replica (or an autoscaler's `minReplicas`); or in more than one compose service (a migration job and the app) that do not wait for each other. `prisma migrate deploy` and `lockstep deploy` take an advisory lock and are not flagged.",
      why: 'Each replica reads the history table, finds the same pending migrations and applies them. Without a lock the runs interleave: the second fails on "relation already exists" and its container restarts (and may keep crash-looping while the first holds locks), a migration that is not idempotent (a backfill, an INSERT) is applied twice, and drizzle-orm\'s one-transaction-for-all-files can deadlock against the other run (drizzle-team/drizzle-orm#874, typeorm/typeorm#4588).',
      fix: 'Run the migration once per release before the replicas start (a release step, a Kubernetes Job or init container that the Deployment waits for), or replace the migrator with `lockstep deploy`, which takes a database lock so that concurrent runs wait and then find nothing to do: `lockstep deploy -- node dist/server.js`.',
      example: {
        file: 'docker-compose.yml',
        bad: 'services:\n  api:\n    build: .\n    command: sh -c "npx drizzle-kit migrate && node dist/server.js"\n    deploy:\n      replicas: 3',
        good: 'services:\n  api:\n    build: .\n    command: npx lockstep deploy -- node dist/server.js\n    deploy:\n      replicas: 3',
      },
    },
  },
  run(scan, report) {
    const runtime = scan.pipelines.filter((p) => p.kind === 'compose' || p.kind === 'kubernetes');
    const lockless = (commands: ProductionCommand[]) => commands.filter((c) => LOCKLESS.has(c.kind) && c.phase !== 'build');
    for (const pipeline of runtime) {
      if (pipeline.replicas <= 1) continue;
      for (const command of lockless(pipeline.commands)) {
        report(
          findingAt(
            command,
            `\`${commandText(command)}\` runs in each of the ${pipeline.replicas} replicas of ${pipeline.label}, with no lock between them.`,
          ),
        );
      }
    }
    // Two compose services that both migrate and do not wait for each other.
    const composeMigrators = runtime.filter((p) => p.kind === 'compose' && p.replicas <= 1 && lockless(p.commands).length > 0);
    for (const a of composeMigrators) {
      for (const b of composeMigrators) {
        if (a === b || a.service!.file !== b.service!.file) continue;
        const waits = (x: typeof a, y: typeof a) =>
          x.service!.dependsOn.some((d) => d.service === y.service!.name && d.condition === 'service_completed_successfully');
        if (waits(a, b) || waits(b, a) || a.service!.name > b.service!.name) continue;
        const command = lockless(a.commands)[0]!;
        report(
          findingAt(
            command,
            `compose services "${a.service!.name}" and "${b.service!.name}" both run migrations when they start, at the same time and with no lock between them.`,
          ),
        );
      }
    }
  },
};
