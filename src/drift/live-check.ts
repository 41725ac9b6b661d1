import { introspectCatalog, type CatalogModel } from '../db/postgres/introspect.js';
import { collectBetweenPhases } from '../util/memory.js';
import type { PgSession } from '../db/postgres/session.js';
import type { OrmProject } from '../orm/adapter.js';
import type { TypeormOrm } from '../orm/typeorm/adapter.js';
import { compareCatalogs, type DriftItem } from './compare.js';
import { plural } from './describe.js';
import { historyFilesMissingError, replayFailedError } from './failures.js';
import {
  HistoryReplay,
  ReplayFailure,
  type ReplayContext,
  type ReplayPlan,
  type ReplayStep,
  type SkippedStep,
} from './replay.js';
import { scopeCatalog } from './scope.js';
import type { DriftSettings } from './settings.js';
import { renderSqlScript, type ReconcileStatement } from './sql.js';
import { canonicalizeViews } from './view-definition.js';
import { shadowTypeormConnection, standInConnection } from './typeorm-replay.js';

export interface DriftTimings {
  /** Opening the scratch database and replaying the history into it. */
  replayMs: number;
  /** Reading the live catalog. */
  introspectLiveMs: number;
  /** Reading the replayed catalog. */
  introspectHistoryMs: number;
  /** Scoping and comparing the two catalogs. */
  diffMs: number;
  totalMs: number;
}

export interface ReplaySummary {
  /** Where the history was replayed. */
  into: string;
  /** Migrations replayed, in order. */
  migrations: string[];
  /** Not applied to the live database, so not part of its history. */
  pending: string[];
  /** Migrations recorded as failed part-way, replayed up to the statements that completed. */
  partial: Array<{ migration: string; statements: number }>;
  /** Applied migrations whose files changed since: replayed as they are now. */
  edited: string[];
}

export interface LiveComparison {
  differences: DriftItem[];
  /** The reconciling statements of every difference, in the order they run. */
  sql: ReconcileStatement[];
  sqlScript: string;
  replay: ReplaySummary;
  /** Objects the ignore rules left out. */
  ignored: string[];
  notes: string[];
  timings: DriftTimings;
}

export interface LiveComparisonInput {
  orm: OrmProject;
  root: string;
  session: PgSession;
  /** The live database, described without its URL. */
  targetDescription: string;
  plan: ReplayPlan;
  settings: DriftSettings;
  /** The command, for recovery commands in messages: `drift`, `deploy --verify`, `baseline --check`. */
  command: string;
  cli: (args: string) => string;
  /** The live database's state, for failure messages. */
  state: string;
  /** Where the migrations are, for messages. */
  location: string;
  /** Replayed after the comparison: the migrations not applied yet (for the schema-file check). */
  thenReplay?: ReplayStep[] | undefined;
  /**
   * Receives the catalog of the whole history (after `thenReplay`), scoped, before the scratch
   * database closes, with the `thenReplay` steps marked `failedBefore` that failed again and were left out.
   */
  onFullHistory?: ((model: CatalogModel, skipped: SkippedStep[]) => void | Promise<void>) | undefined;
}

/** How migrations reach the scratch database: SQL for Prisma and Drizzle, classes through a QueryRunner for TypeORM. */
export function replayContext(orm: OrmProject, settings: DriftSettings): ReplayContext {
  const ctx: ReplayContext = { orm, searchPathSchema: orm.orm === 'prisma' ? settings.searchPath[0] : undefined };
  if (orm.orm === 'typeorm') {
    const typeorm = orm as TypeormOrm;
    const target = settings.target;
    ctx.typeormConnection = async (session) =>
      target.kind === 'shadow'
        ? shadowTypeormConnection(typeorm.dataSource, target.url, typeorm.transactionMode)
        : standInConnection(session, typeorm.transactionMode);
  }
  return ctx;
}

/**
 * Reads the live catalog, replays what the history says is applied into a scratch database, reads
 * its catalog and compares the two. Throws a LockstepError (exit 1) when the history
 * cannot be replayed; never changes the live database.
 */
