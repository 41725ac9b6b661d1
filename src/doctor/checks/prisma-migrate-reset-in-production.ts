import { commandsOfKind, commandText, findingAt, runsWhere } from '../check-helpers.js';
import type { DoctorCheck } from '../types.js';

export const prismaMigrateResetInProduction: DoctorCheck = {
  meta: {
    id: 'prisma-migrate-reset-in-production',
    scope: 'prisma',
    severity: 'error',
    title: '`prisma migrate reset` in a production path',
    why: '`migrate reset` drops the database (or every table in it) and re-creates it from the migrations: every row is gone.',
    fix: 'Remove it from the production path; apply migrations with `lockstep deploy` (or `prisma migrate deploy`).',
    fixable: false,
    doc: {
      what: 'A `prisma migrate reset` command in a production path.',
      why: '`migrate reset` drops the database, creates it again, applies every migration and runs the seed script. With `--force` (which a non-interactive deploy needs) it does so without asking. In production that is the loss of all data.',
      fix: 'Keep `migrate reset` in development and test scripts only (a script named `migrate:reset` or `db:reset` that production does not call is not flagged). Apply migrations in production with `lockstep deploy` or `prisma migrate deploy`.',
      example: {
        file: '.github/workflows/deploy.yml',
        bad: 'jobs:\n  deploy:\n    environment: production\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx prisma migrate reset --force',
        good: 'jobs:\n  deploy:\n    environment: production\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx lockstep deploy',
      },
    },
  },
  run(scan, report) {
    for (const command of commandsOfKind(scan, 'prisma-migrate-reset')) {
      report(
        findingAt(
          command,
          `\`${commandText(command)}\` ${runsWhere(command)}: it drops the production database and every row in it.`,
        ),
      );
    }
  },
};
