import { commandText, at } from '../check-helpers.js';
import { serverStarts } from '../code/server-start.js';
import { swallowedMigrations } from '../code/swallowed-failures.js';
import { MIGRATOR_KINDS } from '../scan/command-kinds.js';
import { order } from '../scan/pipelines.js';
import type { DoctorCheck } from '../types.js';

const STARTS = new Set(['app-start']);

export const migrateFailureIgnored: DoctorCheck = {
  meta: {
    id: 'migrate-failure-ignored',
    scope: 'general',
    severity: 'error',
    title: 'The app starts even when the migration failed',
    why: 'A failed migration leaves the schema behind the code (or half changed), and the app starts on it anyway: queries fail, and nothing in the deploy says the migration failed.',
    fix: 'Let a failed migration stop the start: join them with `&&` (or `set -e` at the top of the script, or `|| exit 1`), and in code rethrow or exit in the catch; or run `lockstep deploy -- node dist/server.js`, which starts the app only after success.',
    fixable: false,
    doc: {
      what: "A shell sequence that runs a migration (`prisma migrate deploy`, `drizzle-kit migrate`, `typeorm migration:run`, `lockstep deploy`, a migration script) and then starts the app whatever the migration returned: on separate lines or after `;` in a script without `set -e` (`sh start.sh`, a Dockerfile `CMD`, a package.json script), or after `migrate || echo ...`. And code that catches a migration's failure and carries on: `try { await migrate(db, ...) } catch (e) { console.error(e) }` (drizzle-orm's `migrate()`, TypeORM's `runMigrations()`, lockstep's `deploy()`, a migrator started with `execSync`), or `migrate(...).catch(console.error)`, when only logging happens in the handler. A migration that is a condition (`if ! prisma migrate deploy; then exit 1; fi`), a `|| exit 1` after it, a handler that rethrows, returns, exits, sets `process.exitCode` or records the failure, and a `finally` block are not flagged.",
      why: 'A shell runs the next line whatever the last one returned, unless the script says `set -e`: the migration fails (a lock timeout, a constraint that existing rows violate), the error scrolls by in the log, and the server starts on a schema that lacks what the new code needs. Every request that touches the change fails, the container is healthy, and the deploy is reported as a success. A catch that only logs does the same in code, and a migration script that catches its own failure exits 0, so `migrate && start` starts the app too.',
      fix: "Chain the start to the migration's success: `npx prisma migrate deploy && node server.js`, `set -e` as the first line of the script, or `npx prisma migrate deploy || exit 1`. In code, let the error propagate (rethrow, or `process.exit(1)` in the catch). Or use `lockstep deploy -- node server.js`, which starts the app only when every migration succeeded.",
      example: {
        file: 'start.sh',
        bad: '#!/bin/sh\necho "Running migrations"\nnpx prisma migrate deploy\n\necho "Starting the server"\nnode server.js',
        good: '#!/bin/sh\nset -e\necho "Running migrations"\nnpx prisma migrate deploy\n\necho "Starting the server"\nexec node server.js',
      },
    },
  },
  run(scan, report) {
    // Shell: the app starts after a migration whose failure nothing checks.
    for (const pipeline of scan.pipelines) {
      const migrations = pipeline.commands.filter(
        (c) => MIGRATOR_KINDS.has(c.kind) && c.phase !== 'build' && !c.tested && !c.background,
      );
      const reported = new Set<number>();
      for (const start of pipeline.commands.filter((c) => STARTS.has(c.kind) && c.phase !== 'build')) {
        const ignored = migrations.find(
          (m) =>
            m.step < start.step &&
            start.failureIgnored.includes(m.step) &&
            m.site.start !== start.site.start &&
            order(m, start) === 'before' &&
            !reported.has(m.step),
        );
        if (!ignored) continue;
        reported.add(ignored.step);
        const sameFile = ignored.site.file === start.site.file;
        report({
          file: ignored.site.file,
          offset: ignored.site.start,
          message: `\`${commandText(start)}\` (${at(start)}) starts the app even when \`${commandText(ignored)}\` fails: ${sameFile ? `${ignored.site.file.path} runs them one after the other without \`set -e\`, \`&&\` or \`|| exit 1\`` : 'nothing between them stops on the failure'} (${pipeline.label}).`,
          related: [{ file: start.site.file, offset: start.site.start, message: 'the app starts here' }],
        });
      }
    }
    // Code: a catch (or .catch) that only logs the migration's failure.
    const runners = new Map<string, boolean>();
    for (const command of scan.commands) {
      if (!command.source || command.phase === 'build') continue;
      const startsAfter = command.pipeline.commands.some(
        (c) => STARTS.has(c.kind) && c.source !== command.source && order(command, c) === 'before',
      );
      runners.set(command.source, (runners.get(command.source) ?? false) || startsAfter || command.kind === 'app-start');
    }
    for (const path of scan.sources.containing(/migrate|runMigrations|deploy/)) {
      const source = scan.sources.parse(path);
      if (!source) continue;
      const swallowed = swallowedMigrations(source);
      if (swallowed.length === 0) continue;
      const serves = serverStarts(source).length > 0;
      const run = runners.get(path);
      if (!serves && run === undefined) continue;
      for (const { call, what, handler } of swallowed) {
        const line = source.file.position(handler.start).line;
        report({
          file: source.file,
          offset: call.start,
          severity: serves || run ? 'error' : 'warning',
          message: `\`${what}\` fails into a handler that only logs (${path}:${line}), and ${serves ? 'the module goes on to start the server' : run ? 'the script exits 0, so the app starts after it' : 'the script exits 0, as if the migration had succeeded'}.`,
          fix: 'Rethrow the error (or call `process.exit(1)`) in the handler, so that the app does not start on a schema the migration did not finish.',
        });
      }
    }
  },
};
