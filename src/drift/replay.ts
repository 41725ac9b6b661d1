import { quoteIdent, type PgSession } from '../db/postgres/session.js';
import type { DiskMigration, OrmProject } from '../orm/adapter.js';
import type { TypeormMigration } from '../orm/typeorm/migration-files.js';
import type { MigrationStatus } from '../orm/types.js';
import { nodeKind, SqlSyntaxError } from '../sql/postgres/parser.js';
import { splitStatements, type SqlStatement } from '../sql/postgres/statements.js';
import { openScratch, type ReplayTarget, type ScratchDatabase } from './scratch.js';
import { QueryRunnerMethodMissing, runTypeormMigration, type TypeormReplayConnection } from './typeorm-replay.js';

/** One migration to replay: whole, or only its first `upTo` statements (a migration recorded as failed part-way). */
export interface ReplayStep {
  migration: DiskMigration;
  upTo?: number | undefined;
  /**
   * The history records this migration as failed (rolled back, or failed before its first
   * statement): none of it is in effect. Replayed after the applied ones (for the schema file), a
   * failure to replay it is recorded in `HistoryReplay.skipped` and the replay goes on past it.
   */
  failedBefore?: boolean | undefined;
}

/** A migration that failed in the live database and fails to replay too: left out, with why. */
export interface SkippedStep {
  migration: string;
  error: string;
}

/** What the history says is in effect: the applied migrations, and the completed part of a failed one. */
export interface ReplayPlan {
  steps: ReplayStep[];
  /** On disk, not applied: not part of the live database's history. */
  pending: string[];
  /** Recorded as applied, with no file on disk: the history cannot be replayed. */
  missingOnDisk: string[];
  /** Applied, and the file changed since: the replay runs the file as it is now. */
  edited: string[];
  /** A migration recorded as failed after some statements: those statements are replayed. */
  partial: Array<{ migration: string; statements: number }>;
  /** Recorded as failed and rolled back (or failed before its first statement): not in effect, so not replayed; also in `pending`. */
  failed: string[];
}

export function replayPlan(statuses: MigrationStatus[], disk: DiskMigration[]): ReplayPlan {
  const byName = new Map(disk.map((m) => [m.name, m]));
  const plan: ReplayPlan = { steps: [], pending: [], missingOnDisk: [], edited: [], partial: [], failed: [] };
  for (const status of statuses) {
    const migration = byName.get(status.name);
    if (status.state === 'missing-on-disk' || (status.state === 'applied' && !migration)) {
      plan.missingOnDisk.push(status.name);
    } else if (status.state === 'applied') {
      plan.steps.push({ migration: migration! });
      if (status.edited) plan.edited.push(status.name);
    } else if (status.state === 'failed' && migration && status.statementsDone) {
      plan.steps.push({ migration, upTo: status.statementsDone });
      plan.partial.push({ migration: status.name, statements: status.statementsDone });
    } else if (status.state === 'pending' || status.state === 'rolled-back' || status.state === 'failed') {
      plan.pending.push(status.name);
      if (status.state !== 'pending') plan.failed.push(status.name);
    }
  }
  return plan;
}

/** A migration read and parsed for the replay. */
interface PreparedStep {
  step: ReplayStep;
  script: string;
  /** Parsed only when the text may hold a statement that decides how the migration runs (see MAY_NEED_PARSER). */
  statements: SqlStatement[] | undefined;
  /** Runs in one transaction with no statement that refuses one: it can go in a batch. */
  batchable: boolean;
}

/**
 * The words every statement starts with, or contains, that must run outside a transaction block
 * (CONCURRENTLY, VACUUM, REINDEX, CLUSTER, CREATE/DROP DATABASE and TABLESPACE, ALTER SYSTEM,
 * SUBSCRIPTION), that control transactions (BEGIN, START, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT,
 * RELEASE, PREPARE) or that create an extension. A migration whose text holds none of them has no
 * such statement, so it goes into a batch without being parsed; any other is classified by
 * PostgreSQL's parser.
 */
const MAY_NEED_PARSER =
  /\b(concurrently|vacuum|reindex|cluster|database|tablespace|system|subscription|extension|begin|start|commit|end|rollback|abort|savepoint|release|prepare)\b/i;

