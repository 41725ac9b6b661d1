import { readConfigFile, type LockstepConfigFile } from '../config/config-file.js';
import { connectPostgres, describeTarget, type PgTarget } from '../db/postgres/connect.js';
import type { PgSession } from '../db/postgres/session.js';
import { isLockstepError, usageError } from '../errors.js';
import { connectionLostError } from './connection-lost.js';
import { isConnectionLost } from './retry.js';
import type { MigrationsOnDisk, OrmHistory, OrmName, OrmProject } from '../orm/adapter.js';
import { resolveTarget, type TargetWarning } from '../project/database-url.js';
import { loadOrm, projectRoot } from '../project/detect.js';
import { notSupportedYet, OWN_DEPLOY_COMMAND } from '../project/unsupported.js';
import type { DeployEvent } from './events.js';
import type { ProjectOptions } from './options.js';
import { cliCommand } from '../util/cli-command.js';
import { relativeFrom } from '../util/relative-path.js';

/** A project opened for a command: its ORM, migrations on disk and target database. */
export interface Workspace {
  command: string;
  orm: OrmProject;
  config: LockstepConfigFile;
  disk: MigrationsOnDisk;
  target: PgTarget;
  targetDescription: string;
  /** Writes a recovery command as the user should type it (with their --project and --orm). */
  cli: (args: string) => string;
  emit: (event: DeployEvent) => void;
  /** Warnings found while opening (a pooler URL). */
  warnings: TargetWarning[];
  /** A path relative to the project, for messages. */
  rel: (path: string) => string;
  /**
   * Starts a step that can take a while ("waiting for the migration lock"): reported through
   * onProgress, and named by a connection-lost error while it is the latest. `stepDone` ends the
   * wait (the step stays the latest until the next one starts); `step(undefined)` forgets it.
   */
  step: (activity: string | undefined, info?: { slow?: boolean }) => void;
  stepDone: () => void;
  /** The latest step, for messages. */
  readonly currentStep: string | undefined;
}

/** How openWorkspace chooses the database; `placeholder` (lint): with no URL, an embedded target that is never opened. */
export type WorkspaceOptions = Omit<ProjectOptions, 'embedded'> & { embedded?: ProjectOptions['embedded'] | 'placeholder' };

/** What every command's result says about where it ran. */
export interface RunTarget {
  /** The ORM whose migrations ran: `prisma`, `drizzle` or `typeorm`. */
  orm: OrmName;
  /** The project directory, absolute. */
  projectRoot: string;
  /** The database, described without its URL. */
  target: string;
  /** The project's embedded database (PGlite in `.lockstep/pglite`) was used, not a server. */
  embedded: boolean;
  /** The ORM's history table, schema-qualified (`public._prisma_migrations`). */
  historyTable: string;
}

export function runTarget(workspace: Workspace, history: Pick<OrmHistory, 'qualifiedName'>): RunTarget {
  return {
    orm: workspace.orm.orm,
    projectRoot: workspace.orm.root,
    target: workspace.targetDescription,
    embedded: workspace.target.kind === 'embedded',
    historyTable: history.qualifiedName,
  };
}

/** Commands that refuse a project with no migrations on disk rather than report on nothing. */
const NEEDS_MIGRATIONS = new Set(['deploy', 'status']);

