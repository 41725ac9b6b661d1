import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../../audit/audit-log.js';
import { insertSql, SqlExpression } from '../../db/postgres/literal.js';
import { displayIdent, quoteIdent, type PgSession } from '../../db/postgres/session.js';
import type { MigrationRecorder } from '../../deploy/apply-migration.js';
import type { DiskMigration, HistoryElsewhere, OrmHistory } from '../adapter.js';
import { historyShapedTables } from '../history-elsewhere.js';
import type { MigrationStatus } from '../types.js';
import { reconcilePrisma } from './reconcile.js';

export const PRISMA_MIGRATIONS_TABLE = '_prisma_migrations';

/** Prisma's exact DDL for its history table on PostgreSQL (unqualified: it lands in the search_path schema). */
export const PRISMA_MIGRATIONS_DDL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

/** Tables Prisma ignores when it decides whether a database is empty (PostGIS's own). */
const IGNORED_TABLES = new Set([
  'spatial_ref_sys',
  'geometry_columns',
  'geography_columns',
  'raster_columns',
  'raster_overviews',
]);

export interface PrismaMigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/**
 * Reads and writes `_prisma_migrations` exactly as Prisma's schema engine does: same DDL, UUID v4
 * ids, timestamps from the client's clock, one statement per write.
 */
export class PrismaHistory implements OrmHistory {
  /** schema.table for messages and the audit log. */
  readonly qualifiedName: string;
  /** The quoted, qualified name for SQL. */
  private readonly table: string;

  constructor(
    private readonly session: PgSession,
    /** The schema that holds the table: the URL's `schema` parameter, or public. */
    readonly schema: string,
    private readonly options: {
      projectRoot: string;
      extraSchemas: string[];
      externalTables: string[];
      /** The URL names the schema (`?schema=`); otherwise it is public by default. */
      schemaFromUrl?: boolean;
    },
  ) {
    this.qualifiedName = `${displayIdent(schema)}.${PRISMA_MIGRATIONS_TABLE}`;
    this.table = `${quoteIdent(schema)}.${PRISMA_MIGRATIONS_TABLE}`;
  }

  /** Prisma sets the session's search_path to its schema; migration scripts rely on it. */
  async prepareSession(): Promise<void> {
    await this.session.exec(`SET search_path TO ${quoteIdent(this.schema)}`);
  }