/** Migrations per batch, and the SQL text size at which a batch is sent anyway. */
const BATCH_MIGRATIONS = 250;
const BATCH_BYTES = 4 * 1024 * 1024;

/** Why a replay stopped. Turned into a LockstepError (exit 1) by the caller, which knows the command. */
export class ReplayFailure extends Error {
  constructor(
    readonly kind: 'sql' | 'syntax' | 'missing-file' | 'extension-unavailable' | 'query-runner-method',
    readonly migration: DiskMigration,
    message: string,
    readonly details: {
      statement?: SqlStatement | undefined;
      statementNumber?: number | undefined;
      extension?: string | undefined;
      method?: string | undefined;
      sqlState?: string | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message);
    this.name = 'ReplayFailure';
  }
}

const EXTENSION_MISSING = /extension "([^"]+)" is not available|could not open extension control file "[^"]*\/([^/"]+)\.control"/;

function errorFields(error: unknown): { message: string; code: string | undefined } {
  const e = error as { message?: unknown; code?: unknown };
  return {
    message: typeof e?.message === 'string' ? e.message : String(error),
    code: typeof e?.code === 'string' ? e.code : undefined,
  };
}

/** Extension names that `CREATE EXTENSION` statements in the scripts ask for. */
async function extensionsCreatedBy(steps: ReplayStep[]): Promise<string[]> {
  const names = new Set<string>();
  for (const step of steps) {
    const script = step.migration.script;
    if (!script || !/extension/i.test(script)) continue;
    try {
      for (const s of await splitStatements(script)) {
        const { kind, body } = nodeKind(s.node);
        if (kind === 'CreateExtensionStmt' && typeof body.extname === 'string') names.add(body.extname);
      }
    } catch {
      /* a syntax error is reported when the migration is replayed */
    }
  }
  return [...names];
}

export interface ReplayContext {
  orm: OrmProject;
  /** Prisma runs its migrations with the search_path set to its schema. */
  searchPathSchema: string | undefined;
  /** For TypeORM: how migration classes reach the scratch database (given its session). */
  typeormConnection?: ((session: PgSession) => Promise<TypeormReplayConnection>) | undefined;
}

/**
 * The migration history replayed into a scratch database: PGlite (in this process, no privileges
 * needed) or a real empty database. Steps can be applied in several rounds (the applied migrations,
 * then the pending ones); when a migration asks for an extension that PGlite ships but was not
 * loaded, the scratch database is opened again with it and the rounds so far are replayed.
 */
export class HistoryReplay {
  private done: ReplayStep[] = [];
  /** Steps marked `failedBefore` that failed to replay: left out, the replay went on past them. */
  readonly skipped: SkippedStep[] = [];
  private extensions: string[] = [];
  private typeorm: TypeormReplayConnection | undefined;

  private constructor(
    private scratch: ScratchDatabase,
    private readonly target: ReplayTarget,
    private readonly ctx: ReplayContext,
  ) {}

  static async open(target: ReplayTarget, ctx: ReplayContext, upcoming: ReplayStep[]): Promise<HistoryReplay> {
    const extensions = await extensionsCreatedBy(upcoming);
    const replay = new HistoryReplay(await openScratch(target, extensions), target, ctx);
    replay.extensions = extensions;
    try {
      await replay.prepare();
      if (ctx.typeormConnection) replay.typeorm = await ctx.typeormConnection(replay.session);
    } catch (error) {
      await replay.close();
      throw error;
    }
    return replay;
  }

  get session(): PgSession {
    return this.scratch.session;
  }

  get description(): string {
    return this.scratch.description;
  }

  async close(): Promise<void> {
    await this.typeorm?.close().catch(() => undefined);
    await this.scratch.close();
  }

  private async prepare(): Promise<void> {
    const schema = this.ctx.searchPathSchema;
    if (schema === undefined) return;
    if (schema !== 'public') await this.session.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await this.session.exec(`SET search_path TO ${quoteIdent(schema)}`);
  }