export async function compareLiveWithHistory(input: LiveComparisonInput): Promise<LiveComparison> {
  const began = performance.now();
  const { plan, settings } = input;
  if (plan.missingOnDisk.length > 0)
    throw historyFilesMissingError(plan.missingOnDisk, {
      cli: input.cli,
      command: input.command,
      state: input.state,
      location: input.location,
    });

  const searchPath = settings.searchPath;
  // The live catalog first, in a snapshot held only for its eight queries (never for the length of
  // the replay, which would hold back vacuum on a production database).
  const liveStart = performance.now();
  const liveModel = await introspectCatalog(input.session, { searchPath });
  const introspectLiveMs = performance.now() - liveStart;

  let replay: HistoryReplay | undefined;
  let history: CatalogModel;
  let replayMs = 0;
  let introspectHistoryMs = 0;
  let into = settings.target.kind === 'pglite' ? 'PGlite' : 'the shadow database';
  /** What the ignore rules left out of the whole history (pending migrations included), for the schema file. */
  let fullIgnored: string[] = [];
  const scope = (model: CatalogModel) => scopeCatalog(model, settings.bookkeeping, settings.ignore);
  try {
    const start = performance.now();
    replay = await HistoryReplay.open(settings.target, replayContext(input.orm, settings), [
      ...plan.steps,
      ...(input.thenReplay ?? []),
    ]);
    into = replay.description;
    await replay.apply(plan.steps);
    replayMs = performance.now() - start;
    const read = performance.now();
    history = await introspectCatalog(replay.session, { searchPath });
    introspectHistoryMs = performance.now() - read;
    if (input.onFullHistory) {
      if (input.thenReplay && input.thenReplay.length > 0) {
        await replay.apply(input.thenReplay);
        const full = scope(await introspectCatalog(replay.session, { searchPath }));
        fullIgnored = full.ignored;
        await input.onFullHistory(full.model, replay.skipped);
      } else {
        await input.onFullHistory(scope(history).model, []);
      }
    }
  } catch (error) {
    if (error instanceof ReplayFailure) {
      throw replayFailedError(error, {
        scratch: into,
        target: settings.target,
        root: input.root,
        cli: input.cli,
        command: input.command,
        state: input.state,
      });
    }
    throw error;
  } finally {
    await replay?.close();
    // PGlite's memory (its WebAssembly heap and in-memory data directory) is garbage now: let it go before the next phase.
    replay = undefined;
    collectBetweenPhases();
  }

  const diffStart = performance.now();
  await canonicalizeViews(liveModel);
  await canonicalizeViews(history);
  const liveScoped = scope(liveModel);
  const historyScoped = scope(history);
  const differences = compareCatalogs(liveScoped.model, historyScoped.model, {
    comments: settings.comments,
    liveServerVersion: input.session.serverVersion,
  });
  const sql = differences.flatMap((d) => d.sql);
  const sqlScript = renderSqlScript(sql, { target: input.targetDescription, searchPath });
  const diffMs = performance.now() - diffStart;

  const ignored = [...new Set([...liveScoped.ignored, ...historyScoped.ignored, ...fullIgnored])].sort();
  const notes: string[] = [];
  if (liveModel.partitions.length > 0) {
    const shown = liveModel.partitions.slice(0, 5).join(', ');
    notes.push(
      `${plural(liveModel.partitions.length, 'partition')} not compared (each follows its parent table): ${shown}${liveModel.partitions.length > 5 ? ', …' : ''}.`,
    );
  }
  if (ignored.length > 0)
    notes.push(
      `Left out by the ignore list (${settings.ignore.patterns.join(', ')}): ${ignored.slice(0, 10).join(', ')}${ignored.length > 10 ? ', …' : ''}.`,
    );
  const notApplied = plan.pending.filter((name) => !plan.failed.includes(name));
  if (notApplied.length > 0)
    notes.push(
      `${plural(notApplied.length, 'migration is', 'migrations are')} not applied yet and not part of the comparison: ${notApplied.join(', ')}.`,
    );
  for (const name of plan.failed)
    notes.push(
      `${name} is recorded as failed and not in effect (rolled back, or failed before its first statement completed): the replay of the live history leaves it out.`,
    );
  for (const p of plan.partial)
    notes.push(
      `${p.migration} is recorded as failed after ${plural(p.statements, 'statement')}: the replay includes ${p.statements === 1 ? 'that statement' : 'those statements'} only.`,
    );
  for (const name of plan.edited)
    notes.push(`${name} changed on disk after it was applied: the replay runs the file as it is now.`);

  return {
    differences,
    sql: sql
      .map((s, i) => ({ s, i }))
      .sort((a, b) => a.s.phase - b.s.phase || a.i - b.i)
      .map(({ s }) => s),
    sqlScript,
    replay: {
      into,
      migrations: plan.steps.map((s) => s.migration.name),
      pending: plan.pending,
      partial: plan.partial,
      edited: plan.edited,
    },
    ignored,
    notes,
    timings: { replayMs, introspectLiveMs, introspectHistoryMs, diffMs, totalMs: performance.now() - began },
  };
}
