import { join, relative } from 'node:path';
import { usageError, type LockstepError } from '../errors.js';
import type { OrmName } from '../orm/adapter.js';
import { findSubProjects } from '../project/sub-projects.js';
import type { Workspace } from './workspace.js';

type Where = Pick<Workspace, 'orm' | 'disk' | 'rel' | 'cli' | 'command'>;

const ORM_LABEL: Record<OrmName, string> = { prisma: 'Prisma', drizzle: 'Drizzle', typeorm: 'TypeORM' };

const FIRST_MIGRATION: Record<OrmName, string> = {
  prisma: 'npx prisma migrate dev --name init',
  drizzle: 'npx drizzle-kit generate',
  typeorm: 'npx typeorm migration:generate -d <data source> <path>/Init',
};

/** Where the migrations location comes from, for messages. */
export function migrationsOrigin(where: Pick<Workspace, 'orm' | 'rel'>): string {
  const orm = where.orm;
  if (orm.migrationsOrigin) return orm.migrationsOrigin;
  return orm.configFile ? `the \`migrations\` option of ${where.rel(orm.configFile)}` : 'the ORM default';
}

/** What is wrong when a project has no migrations on disk: an empty folder, or none where the ORM's configuration says, and where that place comes from. */
export function noMigrationsText(where: Pick<Workspace, 'orm' | 'disk' | 'rel'>): string {
  const origin = migrationsOrigin(where);
  if (where.orm.orm === 'typeorm') return `No TypeORM migration was found in ${where.disk.location} (${origin}).`;
  const dir = where.rel(where.disk.location);
  return where.disk.exists
    ? `The migrations folder ${dir} has no migrations (${origin}).`
    : `The migrations folder ${dir} does not exist (${origin}).`;
}

/**
 * deploy and status on a project with no migrations on disk and no history in the database: a
 * wrong directory (a monorepo's root), a build that leaves the migrations out, or a project with
 * none yet. Never "up to date", never an app started on an empty database.
 */
export function noMigrationsError(where: Where): LockstepError {
  const root = where.orm.root;
  const subProjects = where.disk.exists ? [] : findSubProjects(root, where.orm.orm);
  const label = ORM_LABEL[where.orm.orm];
  const fromCwd = (dir: string) => relative(process.cwd(), join(root, dir)) || '.';
  const recovery: string[] = [];
  let message = `${where.command === 'deploy' ? 'Nothing to deploy' : `Nothing for ${where.command} to compare with the database`}: ${noMigrationsText(where)}`;
  if (subProjects.length > 0) {
    const shown = subProjects.slice(0, 5);
    message += ` This directory is not the ${label} project itself; ${shown.length === 1 ? 'this directory below it holds one' : 'these directories below it hold one'}:\n${shown.map((s) => `  - ${s.dir} (${s.evidence.join(', ')})`).join('\n')}`;
    if (subProjects.length > shown.length) message += `\n  - and ${subProjects.length - shown.length} more`;
    for (const sub of shown.slice(0, 3)) recovery.push(`\`lockstep ${where.command} --project ${fromCwd(sub.dir)}\``);
  } else {
    recovery.push(
      `If the migrations are somewhere else, point lockstep at them: --project <the directory of the ${label} project>, or --config <its ${where.orm.orm === 'prisma' ? 'schema or prisma.config.ts' : where.orm.orm === 'drizzle' ? 'drizzle.config.ts' : 'data source'}>.`,
    );
    if (!where.disk.exists)
      recovery.push(
        'If the build leaves them out (a .dockerignore, or a Dockerfile COPY that misses the folder), ship the folder with the build.',
      );
    recovery.push(
      `If the project has no migration yet, generate the first one (${FIRST_MIGRATION[where.orm.orm]}), then run \`${where.cli(where.command)}\`.`,
    );
  }
  return usageError('LS_NO_MIGRATIONS', message, recovery, {
    migrations: where.rel(where.disk.location),
    subProjects: subProjects.map((s) => s.dir),
  });
}

/** The migrations are gone from this build, but the database has them recorded. */
export function migrationsMissingError(where: Where, recorded: number): LockstepError {
  return usageError(
    'LS_MIGRATIONS_MISSING',
    `${noMigrationsText(where)} The database has ${recorded} migration${recorded > 1 ? 's' : ''} recorded, so this build is missing its migrations (a .dockerignore, .gitignore or build step that leaves them out?).`,
    [
      `Ship ${where.rel(where.disk.location)} with the build, or pass --project with the directory that has it, then run \`${where.cli(where.command)}\` again.`,
    ],
  );
}
