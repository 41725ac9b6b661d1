import { notSupportedYet } from '../project/unsupported.js';
import { randomUUID } from 'node:crypto';
import { relative } from 'node:path';
import { AuditLog } from '../audit/audit-log.js';
import { readConfigFile } from '../config/config-file.js';
import { introspectCatalog, type CatalogModel } from '../db/postgres/introspect.js';
import { resolveAuditSettings, type ProjectOptions } from '../deploy/options.js';
import { openWorkspace, withSession } from '../deploy/workspace.js';
import { ExitCode, usageError } from '../errors.js';
import { collectBetweenPhases } from '../util/memory.js';
import type { DiskMigration, OrmName, OrmProject } from '../orm/adapter.js';
import type { DrizzleOrm } from '../orm/drizzle/adapter.js';
import type { PrismaOrm } from '../orm/prisma/adapter.js';
import { loadOrm, projectRoot } from '../project/detect.js';
import type { DriftItem } from './compare.js';
import { compareDrizzleSchema } from './drizzle-schema.js';
import { replayFailedError } from './failures.js';
import { compareLiveWithHistory, replayContext, type DriftTimings, type ReplaySummary } from './live-check.js';
import { comparePrismaSchema, parsePrismaSchema } from './prisma-schema.js';
import { HistoryReplay, ReplayFailure, replayPlan, type ReplayStep, type SkippedStep } from './replay.js';
import type { SchemaFileCheck } from './schema-file.js';
import { scopeCatalog } from './scope.js';
import { resolveDriftSettings, type DriftSettings, type DriftSettingsOptions } from './settings.js';
import type { ReconcileStatement } from './sql.js';

export interface DriftOptions extends ProjectOptions, DriftSettingsOptions {
  /** Compare the ORM's schema file with the migrations too (default true; Prisma and Drizzle). */
  schema?: boolean;
  /** Compare only the schema file with the migrations on disk: no live database (the pull-request gate). */
  schemaOnly?: boolean;
}

export interface DriftResult {
  orm: OrmName;
  projectRoot: string;
  /** The live database, described without its URL; undefined with `schemaOnly`. */
  target: string | undefined;
  embedded: boolean;
  /** Nothing differs: the live database matches the history, and the schema file matches the migrations. */
  inSync: boolean;
  /** How the history was replayed; undefined when nothing needed replaying (a Drizzle schema-only check). */
  replay: ReplaySummary | undefined;
  /** Live database against migration history, grouped by table. */
  differences: DriftItem[];
  /** The statements that bring the live database back to the history, in the order they run. */
  sql: ReconcileStatement[];
  /** The same statements as one reviewable script (`--sql`). */
  sqlScript: string;
  /** Schema file against migration history; undefined when not asked for. */
  schemaFile: SchemaFileCheck | undefined;
  /** Objects left out by the ignore list. */
  ignored: string[];
  notes: string[];
  timings: DriftTimings;
}

export type { DriftChange, DriftItem, DriftObject } from './compare.js';
export type { DriftTimings, ReplaySummary } from './live-check.js';
export type { SchemaFileCheck, SchemaFileDifference } from './schema-file.js';
export type { ReconcileStatement } from './sql.js';
export type { DriftSettingsOptions } from './settings.js';
export type { DriftVerification } from './verify.js';

const TYPEORM_SCHEMA = 'comparing TypeORM entities with the migrations is not supported yet';

/**
 * Proves that the live database, the migration history and the schema file agree: replays the
 * applied migrations into a scratch database (PGlite in this process, or `shadowUrl`), compares
 * both catalogs object by object, and compares the ORM's schema file with the migrations.
 * Changes nothing in the live database. Resolves with the differences (`inSync` false on drift);
 * throws a LockstepError when the history cannot be replayed (exit 1) or on a usage error (exit 2).
 */
