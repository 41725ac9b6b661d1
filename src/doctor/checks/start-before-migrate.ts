import { at, commandText, findingAt } from '../check-helpers.js';
import { MIGRATOR_KINDS } from '../scan/command-kinds.js';
import { order, type ProductionCommand } from '../scan/pipelines.js';
import type { ProjectScan } from '../scan/project-scan.js';
import type { DoctorCheck } from '../types.js';

const STARTS = new Set(['app-start', 'app-deploy']);

/**
 * A script fanned out to several workspace packages (`turbo run start`, `pnpm -r start`) runs
 * each package's part on its own: a package's app waits for its own migrations, not for those of
 * a package it does not depend on.
 */
function independentPackages(scan: ProjectScan, migration: ProductionCommand, start: ProductionCommand): boolean {
  if (migration.packageDir === start.packageDir || !start.parallel) return false;
  // The same lane, or another fan-out altogether: ordered as written.
  if (
    migration.parallel &&
    (migration.parallel.group !== start.parallel.group || migration.parallel.lane === start.parallel.lane)
  )
    return false;
  const migrating = scan.packages.find((p) => p.dir === migration.packageDir);
  const starting = scan.packages.find((p) => p.dir === start.packageDir);
  return !migrating?.name || !starting || !(migrating.name in starting.dependencies);
}

export const startBeforeMigrate: DoctorCheck = {
  meta: {
    id: 'start-before-migrate',
    scope: 'general',
    severity: 'error',
    title: 'The app starts before (or while) the migrations run',
    why: 'The new code serves requests against the old schema: every query that touches a new column or table fails until the migration finishes, and if it fails, the app keeps running on a schema it was not built for.',
    fix: 'Start the app only after the migrations succeeded: `lockstep deploy -- node dist/server.js`, `prisma migrate deploy && node dist/server.js`, a Procfile `release:` entry, or a compose dependency with `condition: service_completed_successfully`.',
    fixable: false,
    doc: {
      what: 'In one production pipeline, a command that starts the app (`node dist/server.js`, `next start`, `nest start`, `pm2-runtime`...) or rolls it out from CI (`fly deploy`, `kubectl apply`, `vercel --prod`, `helm upgrade`...) runs before a migration command (`lockstep deploy`, `prisma migrate deploy`, `drizzle-kit migrate`, `typeorm migration:run`, a script that runs a migrator), or at the same time: in the background (`&`), in parallel (`concurrently`, `run-p`), in a later `poststart` script, in a CI job that does not wait for the migration job (`needs`), or in a compose service that does not depend on the migration service with `condition: service_completed_successfully`.',
      why: 'The migration is what makes the schema match the code. When the app starts first, its first requests query columns and tables that do not exist yet. A `poststart` script only runs when `start` exits, which for a server is never; a backgrounded server is serving while the migration runs; a compose service without a completion condition starts as soon as the migration container starts.',
      fix: 'Chain them so that the app starts only after success: `lockstep deploy -- node dist/server.js` (or `&&`), run the migration in a Procfile `release:` entry or a deploy job the rollout `needs`, and in compose make the app `depends_on` the migration service with `condition: service_completed_successfully`.',
      example: {
        file: 'package.json',
        bad: '{\n  "scripts": {\n    "start": "node dist/server.js",\n    "poststart": "prisma migrate deploy"\n  }\n}',
        good: '{\n  "scripts": {\n    "start": "lockstep deploy -- node dist/server.js"\n  }\n}',
      },
    },
  },
  run(scan, report) {
    for (const pipeline of scan.pipelines) {
      const migrations = pipeline.commands.filter((c) => MIGRATOR_KINDS.has(c.kind) && c.phase !== 'build');
      if (migrations.length === 0) continue;
      for (const start of pipeline.commands.filter((c) => STARTS.has(c.kind) && c.phase !== 'build')) {
        // A start command that is itself the migrating program (awaited migrate() then listen) is judged by its code.
        const racing = migrations.find(
          (m) => m.site.start !== start.site.start && order(m, start) !== 'before' && !independentPackages(scan, m, start),
        );
        if (!racing) continue;
        const relation = order(racing, start) === 'after' ? 'before' : 'at the same time as';
        report(
          findingAt(
            start,
            `\`${commandText(start)}\` starts the app ${relation} \`${commandText(racing)}\` (${at(racing)}) in ${pipeline.label}: the app serves requests before the schema is migrated.`,
            {
              related: [{ file: racing.site.file, offset: racing.site.start, message: 'the migration' }],
            },
          ),
        );
      }
    }
    // Compose: an app service that does not wait for the service that migrates.
    const byFile = new Map<string, typeof scan.pipelines>();
    for (const pipeline of scan.pipelines) {
      if (pipeline.kind !== 'compose' || !pipeline.service) continue;
      const list = byFile.get(pipeline.service.file.path) ?? [];
      list.push(pipeline);
      byFile.set(pipeline.service.file.path, list);
    }
    for (const services of byFile.values()) {
      const migrating = services.filter((p) => p.commands.some((c) => MIGRATOR_KINDS.has(c.kind)));
      for (const app of services) {
        if (migrating.includes(app)) continue;
        const start = app.commands.find((c) => STARTS.has(c.kind)) as ProductionCommand | undefined;
        if (!start) continue;
        for (const migration of migrating) {
          // A service in a profile the migration service is not part of is not started with it (`profiles: [deprecated]`).
          const appProfiles = app.service!.profiles;
          if (appProfiles.length > 0 && !appProfiles.some((p) => migration.service!.profiles.includes(p))) continue;
          const dependency = app.service!.dependsOn.find((d) => d.service === migration.service!.name);
          if (dependency?.condition === 'service_completed_successfully') continue;
          const file = app.service!.file;
          report({
            file,
            offset: file.offset(app.service!.line),
            message: `compose service "${app.service!.name}" starts the app without waiting for service "${migration.service!.name}", which migrates the database${dependency ? ` (depends_on with condition ${dependency.condition} only waits for it to start)` : ''}.`,
            fix: `Add \`depends_on: { ${migration.service!.name}: { condition: service_completed_successfully } }\` to service "${app.service!.name}".`,
          });
        }
      }
    }
  },
};
