import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { usageError, type LockstepError } from '../errors.js';
import { findSubProjects } from './sub-projects.js';
import { ORM_NAMES, type OrmName, type OrmProject } from '../orm/adapter.js';
import { drizzleEvidence } from '../orm/drizzle/evidence.js';
import { prismaEvidence } from '../orm/prisma/project.js';
import { typeormEvidence } from '../orm/typeorm/evidence.js';

/** An ORM found in a project and why: the dependencies and files that point to it. */
export interface Detection {
  orm: OrmName;
  evidence: string[];
}

const EVIDENCE: Record<OrmName, (root: string) => string[]> = {
  prisma: prismaEvidence,
  drizzle: drizzleEvidence,
  typeorm: typeormEvidence,
};

/**
 * Each ORM's adapter is loaded only for a project that uses it. `config` is the file `--config`
 * names, as the ORM's own CLI takes it: prisma.config.ts or a schema (Prisma's --config and
 * --schema), drizzle-kit's --config, the typeorm CLI's -d.
 */
const LOADERS: Record<OrmName, (root: string, config: string | undefined) => Promise<OrmProject>> = {
  prisma: async (root, config) => (await import('../orm/prisma/adapter.js')).PrismaOrm.load(root, config),
  drizzle: async (root, config) => (await import('../orm/drizzle/adapter.js')).DrizzleOrm.load(root, config),
  typeorm: async (root, config) => (await import('../orm/typeorm/adapter.js')).TypeormOrm.load(root, config),
};

/** The ORMs a project uses, from cheap evidence only (no configuration is evaluated). */
export function detectOrms(root: string): Detection[] {
  return ORM_NAMES.map((orm) => ({ orm, evidence: EVIDENCE[orm](root) })).filter((d) => d.evidence.length > 0);
}

export function projectRoot(project: string | undefined): string {
  const root = resolve(project ?? process.cwd());
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw usageError('LS_NO_PROJECT', `The project directory ${root} does not exist.`, [
      'Pass --project with the directory that holds the project (its package.json, prisma folder, drizzle.config.ts or data source).',
    ]);
  }
  return root;
}

export function isOrmName(value: string): value is OrmName {
  return (ORM_NAMES as readonly string[]).includes(value);
}

/**
 * Loads the project's ORM: the one named by `orm`, or the only one detected. Two ORMs, or none,
 * is a usage error that lists what was found and how to choose.
 */
export async function loadOrm(root: string, orm: OrmName | undefined, config?: string): Promise<OrmProject> {
  if (orm) return LOADERS[orm](root, config);
  const found = detectOrms(root);
  if (found.length === 1) return LOADERS[found[0]!.orm](root, config);
  if (found.length === 0) throw noProjectError(root);
  throw usageError(
    'LS_SEVERAL_ORMS',
    `${root} uses more than one ORM:\n${found.map((d) => `  - ${d.orm}: ${d.evidence.join(', ')}`).join('\n')}`,
    [`Choose the one whose migrations to use: ${found.map((d) => `--orm ${d.orm}`).join(' or ')}.`],
  );
}

/**
 * No ORM at `root`. At a monorepo's root the project lives in a package below it: name the
 * packages that hold one and the --project that reaches each.
 */
function noProjectError(root: string): LockstepError {
  const message = `No Prisma, Drizzle or TypeORM project was found in ${root}: no ORM dependency in package.json, no prisma.config.ts or prisma/schema.prisma, no drizzle.config.*, no TypeORM data source.`;
  const below = findSubProjects(root);
  if (below.length === 0) {
    return usageError('LS_NO_PROJECT', message, [
      'Run lockstep in the project directory, or pass --project with its path (and --orm prisma|drizzle|typeorm if its files are elsewhere).',
    ]);
  }
  const shown = below.slice(0, 5);
  const fromCwd = (dir: string) => relative(process.cwd(), join(root, dir)) || '.';
  const list = shown.map((s) => `  - ${s.dir}: ${s.orm} (${s.evidence.join(', ')})`).join('\n');
  const more = below.length > shown.length ? `\n  - and ${below.length - shown.length} more` : '';
  return usageError(
    'LS_NO_PROJECT',
    `${message} ${shown.length === 1 ? 'This directory below it holds one' : 'These directories below it hold one'}:\n${list}${more}`,
    [...new Set(shown.slice(0, 3).map((s) => `Pass the package's directory: --project ${fromCwd(s.dir)}`))],
    { subProjects: below.map((s) => s.dir) },
  );
}
