import { commandsOfKind, commandText, findingAt, runsWhere } from '../check-helpers.js';
import type { DoctorCheck } from '../types.js';

export const prismaDbPushInProduction: DoctorCheck = {
  meta: {
    id: 'prisma-db-push-in-production',
    scope: 'prisma',
    severity: 'error',
    title: '`prisma db push` in a production path',
    why: '`db push` makes the database match the schema with no migration history, dropping columns and tables (with --accept-data-loss) that the schema no longer has.',
    fix: 'Generate migrations with `prisma migrate dev` during development and apply them in production with `lockstep deploy` (or `prisma migrate deploy`).',
    fixable: false,
    doc: {
      what: 'A `prisma db push` command in a package.json script that production runs, a Dockerfile `RUN`/`CMD`/`ENTRYPOINT`, a Procfile, a compose `command`, a Kubernetes container, a deploy job of GitHub Actions or GitLab CI, or a shell script one of those runs, through npx, pnpm, yarn, dotenv or `npm run` chains.',
      why: '`db push` diffs the schema against the live database and applies the difference directly: no migration files, no history table, no review. A renamed field becomes a dropped column, a removed model a dropped table, and `--accept-data-loss` (needed in CI, where there is no prompt) drops them without asking. The database then has no `_prisma_migrations` history, so the first real `prisma migrate deploy` fails with P3005.',
      fix: 'Commit migrations made with `prisma migrate dev` and apply them with `lockstep deploy` (or `prisma migrate deploy`) in the release step. A database that was only ever pushed needs a baseline first: `lockstep baseline`.',
      example: {
        file: 'package.json',
        bad: '{\n  "scripts": {\n    "start": "prisma db push --accept-data-loss && node dist/server.js"\n  }\n}',
        good: '{\n  "scripts": {\n    "start": "lockstep deploy -- node dist/server.js"\n  }\n}',
      },
    },
  },
  run(scan, report) {
    for (const command of commandsOfKind(scan, 'prisma-db-push')) {
      report(
        findingAt(
          command,
          `\`${commandText(command)}\` ${runsWhere(command)}: it changes the production schema without a migration and can drop columns and tables.`,
        ),
      );
    }
  },
};