export async function drift(options: DriftOptions = {}): Promise<DriftResult> {
  if (options.schemaOnly) return schemaOnly(options);
  const workspace = await openWorkspace(options, 'drift');
  for (const warning of workspace.warnings) workspace.emit({ type: 'warning', ...warning });
  const settings = resolveDriftSettings(workspace.orm, workspace.config, workspace.target, options);
  const { orm } = workspace;
  const wantSchema = options.schema !== false;

  return withSession(workspace, async (session, history) => {
    const exists = await history.exists();
    const audit = await AuditLog.openExisting(session, resolveAuditSettings(workspace.config, {}), {
      runId: randomUUID(),
      command: 'drift',
      orm: orm.orm,
      historyTable: history.qualifiedName,
    });
    const statuses = await history.statuses(workspace.disk.migrations, audit);
    const plan = replayPlan(statuses, workspace.disk.migrations);

    let schemaFile: SchemaFileCheck | undefined;
    if (wantSchema && orm.orm === 'drizzle')
      schemaFile = await compareDrizzleSchema(orm.root, (orm as DrizzleOrm).config, orm.env, settings.ignore);
    if (wantSchema && orm.orm === 'typeorm')
      schemaFile = {
        file: relative(orm.root, orm.configFile ?? orm.root),
        against: 'the migrations',
        skipped: TYPEORM_SCHEMA,
        differences: [],
      };
    const prismaSchema = wantSchema && orm.orm === 'prisma';
    if (prismaSchema && plan.partial.length > 0) {
      schemaFile = {
        file: prismaSchemaFile(orm as PrismaOrm),
        against: 'the migrations on disk, replayed',
        skipped: `${plan.partial[0]!.migration} is recorded as failed part-way; resolve it first`,
        differences: [],
      };
    }
    const comparePrisma = prismaSchema && plan.partial.length === 0;
    let fullHistory: { model: CatalogModel; skipped: SkippedStep[] } | undefined;
    const parsedSchema = comparePrisma ? parsePrismaSchema((orm as PrismaOrm).project) : undefined;
    collectBetweenPhases();

    const comparison = await compareLiveWithHistory({
      orm,
      root: orm.root,
      session,
      targetDescription: workspace.targetDescription,
      plan,
      settings,
      command: 'drift',
      cli: workspace.cli,
      state: 'Unchanged: lockstep only read the live database.',
      location: workspace.rel(workspace.disk.location),
      thenReplay: comparePrisma ? pendingSteps(plan.pending, plan.failed, workspace.disk.migrations) : undefined,
      // Only kept here: Prisma's schema parser is loaded once the scratch database is closed, so that both are never in memory at once.
      onFullHistory: comparePrisma
        ? (model, skipped) => {
            fullHistory = { model, skipped };
          }
        : undefined,
    });
    if (fullHistory && parsedSchema) {
      schemaFile = comparePrismaSchema(
        parsedSchema,
        (orm as PrismaOrm).project,
        fullHistory.model,
        settings.searchPath[0]!,
        settings.ignore,
      );
      for (const s of fullHistory.skipped) {
        (schemaFile.notes ??= []).push(
          `${s.migration} failed in the live database and was not applied, and it fails on the replayed migrations too (${s.error}); the schema file is compared with the migrations without it. The next \`${workspace.cli('deploy')}\` applies it again: fix it, or remove it if another migration replaces it`,
        );
      }
    }
    const notes = [...comparison.notes];
    if (!exists)
      notes.unshift(
        `The database has no history table (${history.qualifiedName}) yet, so the history is empty: everything in the database counts as added outside the migrations.`,
      );
    if (schemaFile?.skipped) notes.push(`The schema file was not compared: ${schemaFile.skipped}.`);
    for (const note of schemaFile?.notes ?? []) notes.push(`${note}.`);
    return {
      orm: orm.orm,
      projectRoot: orm.root,
      target: workspace.targetDescription,
      embedded: workspace.target.kind === 'embedded',
      inSync: comparison.differences.length === 0 && (schemaFile?.differences.length ?? 0) === 0,
      replay: comparison.replay,
      differences: comparison.differences,
      sql: comparison.sql,
      sqlScript: comparison.sqlScript,
      schemaFile,
      ignored: [...new Set([...comparison.ignored, ...(schemaFile?.ignored ?? [])])].sort(),
      notes,
      timings: comparison.timings,
    };
  });
}

function prismaSchemaFile(orm: PrismaOrm): string {
  return orm.project.schemaPath ? relative(orm.root, orm.project.schemaPath) : 'prisma/schema.prisma';
}

/** The migrations not applied yet, in order; the ones the history records as failed may fail to replay without stopping the check. */
function pendingSteps(names: string[], failed: string[], disk: DiskMigration[]): ReplayStep[] {
  const byName = new Map(disk.map((m) => [m.name, m]));
  return names
    .map((name) => byName.get(name))
    .filter((m): m is DiskMigration => m !== undefined)
    .map((migration) => ({ migration, failedBefore: failed.includes(migration.name) }));
}

