import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import type { AuditLog } from '../../audit/audit-log.js';
import { insertSql } from '../../db/postgres/literal.js';
import { displayIdent, quoteIdent, type PgSession } from '../../db/postgres/session.js';
import type { MigrationRecorder } from '../../deploy/apply-migration.js';
import type { DiskMigration, OrmHistory } from '../adapter.js';
import type { MigrationStatus } from '../types.js';

interface TypeormRow {
  id: number;
  timestamp: string;
  name: string;
}

/** TypeORM's default primary key name for a table's `id`: "PK_" + the first 27 hex digits of sha1("<table>_id"). */
export function typeormPrimaryKeyName(table: string): string {
  return `PK_${createHash('sha1').update(`${table}_id`).digest('hex').slice(0, 27)}`;
}

/**
 * TypeORM's `migrations` table (or `migrationsTableName`, in the data source's schema), with the
 * DDL and rows TypeORM writes: one row per executed migration, its timestamp and class name.
 * TypeORM records no failures; a migration that stopped part-way is known from lockstep's audit log.
 */
export class TypeormHistory implements OrmHistory {
  readonly qualifiedName: string;
  private readonly table: string;

  constructor(
    private readonly session: PgSession,
    private readonly options: { schema: string | undefined; table: string; projectRoot: string },
  ) {
    this.qualifiedName = `${displayIdent(options.schema ?? 'public')}.${displayIdent(options.table)}`;
    this.table = options.schema ? `${quoteIdent(options.schema)}.${quoteIdent(options.table)}` : quoteIdent(options.table);
  }

  async prepareSession(): Promise<void> {
    /* TypeORM's own connection, as the data source configures it */
  }

  async exists(): Promise<boolean> {
    const [row] = await this.session.query<{ found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [this.table]);
    return Boolean(row?.found);
  }

  async create(): Promise<void> {
    await this.session.exec(
      `CREATE TABLE ${this.table} ("id" SERIAL NOT NULL, "timestamp" bigint NOT NULL, "name" character varying NOT NULL, CONSTRAINT ${quoteIdent(typeormPrimaryKeyName(this.options.table))} PRIMARY KEY ("id"))`,
    );
  }

  async nonEmptyTables(): Promise<string[]> {
    const rows = await this.session.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname = $1 AND c.relname NOT IN ($2, 'typeorm_metadata') ORDER BY 1`,
      [this.options.schema ?? 'public', this.options.table],
    );
    return rows.map((r) => r.name);
  }

  async read(): Promise<TypeormRow[]> {
    return this.session.query<TypeormRow>(`SELECT id, "timestamp"::text AS "timestamp", name FROM ${this.table} ORDER BY id ASC`);
  }

  async statuses(disk: DiskMigration[], audit: AuditLog): Promise<MigrationStatus[]> {
    const rows = (await this.exists()) ? await this.read() : [];
    const open = await audit.openFailures();
    const byName = new Map(rows.map((r) => [r.name, r]));
    const newest = rows.reduce((max, r) => Math.max(max, Number(r.timestamp)), 0);
    const statuses = disk.map((m): MigrationStatus => {
      const base = {
        name: m.name,
        file: relative(this.options.projectRoot, m.path),
        edited: false,
        outOfOrder: false,
        startedAt: undefined,
        finishedAt: undefined,
        error: undefined,
        statementsDone: undefined,
      };
      if (byName.has(m.name)) return { ...base, state: 'applied' };
      const failure = open.get(m.name);
      if (failure)
        return { ...base, state: 'failed', startedAt: failure.at, error: failure.error, statementsDone: failure.statementsDone };
      return { ...base, state: 'pending', outOfOrder: (m.createdAt ?? 0) < newest };
    });
    const onDisk = new Set(disk.map((m) => m.name));
    for (const row of rows) {
      if (onDisk.has(row.name)) continue;
      statuses.push({
        name: row.name,
        state: 'missing-on-disk',
        edited: false,
        outOfOrder: false,
        file: undefined,
        startedAt: undefined,
        finishedAt: new Date(Number(row.timestamp)),
        error: undefined,
        statementsDone: undefined,
      });
    }
    return statuses;
  }

  /** TypeORM's row for an executed migration (what `migration:run` and `--fake` insert). */
  async insertRow(name: string, timestamp: number): Promise<void> {
    await this.session.query(`INSERT INTO ${this.table}("timestamp", "name") VALUES ($1, $2)`, [timestamp, name]);
  }

  /** The same row as SQL text, to send in one batch with others. */
  insertRowSql(name: string, timestamp: number): string {
    return insertSql(this.table, { '"timestamp"': timestamp, '"name"': name });
  }

  recorder(): MigrationRecorder {
    throw new Error('TypeORM migrations run through TypeORM, not as SQL files');
  }

  async markApplied(migration: DiskMigration, _at: Date, audit: AuditLog): Promise<number> {
    const open = (await audit.openFailures()).has(migration.name) ? 1 : 0;
    await this.insertRow(migration.name, migration.createdAt ?? 0);
    return open;
  }

  /** The failure is closed by the `resolved-rolled-back` audit event the caller records. */
  async markRolledBack(name: string, _at: Date, audit: AuditLog): Promise<number> {
    return (await audit.openFailures()).has(name) ? 1 : 0;
  }
}
