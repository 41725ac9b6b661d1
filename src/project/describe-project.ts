import { join, relative } from 'node:path';
import { isLockstepError } from '../errors.js';
import type { OrmName, OrmProject } from '../orm/adapter.js';
import { resolveTarget } from './database-url.js';
import { notSupportedYet } from './unsupported.js';
import { detectOrms, loadOrm, projectRoot } from './detect.js';
import { findSubProjects } from './sub-projects.js';

/** One ORM found in a project, described without touching the database and without any secret. */
export interface DetectedOrm {
  orm: OrmName;
  evidence: string[];
  /** The configuration file lockstep evaluated (relative to the project). */
  configFile: string | undefined;
  /** How lockstep read it, when that is worth saying (a drizzle.config.ts read as data, or run). */
  configRead: string | undefined;
  dialect: string | undefined;
  migrations: { location: string; exists: boolean; count: number } | undefined;
  historyTable: string | undefined;
  /** Where the database URL comes from, e.g. "DATABASE_URL (from .env)"; never the URL. */
  databaseUrlFrom: string | undefined;
  /** Whether lockstep can deploy this project: false for another database than PostgreSQL (not supported yet). */
  supported: boolean;
  /** Problems found while reading the configuration. */
  problems: string[];
}

export interface DetectResult {
  projectRoot: string;
  orms: DetectedOrm[];
  /** The ORM the other commands will use: the only one found, or the one chosen with --orm. */
  chosen: OrmName | undefined;
  /** Why none was chosen, when none was. */
  note: string | undefined;
}

async function describeOrm(root: string, orm: OrmName, evidence: string[], config: string | undefined): Promise<DetectedOrm> {
  const rel = (path: string) => relative(root, path) || '.';
  let loaded: OrmProject;
  try {
    loaded = await loadOrm(root, orm, config);
  } catch (error) {
    return {
      orm,
      evidence,
      configFile: undefined,
      configRead: undefined,
      dialect: undefined,
      migrations: undefined,
      historyTable: undefined,
      databaseUrlFrom: undefined,
      supported: false,
      problems: [isLockstepError(error) ? error.message : String(error)],
    };
  }
  const problems = [...(loaded.notes ?? [])];
  // A migrations folder that cannot be read (a broken journal, an unreadable file) is a problem to report, not a reason to stop.
  const disk = await loaded.listMigrations().catch((error: unknown) => {
    if (!isLockstepError(error)) throw error;
    problems.push(error.message);
    return undefined;
  });
  const unsupported = loaded.unsupported();
  if (unsupported) problems.push(notSupportedYet(unsupported, loaded.dialect));
  let databaseUrlFrom: string | undefined;
  try {
    // `placeholder`: with no URL, say what the commands would do instead of failing here.
    const { target } = resolveTarget(root, loaded.configuredUrls(), loaded.env, {
      command: 'detect',
      embedded: loaded.runtime || unsupported ? 'never' : 'placeholder',
    });
    databaseUrlFrom =
      target.kind === 'server'
        ? target.source
        : `none configured (${lookedFor(loaded)}): commands use the embedded PostgreSQL in .lockstep/pglite with --embedded, or unasked at an interactive terminal`;
  } catch (error) {
    if (unsupported && isLockstepError(error) && error.code === 'LS_DIALECT_UNSUPPORTED') {
      // The dialect is already the problem; a URL of that dialect is consistent with it.
      databaseUrlFrom = loaded.configuredUrls().find((c) => c.value)?.source ?? 'DATABASE_URL';
    } else if (isLockstepError(error) && error.code === 'LS_NO_DATABASE_URL') {
      databaseUrlFrom = `none configured (${lookedFor(loaded)})`;
      // For an unsupported database, that is no second problem.
      if (!unsupported) problems.push(error.message);
    } else {
      problems.push(isLockstepError(error) ? error.message : String(error));
    }
  }
  return {
    orm,
    evidence: loaded.evidence.length ? loaded.evidence : evidence,
    configFile: loaded.configFile ? rel(loaded.configFile) : undefined,
    configRead: loaded.configRead,
    dialect: loaded.dialect,
    migrations: disk
      ? {
          location: disk.location
            .split(', ')
            .map((l) => (l.startsWith('/') ? rel(l) : l))
            .join(', '),
          exists: disk.exists,
          count: disk.migrations.length,
        }
      : undefined,
    historyTable: loaded.historyTable,
    databaseUrlFrom,
    supported: !unsupported,
    problems,
  };
}

/** Where a URL was looked for, when none was found: the variables and configuration entries, never a value. */
function lookedFor(orm: OrmProject): string {
  const variables = new Set<string>();
  const entries: string[] = [];
  for (const c of orm.configuredUrls()) {
    if (c.missingEnv) variables.add(c.missingEnv);
    else entries.push(`${c.source} gives none`);
  }
  variables.add('DATABASE_URL');
  const names = [...variables];
  const unset = `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not set in the environment or the project's .env`;
  return [unset, ...entries, 'no --url'].join('; ');
}

/** Which ORM(s) a project uses, with the evidence, migrations, history table and URL source of each. */
export async function detect(options: { project?: string; orm?: OrmName; config?: string } = {}): Promise<DetectResult> {
  const root = projectRoot(options.project);
  const found = detectOrms(root);
  if (options.orm && !found.some((d) => d.orm === options.orm)) found.push({ orm: options.orm, evidence: ['chosen with --orm'] });
  const chosen = options.orm ?? (found.length === 1 ? found[0]!.orm : undefined);
  // --config is the configuration of the ORM lockstep uses.
  const orms = await Promise.all(
    found.map((d) => describeOrm(root, d.orm, d.evidence, d.orm === chosen ? options.config : undefined)),
  );
  const note =
    chosen !== undefined
      ? undefined
      : found.length === 0
        ? `No Prisma, Drizzle or TypeORM project here: no ORM dependency in package.json and none of their configuration files.${subProjectsHint(root)}`
        : `This project uses ${found.length} ORMs; pass --orm ${found.map((d) => d.orm).join(' or --orm ')} to the other commands.`;
  return { projectRoot: root, orms, chosen, note };
}

/** At a monorepo's root: the packages below it that hold a project, and the --project for each. */
function subProjectsHint(root: string): string {
  const below = findSubProjects(root);
  if (below.length === 0) return '';
  const shown = below.slice(0, 5).map((s) => `${s.dir} (${s.orm})`);
  const more = below.length > shown.length ? ` and ${below.length - shown.length} more` : '';
  return ` Below it: ${shown.join(', ')}${more}; pass the one to use with --project (e.g. --project ${relative(process.cwd(), join(root, below[0]!.dir)) || '.'}).`;
}
