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
      what: 'A Prisma schema (with a SQL datasource) whose migrations folder (`prisma/migrations`, or `migrations.path` in prisma.config.ts) does not exist or holds no `migration.sql`. A folder that does not exist because .gitignore leaves it out is taken as made at build time and only noted (info).',
      why: 'The schema has reached the databases through `prisma db push` (or by hand): there is no history of what changed when. A deploy has nothing to apply, so new columns never reach production unless someone pushes again (with the data loss `db push` can cause), and once migrations are added, `prisma migrate deploy` refuses the non-empty database with P3005.',
      fix: 'Create a first migration that describes the current schema: `mkdir -p prisma/migrations/0_init && npx prisma migrate diff --from-empty --to-schema prisma/schema.prisma --script > prisma/migrations/0_init/migration.sql` (before Prisma 7: `--to-schema-datamodel`), commit it, record it as applied on every existing database with `lockstep baseline` on PostgreSQL (or `prisma migrate resolve --applied 0_init`, which MySQL and SQLite projects use), and deploy later changes with `lockstep deploy`.',
      example: {
        file: 'prisma/migrations/0_init/migration.sql',
        bad: '(no prisma/migrations folder)',
        good: '-- CreateTable\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);',
      },
    },
  },
  run(scan, report) {
    for (const { dir, prisma } of scan.orms) {
      if (!prisma?.datasourceFile || prisma.provider === 'mongodb') continue;
      const hasMigration = scan.files
        .under(prisma.migrationsDir)
        .some((f) => f.endsWith('/migration.sql') || f.endsWith('/migration.ts'));
      if (hasMigration) continue;
      const file = scan.files.read(prisma.datasourceFile);
      if (!file) continue;
      const offset = Math.max(0, file.text.search(/^\s*datasource\s/m));
      const at = offset + (file.text.slice(offset).length - file.text.slice(offset).trimStart().length);
      const exists = scan.files.isDir(prisma.migrationsDir);
      // A git-ignored migrations folder is made at build time (copied or generated from elsewhere): doctor cannot see it.
      const ignored = !exists ? scan.gitignore.check(prisma.migrationsDir, true) : undefined;
      if (ignored?.ignored) {
        report({
          file,
          offset: at,
          severity: 'info',
          message: `${prisma.migrationsDir} is git-ignored${ignored.rule ? ` (${ignored.rule.file}:${ignored.rule.line})` : ''} and not in the repository: it is taken as made at build time, and doctor cannot check what it holds.`,
          fix: `Make sure the build that ships the app writes ${prisma.migrationsDir} before \`prisma migrate deploy\` (or \`lockstep deploy\`) runs; if nothing does, commit the migrations instead of ignoring them.`,
        });
        continue;
      }
      const schema = prisma.schema ?? prisma.datasourceFile;
      const major = prismaMajor(scan.packages.find((p) => p.dir === dir)?.dependencies ?? {});
      const toSchema =
        major === undefined
          ? '--to-schema (before Prisma 7: --to-schema-datamodel)'
          : major >= 7
            ? '--to-schema'
            : '--to-schema-datamodel';
      // lockstep baseline records Prisma migrations on PostgreSQL; elsewhere Prisma's own command does it.
      const postgres = prisma.provider === undefined || /^(postgresql|postgres|cockroachdb)$/.test(prisma.provider);
      const record = postgres ? 'run `lockstep baseline`' : `run \`prisma migrate resolve --applied 0_init\``;
      report({
        file,
        offset: at,
        message: `${prisma.datasourceFile} has ${exists ? `an empty migrations folder (${prisma.migrationsDir})` : `no migrations folder (${prisma.migrationsDir} does not exist)`}: the schema only ever reached a database through \`prisma db push\`, and \`prisma migrate deploy\` will have nothing to apply (and fail with P3005 once migrations exist).`,
        fix: `Create ${joinPath(prisma.migrationsDir, '0_init/migration.sql')} with \`prisma migrate diff --from-empty ${toSchema} ${schema} --script\`, commit it, and ${record} on the databases that already have the schema.`,
      });
    }
  },
};

/** The major version of Prisma a package depends on (`^6.19.0` is 6), when its package.json says. */
function prismaMajor(dependencies: Record<string, string>): number | undefined {
  for (const name of ['prisma', '@prisma/client']) {
    const match = /^[\^~>=v\s]*(\d+)/.exec(dependencies[name] ?? '');
    if (match) return Number(match[1]);
  }
  return undefined;
}