  async exists(): Promise<boolean> {
    const [row] = await this.session.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')) AS found`,
      [this.schema, PRISMA_MIGRATIONS_TABLE],
    );
    return Boolean(row?.found);
  }

  /** The tables that make the database "not empty" for Prisma (P3005), qualified. */
  async nonEmptyTables(): Promise<string[]> {
    const { extraSchemas, externalTables } = this.options;
    const schemas = [...new Set([this.schema, ...extraSchemas])];
    const rows = await this.session.query<{ nspname: string; relname: string }>(
      `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = ANY($1::text[]) ORDER BY 1, 2`,
      [schemas],
    );
    const external = new Set(externalTables);
    return rows
      .filter((r) => !IGNORED_TABLES.has(r.relname) && !external.has(r.relname) && !external.has(`${r.nspname}.${r.relname}`))
      .filter((r) => !(r.nspname === this.schema && r.relname === PRISMA_MIGRATIONS_TABLE))
      .map((r) => `${r.nspname}.${r.relname}`);
  }

  /** `_prisma_migrations` in another schema than the one the URL selects (its `schema` parameter) that records these migrations. */
  async elsewhere(disk: DiskMigration[], appTables: string[]): Promise<HistoryElsewhere[]> {
    // An empty schema the URL names on purpose (`?schema=tenant_b`) is a first deploy next to other
    // tenants; an empty public schema because the URL lost its `schema` parameter is not.
    if (appTables.length === 0 && this.options.schemaFromUrl) return [];
    const tables = await historyShapedTables(
      this.session,
      ['id', 'checksum', 'migration_name', 'finished_at', 'applied_steps_count'],
      { schema: this.schema, table: PRISMA_MIGRATIONS_TABLE },
    );
    const names = disk.map((m) => m.name);
    const out: HistoryElsewhere[] = [];
    for (const t of tables) {
      if (!t.rows || t.table !== PRISMA_MIGRATIONS_TABLE) continue;
      const [facts] = await this.session
        .query<{ newest: string | null; matching: number }>(
          `SELECT max(migration_name) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) AS newest,
                  count(*) FILTER (WHERE migration_name = ANY($1::text[]))::int AS matching
             FROM ${quoteIdent(t.schema)}.${quoteIdent(t.table)}`,
          [names],
        )
        .catch(() => []);
      if (!facts?.matching) continue;
      out.push({
        table: t.qualified,
        rows: t.rows,
        matching: facts.matching,
        newest: facts.newest ?? undefined,
        fix: `Add \`schema=${t.schema}\` to the database URL's parameters (postgresql://…/db?schema=${t.schema}), as Prisma reads it: the history and the tables it describes are in schema ${t.schema}.`,
      });
    }
    return out;
  }

  async create(): Promise<void> {
    await this.session.exec(PRISMA_MIGRATIONS_DDL);
  }

  async statuses(disk: DiskMigration[]): Promise<MigrationStatus[]> {
    return reconcilePrisma(disk, (await this.exists()) ? await this.read() : [], this.options.projectRoot);
  }

  recorder(_audit: AuditLog): MigrationRecorder {
    return {
      appliedInTransactionSql: (m) =>
        insertSql(this.table, {
          id: randomUUID(),
          checksum: m.checksum,
          started_at: new SqlExpression('transaction_timestamp()'),
          finished_at: new SqlExpression('clock_timestamp()'),
          migration_name: m.name,
          applied_steps_count: 1,
        }),
      failedAndRolledBack: (m, startedAt, logs) => this.insertFailed(m.name, m.checksum, startedAt, logs),
      started: (m, startedAt, done) => this.insertStarted(m.name, m.checksum, startedAt, done),
      progressed: (id, done) => this.updateProgress(id, done),
      finished: (id, finishedAt) => this.markFinished(id, finishedAt),
      failed: (id, logs) => this.markFailed(id, logs),
    };
  }

  async markApplied(migration: DiskMigration, at: Date): Promise<number> {
    const superseded = await this.markRolledBack(migration.name, at);
    await this.session.query(
      `INSERT INTO ${this.table} (id, checksum, logs, started_at, finished_at, migration_name) VALUES ($1, $2, '', $3, $3, $4)`,
      [randomUUID(), migration.checksum, at, migration.name],
    );
    return superseded;
  }

  async read(): Promise<PrismaMigrationRow[]> {
    const rows = await this.session.query<PrismaMigrationRow>(
      `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
         FROM ${this.table} ORDER BY started_at ASC`,
    );
    return rows.map((row) => ({ ...row, applied_steps_count: Number(row.applied_steps_count) }));
  }

  /** A migration about to run statement by statement: Prisma's "started" row. */
  async insertStarted(name: string, checksum: string, startedAt: Date, stepsDone = 0): Promise<string> {
    const id = randomUUID();
    await this.session.query(
      `INSERT INTO ${this.table} (id, checksum, started_at, migration_name, applied_steps_count) VALUES ($1, $2, $3, $4, $5)`,
      [id, checksum, startedAt, name, stepsDone],
    );
    return id;
  }

  /** A migration that failed and was rolled back: a started row with the error in logs. */
  async insertFailed(name: string, checksum: string, startedAt: Date, logs: string): Promise<void> {
    await this.session.query(
      `INSERT INTO ${this.table} (id, checksum, started_at, migration_name, logs) VALUES ($1, $2, $3, $4, $5)`,
      [randomUUID(), checksum, startedAt, name, logs],
    );
  }

  async updateProgress(id: string, stepsDone: number): Promise<void> {
    await this.session.query(`UPDATE ${this.table} SET applied_steps_count = $2 WHERE id = $1`, [id, stepsDone]);
  }

  async markFinished(id: string, finishedAt: Date): Promise<void> {
    await this.session.query(`UPDATE ${this.table} SET applied_steps_count = 1, finished_at = $2 WHERE id = $1`, [
      id,
      finishedAt,
    ]);
  }

  async markFailed(id: string, logs: string): Promise<void> {
    await this.session.query(`UPDATE ${this.table} SET logs = $2 WHERE id = $1`, [id, logs]);
  }

  /** `resolve --rolled-back`: every unfinished row of the migration gets rolled_back_at. Returns how many. */
  async markRolledBack(name: string, at: Date): Promise<number> {
    const rows = await this.session.query(
      `UPDATE ${this.table} SET rolled_back_at = $2
        WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL RETURNING id`,
      [name, at],
    );
    return rows.length;
  }
}