  /** Replays `steps` in order. Throws ReplayFailure. */
  async apply(steps: ReplayStep[]): Promise<void> {
    for (let restarts = 0; ; restarts++) {
      try {
        await this.applyAll(steps.filter((step) => !this.done.includes(step)));
        return;
      } catch (error) {
        const extension =
          error instanceof ReplayFailure && error.kind === 'extension-unavailable' ? error.details.extension : undefined;
        if (!extension || this.target.kind !== 'pglite' || this.extensions.includes(extension) || restarts > 8) throw error;
        // PGlite loads an extension's files when it starts: start again with it.
        this.extensions.push(extension);
        await this.restart();
      }
    }
  }

  private async restart(): Promise<void> {
    const again = this.done;
    await this.scratch.close();
    this.scratch = await openScratch(this.target, this.extensions);
    this.done = [];
    await this.prepare();
    if (this.typeorm) await this.typeorm.reconnect(this.scratch.session);
    await this.applyAll(again);
  }

  /**
   * Consecutive migrations that run in one transaction each go to the database as one batch
   * (`BEGIN; <migration>; COMMIT;` after one another): one round trip instead of one per migration,
   * which is most of the replay's cost. A marker after each COMMIT says how far a failed batch got.
   */
  private async applyAll(steps: ReplayStep[]): Promise<void> {
    let batch: PreparedStep[] = [];
    let size = 0;
    const flush = async () => {
      if (batch.length > 0) await this.applyBatch(batch);
      batch = [];
      size = 0;
    };
    for (const step of steps) {
      if (step.failedBefore) {
        await flush();
        await this.applyFailedBefore(step);
        this.done.push(step);
        continue;
      }
      const prepared = await this.prepareStep(step);
      if (prepared.batchable) {
        batch.push(prepared);
        size += prepared.script.length;
        if (batch.length >= BATCH_MIGRATIONS || size >= BATCH_BYTES) await flush();
        continue;
      }
      await flush();
      await this.applyAlone(prepared);
      this.done.push(step);
    }
    await flush();
  }

  /** Reads and parses a migration's SQL: whether it can run in a batch, and its statements. */
  private async prepareStep(step: ReplayStep): Promise<PreparedStep> {
    const { migration } = step;
    if (this.ctx.orm.orm === 'typeorm') return { step, script: '', statements: [], batchable: false };
    if (migration.script === undefined)
      throw new ReplayFailure('missing-file', migration, `the file ${migration.path} does not exist`);
    const script = migration.script.replace(/^\uFEFF/, '');
    if (step.upTo === undefined && !MAY_NEED_PARSER.test(script)) return { step, script, statements: undefined, batchable: true };
    let statements: SqlStatement[];
    try {
      statements = await splitStatements(script);
    } catch (error) {
      if (error instanceof SqlSyntaxError)
        throw new ReplayFailure('syntax', migration, `line ${error.line}, column ${error.column}: ${error.message}`);
      throw error;
    }
    const unavailable = statements
      .map((s) => ({ s, ...nodeKind(s.node) }))
      .find(
        ({ kind, body }) => kind === 'CreateExtensionStmt' && this.scratch.unavailableExtensions.includes(String(body.extname)),
      );
    if (unavailable) {
      const extension = String(unavailable.body.extname);
      throw new ReplayFailure('extension-unavailable', migration, `extension "${extension}" is not available`, {
        statement: unavailable.s,
        statementNumber: unavailable.s.index + 1,
        extension,
      });
    }
    const alone = step.upTo !== undefined || statements.some((s) => s.outsideTransaction || s.transactionControl);
    return { step, script, statements, batchable: !alone && statements.length > 0 };
  }

  private async statementsOf(prepared: PreparedStep): Promise<SqlStatement[]> {
    if (prepared.statements) return prepared.statements;
    try {
      return await splitStatements(prepared.script);
    } catch (error) {
      if (error instanceof SqlSyntaxError)
        throw new ReplayFailure(
          'syntax',
          prepared.step.migration,
          `line ${error.line}, column ${error.column}: ${error.message}`,
        );
      throw error;
    }
  }