export async function openWorkspace(options: WorkspaceOptions, command: string): Promise<Workspace> {
  const root = projectRoot(options.project);
  const cli = cliCommand(options.cliFlags);
  const rel = relativeFrom(root);
  let currentStep: string | undefined;
  const step = (activity: string | undefined, info?: { slow?: boolean }) => {
    currentStep = activity;
    options.onProgress?.(activity, info);
  };
  const stepDone = () => options.onProgress?.(undefined);
  step('loading the project configuration');
  let config: LockstepConfigFile;
  let orm: OrmProject;
  try {
    config = readConfigFile(root);
    orm = await loadOrm(root, options.orm, options.config);
  } finally {
    stepDone();
  }
  const unsupported = orm.unsupported();
  if (unsupported) {
    throw usageError('LS_PROVIDER_UNSUPPORTED', notSupportedYet(unsupported, orm.dialect), [
      `Until then, deploy this project with ${orm.orm}'s own tool (${OWN_DEPLOY_COMMAND[orm.orm]}).`,
      'Or point lockstep at a project whose migrations are written for PostgreSQL.',
    ]);
  }
  step('reading the migration files');
  const disk = await orm.listMigrations().finally(stepDone);
  // Without migrations on disk, deploy and status have nothing to work from: say so before
  // falling back to the embedded database, or failing on a URL that a wrong directory lacks.
  const noMigrations =
    NEEDS_MIGRATIONS.has(command) && disk.migrations.length === 0
      ? async () => (await import('./no-migrations.js')).noMigrationsError({ orm, disk, rel, cli, command })
      : undefined;
  let resolved: ReturnType<typeof resolveTarget>;
  try {
    resolved = resolveTarget(root, orm.configuredUrls(), orm.env, {
      url: options.url,
      // Migrations that are code run through the ORM's own driver, which needs a server.
      embedded: orm.runtime && options.embedded !== 'placeholder' ? 'never' : options.embedded,
      embeddedAvailable: !orm.runtime,
      // Messages repeat the command with the flags that chose this project.
      command: options.cliFlags ? `${command} ${options.cliFlags}` : command,
      // The CLI always passes its flags (possibly none); an API call passes none.
      phrasing: options.cliFlags === undefined ? 'api' : 'cli',
    });
  } catch (error) {
    if (noMigrations) throw await noMigrations();
    throw error;
  }
  const { target, warnings } = resolved;
  if (noMigrations && target.kind === 'embedded') throw await noMigrations();
  for (const note of orm.notes ?? []) warnings.push({ code: 'LS_MIGRATIONS_GLOB', message: note });
  return {
    command,
    orm,
    config,
    disk,
    target,
    targetDescription: describeTarget(target),
    cli,
    emit: (event) => options.onEvent?.(event),
    warnings,
    rel,
    step,
    stepDone,
    get currentStep() {
      return currentStep;
    },
  };
}

/**
 * Opens the one session a command uses and prepares it for the ORM's history table. A connection
 * that breaks while `fn` runs, outside a migration (whose failures say more), is LS_CONNECTION_LOST;
 * a "permission denied" on the way is explained with the privilege the role lacks and its GRANT.
 */
export async function withSession<T>(
  workspace: Workspace,
  fn: (session: PgSession, history: OrmHistory) => Promise<T>,
): Promise<T> {
  const runtime = workspace.orm.runtime;
  if (workspace.target.kind === 'embedded') workspace.step(`starting ${workspace.targetDescription}`, { slow: true });
  else workspace.step(`connecting to ${workspace.targetDescription}`);
  let session: PgSession;
  try {
    session = runtime
      ? await runtime.openSession(workspace.target, workspace.command, workspace.cli)
      : await connectPostgres(workspace.target, `lockstep ${workspace.command}`, workspace.command);
  } finally {
    workspace.step(undefined);
  }
  const history = workspace.orm.history(session, workspace.target);
  try {
    await history.prepareSession();
    return await fn(session, history);
  } catch (error) {
    if (!isLockstepError(error) && isConnectionLost(error)) throw connectionLostError(workspace, error);
    // Loaded only on a failure: what a "permission denied" lacked, and the GRANT that gives it.
    throw await (await import('./privileges.js')).explainPermissionDenied(error, session, workspace, history);
  } finally {
    workspace.stepDone();
    await session.close();
  }
}

/** Brings the ORM's history table to its current format where the ORM does so itself (see OrmHistory.upgrade), and says so. */
export async function upgradeHistory(workspace: Workspace, history: OrmHistory): Promise<void> {
  const upgraded = await history.upgrade?.(workspace.disk.migrations);
  if (upgraded) workspace.emit({ type: 'history-upgraded', table: history.qualifiedName, message: upgraded });
}
