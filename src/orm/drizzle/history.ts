import { relativeFrom } from '../../util/relative-path.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { ExitCode, LockstepError } from '../../errors.js';
import { insertSql, sqlLiteral } from '../../db/postgres/literal.js';
import { displayIdent, quoteIdent, type PgSession } from '../../db/postgres/session.js';
import type { MigrationRecorder } from '../../deploy/apply-migration.js';
import type { DiskMigration, HistoryElsewhere, OrmHistory } from '../adapter.js';
import { historyShapedTables } from '../history-elsewhere.js';
import { checksumMatches } from '../prisma/checksum.js';
import type { MigrationStatus } from '../types.js';
import type { DrizzleLayout } from './migrations.js';

interface DrizzleRow {
  id: number | null;
  hash: string;
  created_at: string | null;
  name: string | null;
}

/**
 * `drizzle.__drizzle_migrations` (or the configured table and schema), written exactly as
 * drizzle-orm's migrator writes it: a row per applied migration with the SHA-256 of its file and
 * its journal time (and its folder name with the v1 layout). Drizzle records no failures, so a
 * migration that stopped part-way is known from lockstep's audit log.
 */
export class DrizzleHistory implements OrmHistory {
  readonly qualifiedName: string;
  private readonly table: string;

  constructor(
    private readonly session: PgSession,
    private readonly options: {
      schema: string;
      table: string;
      layout: DrizzleLayout;
      projectRoot: string;
      appSchemas: string[];
      /** The drizzle-kit config the table's name comes from, relative to the project; undefined without one. */
      configFile?: string | undefined;
    },
  ) {
    this.qualifiedName = `${displayIdent(options.schema)}.${displayIdent(options.table)}`;
    this.table = `${quoteIdent(options.schema)}.${quoteIdent(options.table)}`;
  }

  async prepareSession(): Promise<void> {
    /* drizzle-orm's migrator runs on the connection as it is */
  }

  async exists(): Promise<boolean> {
    const [row] = await this.session.query<{ found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [this.table]);
    return Boolean(row?.found);
  }

