import { joinPath } from '../scan/file-index.js';
import type { DoctorCheck } from '../types.js';

export const prismaPushOnlyHistory: DoctorCheck = {
  meta: {
    id: 'prisma-push-only-history',
    scope: 'prisma',
    severity: 'error',
    title: 'A Prisma schema with no migrations',
    why: 'With no migrations folder the database can only have been pushed: there is nothing to deploy, and the first `prisma migrate deploy` on it fails with P3005.',
    fix: 'Create the first migration from the current schema and baseline the databases that already have it: `lockstep baseline`.',
    fixable: false,
    doc: {
      what: 'A Prisma schema (with a SQL datasource) whose migrations folder (`prisma/migrations`, or `migrations.path` in prisma.config.ts) does not exist or holds no `migration.sql`.',
      why: 'The schema has reached the databases through `prisma db push` (or by hand): there is no history of what changed when. A deploy has nothing to apply, so new columns never reach production unless someone pushes again (with the data loss `db push` can cause), and once migrations are added, `prisma migrate deploy` refuses the non-empty database with P3005.',
      fix: 'Create a first migration that describes the current schema: `mkdir -p prisma/migrations/0_init && npx prisma migrate diff --from-empty --to-schema-datamodel prisma/schema.prisma --script > prisma/migrations/0_init/migration.sql`, commit it, record it as applied on every existing database with `lockstep baseline` (or `prisma migrate resolve --applied 0_init`), and deploy later changes with `lockstep deploy`.',
      example: {
        file: 'prisma/migrations/0_init/migration.sql',
        bad: '(no prisma/migrations folder)',
        good: '-- CreateTable\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);',
      },
    },
  },
  run(scan, report) {
    for (const { prisma } of scan.orms) {
      if (!prisma?.datasourceFile || prisma.provider === 'mongodb') continue;
      const hasMigration = scan.files.under(prisma.migrationsDir).some((f) => f.endsWith('/migration.sql') || f.endsWith('/migration.ts'));
      if (hasMigration) continue;
      const file = scan.files.read(prisma.datasourceFile);
      if (!file) continue;
      const offset = Math.max(0, file.text.search(/^\s*datasource\s/m));
      const exists = scan.files.isDir(prisma.migrationsDir);
      report({
        file,
        offset: offset + (file.text.slice(offset).length - file.text.slice(offset).trimStart().length),
        message: `${prisma.datasourceFile} has ${exists ? `an empty migrations folder (${prisma.migrationsDir})` : `no migrations folder (${prisma.migrationsDir} does not exist)`}: the schema only ever reached a database through \`prisma db push\`, and \`prisma migrate deploy\` will have nothing to apply (and fail with P3005 once migrations exist).`,
        fix: `Create ${joinPath(prisma.migrationsDir, '0_init/migration.sql')} with \`prisma migrate diff --from-empty --to-schema-datamodel ${prisma.schema ?? prisma.datasourceFile} --script\`, commit it, and run \`lockstep baseline\` on the databases that already have the schema.`,
      });
    }
  },
};
