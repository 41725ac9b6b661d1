import { commandsOfKind, commandText, findingAt, runsWhere } from '../check-helpers.js';
import type { DoctorCheck } from '../types.js';

export const prismaMigrateDevInProduction: DoctorCheck = {
  meta: {
    id: 'prisma-migrate-dev-in-production',
    scope: 'prisma',
    severity: 'error',
    title: '`prisma migrate dev` in a production path',
    why: '`migrate dev` is a development command: it needs a shadow database, generates new migrations from schema changes, and offers to reset (drop) the database when it finds drift.',
    fix: 'Use `lockstep deploy` (or `prisma migrate deploy`) in production; keep `migrate dev` for development machines.',
    fixable: false,
    doc: {
      what: 'A `prisma migrate dev` command in a production path (see "How production paths are found"). A script that is production only by a name development uses too (`migrate`, `db:migrate`) and runs `prisma migrate dev` is the local workflow, and is flagged only when something production runs calls it.',
      why: '`migrate dev` creates a shadow database (which production credentials usually may not do: P3014), writes new migration files from whatever the schema says, applies them, and when the database drifted from the history it asks to reset the database: all data lost. In a non-interactive deploy it either fails or, with `--force`-style flags and wrappers, does things nobody reviewed.',
      fix: 'Run `prisma migrate dev` on a development machine, commit the migration folders, and apply them in production with `lockstep deploy` or `prisma migrate deploy`.',
      example: {
        file: 'Dockerfile',
        bad: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD npx prisma migrate dev && node dist/server.js',
        good: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["npx", "lockstep", "deploy", "--", "node", "dist/server.js"]',
      },
    },
  },
  run(scan, report) {
    for (const command of commandsOfKind(scan, 'prisma-migrate-dev')) {
      // `"db:migrate": "prisma migrate dev"` is the local workflow unless something production runs calls it.
      if (command.pipeline.byAmbiguousName) continue;
      report(
        findingAt(
          command,
          `\`${commandText(command)}\` ${runsWhere(command)}: \`migrate dev\` needs a shadow database, generates migrations and may reset the database.`,
        ),
      );
    }
  },
};