  /** drizzle-orm's own DDL: the 0.x table, or the v1 table with `name` and `applied_at`. */
  async create(): Promise<void> {
    const columns =
      this.options.layout === 'folders'
        ? '\tid SERIAL PRIMARY KEY,\n\thash text NOT NULL,\n\tcreated_at bigint,\n\tname text,\n\tapplied_at timestamp with time zone DEFAULT now()\n'
        : '\tid SERIAL PRIMARY KEY,\n\thash text NOT NULL,\n\tcreated_at bigint\n';
    await this.session.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.options.schema)}`);
    await this.session.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (\n${columns})`);
  }

  /** Tables in the schemas drizzle-kit manages (public and its schemaFilter), other than the history table and tables of extensions. */
  async nonEmptyTables(): Promise<string[]> {
    const rows = await this.session.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[]) AND NOT (n.nspname = $2 AND c.relname = $3)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY 1`,
      [this.options.appSchemas, this.options.schema, this.options.table],
    );
    return rows.map((r) => r.name);
  }

  /** Drizzle history tables (id, hash, created_at) in other schemas or under other names that record these migrations. */
  async elsewhere(disk: DiskMigration[], appTables: string[]): Promise<HistoryElsewhere[]> {
    // With no tables where this project's go, this is a first deploy, whoever else keeps history here.
    if (appTables.length === 0) return [];
    const tables = await historyShapedTables(this.session, ['id', 'hash', 'created_at'], {
      schema: this.options.schema,
      table: this.options.table,
    });
    const hashes = disk.map((m) => m.checksum).filter((h): h is string => h !== undefined);
    const times = disk.map((m) => String(m.createdAt ?? ''));
    const out: HistoryElsewhere[] = [];
    for (const t of tables) {
      if (!t.rows) continue;
      const [facts] = await this.session
        .query<{ newest: string | null; matching: number }>(
          `SELECT max(created_at)::text AS newest, count(*) FILTER (WHERE hash = ANY($1::text[]) OR created_at::text = ANY($2::text[]))::int AS matching
             FROM ${quoteIdent(t.schema)}.${quoteIdent(t.table)}`,
          [hashes, times],
        )
        .catch(() => []);
      if (!facts?.matching) continue;
      const when = Number(facts.newest);
      const config = this.options.configFile ?? 'drizzle.config.ts';
      out.push({
        table: t.qualified,
        rows: t.rows,
        matching: facts.matching,
        newest: Number.isFinite(when) && when > 0 ? `created_at ${when} (${new Date(when).toISOString()})` : undefined,
        fix: `Set \`migrations: { schema: '${t.schema}', table: '${t.table}' }\` in ${config}, and pass \`migrationsSchema: '${t.schema}', migrationsTable: '${t.table}'\` to migrate() where the app calls it, so that both use the table the history is in.`,
      });
    }
    return out;
  }

  private async hasNameColumn(): Promise<boolean> {
    const [row] = await this.session.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'name' AND NOT attisdropped) AS found`,
      [this.table],
    );
    return Boolean(row?.found);
  }

  /** The rows, and whether the table has drizzle-orm v1's `name` column (a 0.x table's rows read with name NULL). */
  private async read(): Promise<{ rows: DrizzleRow[]; named: boolean }> {
    const named = await this.hasNameColumn();
    const rows = await this.session.query<DrizzleRow>(
      `SELECT id, hash, created_at::text AS created_at, ${named ? 'name' : 'NULL::text AS name'} FROM ${this.table} ORDER BY created_at ASC, id ASC`,
    );
    return { rows, named };
  }

  /** The rows as drizzle-orm v1 sees them: a 0.x table's rows get the folder names its upgrade would give them. */
  private async readNamed(disk: DiskMigration[]): Promise<{ rows: DrizzleRow[]; unnamed: boolean }> {
    const { rows, named } = await this.read();
    if (this.options.layout !== 'folders' || named) return { rows, unnamed: false };
    return { rows: rows.map((row) => ({ ...row, name: v1NameOf(row, disk) ?? null })), unnamed: true };
  }

  /**
   * drizzle-orm v1 upgrades a 0.x table before it migrates a v1 folder layout: it adds `name` and
   * `applied_at`, gives every row the name of the folder it matches (by `created_at` to the
   * second, the hash breaking ties or standing in) and `applied_at` NULL, in one transaction; a row
   * that matches no folder stops it. lockstep does the same, under its lock.
   */
  async upgrade(disk: DiskMigration[]): Promise<string | undefined> {
    if (this.options.layout !== 'folders' || !(await this.exists())) return undefined;
    const { rows, unnamed } = await this.readNamed(disk);
    if (!unnamed) return undefined;
    const unmatched = rows.filter((r) => r.name === null);
    if (unmatched.length > 0) {
      throw new LockstepError({
        code: 'LS_DRIZZLE_TABLE_UPGRADE',
        message: `${this.qualifiedName} has the drizzle-orm 0.x format and the migrations use the v1 folder layout, but ${unmatched.length} of its rows match no migration folder (ids ${unmatched.map((r) => r.id).join(', ')}; matched by created_at to the second, then by hash): the table cannot be given the folder names drizzle-orm v1 reads.`,
        state: 'Unchanged: lockstep stopped before changing anything.',
        recovery: [
          'Restore the migration folders those rows were applied from (drizzle-kit up converts a journal to folders), then run the command again.',
        ],
        exitCode: ExitCode.Blocked,
      });
    }
    const script = [
      'BEGIN',
      `ALTER TABLE ${this.table} ADD COLUMN IF NOT EXISTS "name" text`,
      `ALTER TABLE ${this.table} ADD COLUMN IF NOT EXISTS "applied_at" timestamp with time zone DEFAULT now()`,
      ...rows.map(
        (row) => `UPDATE ${this.table} SET "name" = ${sqlLiteral(row.name)}, "applied_at" = NULL WHERE "id" = ${Number(row.id)}`,
      ),
      'COMMIT',
    ];
    try {
      await this.session.exec(script.join(';\n'));
    } catch (error) {
      await this.session.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return `${this.qualifiedName} upgraded to the drizzle-orm v1 format, as drizzle-orm v1 upgrades it: columns name and applied_at added, ${rows.length} row${rows.length === 1 ? '' : 's'} named after their migration folders.`;
  }

  async statuses(disk: DiskMigration[], audit: AuditLog): Promise<MigrationStatus[]> {
    const { rows, unnamed } = (await this.exists()) ? await this.readNamed(disk) : { rows: [], unnamed: false };
    const open = await audit.openFailures();
    const rel = relativeFrom(this.options.projectRoot, '');
    const matched = new Set<DrizzleRow>();
    const byName = this.options.layout === 'folders';
    // The high-water mark drizzle-orm 0.x applies against; v1 uses the set of names instead.
    const newest = rows.reduce((max, r) => Math.max(max, Number(r.created_at ?? 0)), 0);
    const newestName = rows.reduce((max, r) => (r.name && r.name.localeCompare(max) > 0 ? r.name : max), '');
    const statuses = disk.map((m): MigrationStatus => {
      const row = byName
        ? rows.find((r) => r.name === m.name)
        : (rows.find((r) => !matched.has(r) && Number(r.created_at) === m.createdAt) ??
          rows.find((r) => !matched.has(r) && m.checksum !== undefined && r.hash === m.checksum));
      const base = {
        name: m.name,
        file: rel(m.path),
        edited: false,
        outOfOrder: false,
        startedAt: undefined,
        finishedAt: undefined,
        error: undefined,
        statementsDone: undefined,
      };
      if (row) {
        matched.add(row);
        return {
          ...base,
          state: 'applied',
          edited: m.script !== undefined && row.hash !== m.checksum && !checksumMatches(row.hash, m.script),
        };
      }
      const failure = open.get(m.name);
      if (failure)
        return { ...base, state: 'failed', startedAt: failure.at, error: failure.error, statementsDone: failure.statementsDone };
      const outOfOrder = byName
        ? newestName !== '' && m.name.localeCompare(newestName) < 0
        : m.createdAt !== undefined && m.createdAt <= newest;
      return { ...base, state: 'pending', outOfOrder };
    });
    for (const row of rows) {
      if (matched.has(row)) continue;
      statuses.push({
        name: (unnamed ? undefined : row.name) ?? `created_at ${row.created_at} (hash ${row.hash.slice(0, 12)})`,
        state: 'missing-on-disk',
        edited: false,
        outOfOrder: false,
        file: undefined,
        startedAt: undefined,
        finishedAt: row.created_at ? new Date(Number(row.created_at)) : undefined,
        error: undefined,
        statementsDone: undefined,
      });
    }
    return statuses;
  }

  /** drizzle-orm's row: the file's hash and its journal time, and with the v1 layout its folder name. */
  private row(migration: { name: string; checksum: string; createdAt?: number | undefined }): Record<string, unknown> {
    const row: Record<string, unknown> = { '"hash"': migration.checksum, '"created_at"': migration.createdAt ?? null };
    if (this.options.layout === 'folders') row['"name"'] = migration.name;
    return row;
  }

  private async insertRow(migration: { name: string; checksum: string; createdAt?: number | undefined }): Promise<void> {
    const row = this.row(migration);
    const columns = Object.keys(row);
    await this.session.query(
      `INSERT INTO ${this.table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(row),
    );
  }

  recorder(audit: AuditLog): MigrationRecorder {
    const running = new Map<string, { name: string; checksum: string; createdAt?: number | undefined }>();
    return {
      appliedInTransactionSql: (m) => insertSql(this.table, this.row(m)),
      // Drizzle keeps no failure rows: the runner's audit events record what happened.
      failedAndRolledBack: async () => undefined,
      started: async (m) => {
        running.set(m.name, m);
        return m.name;
      },
      progressed: async (name, done) => {
        await audit.record({ event: 'statement-completed', migration: name, statementsDone: done }).catch(() => undefined);
      },
      finished: async (name) => this.insertRow(running.get(name)!),
      failed: async () => undefined,
    };
  }

  async markApplied(migration: DiskMigration, _at: Date, audit: AuditLog): Promise<number> {
    const open = (await audit.openFailures()).has(migration.name) ? 1 : 0;
    await this.insertRow({ name: migration.name, checksum: migration.checksum ?? '', createdAt: migration.createdAt });
    return open;
  }

  /** The failure is closed by the `resolved-rolled-back` audit event the caller records. */
  async markRolledBack(name: string, _at: Date, audit: AuditLog): Promise<number> {
    return (await audit.openFailures()).has(name) ? 1 : 0;
  }
}

/**
 * The v1 folder a 0.x row was applied from, as drizzle-orm v1's upgrade matches it: the folders
 * whose time equals the row's `created_at` truncated to the second (the hash choosing among
 * several), else the folder with the row's hash.
 */
function v1NameOf(row: DrizzleRow, disk: DiskMigration[]): string | undefined {
  const text = String(row.created_at ?? '');
  const seconds = Number(`${text.slice(0, -3)}000`);
  const candidates = disk.filter((m) => m.createdAt === seconds);
  if (candidates.length === 1) return candidates[0]!.name;
  if (candidates.length > 1) return candidates.find((m) => m.checksum === row.hash)?.name;
  // With several folders of the same hash, the upgrade keeps the last one.
  return disk.filter((m) => m.checksum === row.hash).at(-1)?.name;
}