  private async applyBatch(batch: PreparedStep[]): Promise<void> {
    // The marker is set inside each migration's transaction, so that it commits with the migration or not at all.
    const text = batch.map((p, i) => `BEGIN;\n${p.script}\n;\nSELECT set_config('lockstep.replayed', '${i}', false);\nCOMMIT;`);
    await this.session.exec(`SELECT set_config('lockstep.replayed', '-1', false)`);
    try {
      await this.session.exec(text.join('\n'));
      for (const p of batch) this.done.push(p.step);
      return;
    } catch {
      await this.session.exec('ROLLBACK').catch(() => undefined);
    }
    const [row] = await this.session.query<{ at: string | null }>(`SELECT current_setting('lockstep.replayed', true) AS at`);
    const completed = row?.at ? Number(row.at) + 1 : 0;
    for (const p of batch.slice(0, completed)) this.done.push(p.step);
    const failing = batch[completed];
    if (!failing)
      throw new ReplayFailure('sql', batch[0]!.step.migration, 'a batch of migrations failed, but none of them fails on its own');
    // Find the statement that fails, inside a transaction that is rolled back, for the message.
    await this.session.exec('BEGIN');
    try {
      for (const s of await this.statementsOf(failing)) await this.runStatement(failing.step.migration, s);
    } finally {
      await this.session.exec('ROLLBACK').catch(() => undefined);
    }
    throw new ReplayFailure(
      'sql',
      failing.step.migration,
      'the migration failed as a whole, but each of its statements succeeds on its own',
    );
  }

  /**
   * A migration the live history records as failed and not in effect: replayed in a transaction of
   * its own when it can be; when it fails here too, its changes are rolled back (or, for one that
   * cannot run in a transaction, the statements before the failing one stay) and the replay goes on.
   */
  private async applyFailedBefore(step: ReplayStep): Promise<void> {
    try {
      const prepared = await this.prepareStep(step);
      if (prepared.batchable) {
        await this.session.exec('BEGIN');
        try {
          for (const s of await this.statementsOf(prepared)) await this.runStatement(step.migration, s);
          await this.session.exec('COMMIT');
        } catch (error) {
          await this.session.exec('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } else {
        await this.applyAlone(prepared);
      }
    } catch (error) {
      if (!(error instanceof ReplayFailure) || error.kind === 'extension-unavailable') throw error;
      const where = error.details.statementNumber ? `statement ${error.details.statementNumber}: ` : '';
      this.skipped.push({ migration: step.migration.name, error: `${where}${error.message}` });
    }
  }

  private async applyAlone(prepared: PreparedStep): Promise<void> {
    const { migration, upTo } = prepared.step;
    if (this.ctx.orm.orm === 'typeorm') {
      try {
        await runTypeormMigration(
          migration as TypeormMigration,
          this.typeorm!,
          (error, query) => this.failure(migration, error, undefined, query),
          upTo,
        );
      } catch (error) {
        if (error instanceof QueryRunnerMethodMissing)
          throw new ReplayFailure('query-runner-method', migration, error.message, { method: error.method });
        throw error;
      }
      return;
    }
    const statements = await this.statementsOf(prepared);
    const selected = upTo === undefined ? statements : statements.slice(0, upTo);
    for (const s of selected) await this.runStatement(migration, s);
  }

  private async runStatement(migration: DiskMigration, statement: SqlStatement): Promise<void> {
    try {
      await this.session.exec(statement.text);
    } catch (error) {
      throw this.failure(migration, error, statement);
    }
  }

  private failure(migration: DiskMigration, error: unknown, statement: SqlStatement | undefined, query?: string): ReplayFailure {
    if (error instanceof ReplayFailure) return error;
    const { message, code } = errorFields(error);
    const missing = EXTENSION_MISSING.exec(message);
    if (missing) {
      return new ReplayFailure('extension-unavailable', migration, message, {
        statement,
        statementNumber: statement ? statement.index + 1 : undefined,
        extension: missing[1] ?? missing[2],
        sqlState: code,
        cause: error,
      });
    }
    const text = query ? `${message} (in the query: ${query.replace(/\s+/g, ' ').trim().slice(0, 200)})` : message;
    return new ReplayFailure('sql', migration, text, {
      statement,
      statementNumber: statement ? statement.index + 1 : undefined,
      sqlState: code,
      cause: error,
    });
  }
}
