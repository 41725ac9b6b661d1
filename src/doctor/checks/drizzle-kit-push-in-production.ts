import { commandsOfKind, commandText, findingAt, runsWhere } from '../check-helpers.js';
import type { DoctorCheck } from '../types.js';

export const drizzleKitPushInProduction: DoctorCheck = {
  meta: {
    id: 'drizzle-kit-push-in-production',
    scope: 'drizzle',
    severity: 'error',
    title: '`drizzle-kit push` in a production path',
    why: '`drizzle-kit push` applies the schema diff directly, with no migration files or history; with `--force` it truncates or drops tables and columns without asking.',
    fix: 'Generate migrations with `drizzle-kit generate`, commit them, and apply them with `lockstep deploy` (or `drizzle-kit migrate`).',
    fixable: false,
    doc: {
      what: 'A `drizzle-kit push` command (also `push:pg`, `push:mysql`, `push:sqlite`) in a production path.',
      why: '`push` compares the TypeScript schema with the live database and changes the database to match. A rename can become a drop and an add; a type change can truncate a table (drizzle-kit asks "Yes, I want to truncate", and `--force` says yes). Nothing is recorded in `__drizzle_migrations`, so the database has no history to deploy against later.',
      fix: "Use `drizzle-kit generate` in development, commit the `out` folder, and apply it with `lockstep deploy` (or `drizzle-kit migrate` / drizzle-orm's `migrate()`, awaited, before the server listens). A pushed database needs a baseline first: `lockstep baseline`.",
      example: {
        file: 'package.json',
        bad: '{\n  "scripts": {\n    "deploy": "drizzle-kit push --force && node dist/server.js"\n  }\n}',
        good: '{\n  "scripts": {\n    "deploy": "lockstep deploy -- node dist/server.js"\n  }\n}',
      },
    },
  },
  run(scan, report) {
    for (const command of commandsOfKind(scan, 'drizzle-kit-push')) {
      report(
        findingAt(
          command,
          `\`${commandText(command)}\` ${runsWhere(command)}: it changes the production schema without a migration and may truncate or drop data.`,
        ),
      );
    }
  },
};