/** The schema file against the migrations on disk, with no live database: what a pull-request check runs. */
async function schemaOnly(options: DriftOptions): Promise<DriftResult> {
  const began = performance.now();
  const root = projectRoot(options.project);
  const config = readConfigFile(root);
  const orm = await loadOrm(root, options.orm, options.config);
  const unsupported = orm.unsupported();
  if (unsupported)
    throw usageError('LS_PROVIDER_UNSUPPORTED', notSupportedYet(unsupported, orm.dialect), [
      'Point lockstep at a project whose migrations are written for PostgreSQL.',
    ]);
  if (orm.orm === 'typeorm') {
    throw usageError(
      'LS_DRIFT_SCHEMA_UNSUPPORTED',
      `lockstep drift --schema-only compares Prisma and Drizzle schema files with their migrations; ${TYPEORM_SCHEMA}.`,
      ['Run `lockstep drift` against a database to compare it with the migration history.'],
    );
  }
  const cli = (args: string) => `lockstep ${args}${options.cliFlags ? ` ${options.cliFlags}` : ''}`;
  const settings = resolveDriftSettings(orm, config, undefined, options);
  const disk = await orm.listMigrations();
  let schemaFile: SchemaFileCheck;
  let replay: ReplaySummary | undefined;
  let replayMs = 0;
  let introspectHistoryMs = 0;
  if (orm.orm === 'drizzle') {
    schemaFile = await compareDrizzleSchema(root, (orm as DrizzleOrm).config, orm.env, settings.ignore);
  } else {
    const parsed = parsePrismaSchema((orm as PrismaOrm).project);
    collectBetweenPhases();
    const steps = disk.migrations.map((migration) => ({ migration }));
    const replayed = await replayAll(orm, root, steps, settings, cli);
    replay = { into: replayed.into, migrations: steps.map((s) => s.migration.name), pending: [], partial: [], edited: [] };
    replayMs = replayed.replayMs;
    introspectHistoryMs = replayed.introspectMs;
    const scoped = scopeCatalog(replayed.model, settings.bookkeeping, settings.ignore);
    schemaFile = comparePrismaSchema(parsed, (orm as PrismaOrm).project, scoped.model, settings.searchPath[0]!, settings.ignore);
    schemaFile.ignored = [...new Set([...scoped.ignored, ...(schemaFile.ignored ?? [])])].sort();
  }
  if (schemaFile.skipped) {
    throw usageError('LS_DRIFT_SCHEMA_SKIPPED', `Cannot compare ${schemaFile.file} with the migrations: ${schemaFile.skipped}.`, [
      orm.orm === 'drizzle'
        ? 'Install drizzle-kit (a devDependency of the project) and generate the first migration, then run the command again.'
        : 'Install prisma (a devDependency of the project), then run the command again.',
    ]);
  }
  return {
    orm: orm.orm,
    projectRoot: root,
    target: undefined,
    embedded: false,
    inSync: schemaFile.differences.length === 0,
    replay,
    differences: [],
    sql: [],
    sqlScript: '',
    schemaFile,
    ignored: schemaFile.ignored ?? [],
    notes: [
      ...(schemaFile.ignored?.length
        ? [
            `Left out by the ignore list (${settings.ignore.patterns.join(', ')}): ${schemaFile.ignored.slice(0, 10).join(', ')}${schemaFile.ignored.length > 10 ? ', …' : ''}.`,
          ]
        : []),
      ...(schemaFile.notes ?? []).map((note) => `${note}.`),
    ],
    timings: { replayMs, introspectLiveMs: 0, introspectHistoryMs, diffMs: 0, totalMs: performance.now() - began },
  };
}

async function replayAll(
  orm: OrmProject,
  root: string,
  steps: ReplayStep[],
  settings: DriftSettings,
  cli: (args: string) => string,
): Promise<{ model: CatalogModel; into: string; replayMs: number; introspectMs: number }> {
  let replay: HistoryReplay | undefined;
  const start = performance.now();
  try {
    replay = await HistoryReplay.open(settings.target, replayContext(orm, settings), steps);
    await replay.apply(steps);
    const replayMs = performance.now() - start;
    const read = performance.now();
    const model = await introspectCatalog(replay.session, { searchPath: settings.searchPath });
    return { model, into: replay.description, replayMs, introspectMs: performance.now() - read };
  } catch (error) {
    if (error instanceof ReplayFailure) {
      throw replayFailedError(error, {
        scratch: replay?.description ?? (settings.target.kind === 'pglite' ? 'PGlite' : 'the shadow database'),
        target: settings.target,
        root,
        cli,
        command: 'drift --schema-only',
        state: 'Unchanged: lockstep did not connect to any live database.',
      });
    }
    throw error;
  } finally {
    await replay?.close();
    replay = undefined;
    collectBetweenPhases();
  }
}

/** The exit code of a drift result: 0 in sync, 3 drift. */
export function driftExitCode(result: DriftResult): number {
  return result.inSync ? ExitCode.Ok : ExitCode.Blocked;
}
