import type { AuditLog } from '../audit/audit-log.js';
import type { PgTarget } from '../db/postgres/connect.js';
import type { PgSession } from '../db/postgres/session.js';
import type { AppliedMigration, MigrationRecorder } from '../deploy/apply-migration.js';
import type { DeployEvent } from '../deploy/events.js';
import type { RunSettings } from '../deploy/settings.js';
import type { ConfiguredUrl } from '../project/database-url.js';
import type { ProjectEnv } from '../project/env-file.js';
import type { MigrationStatus } from './types.js';

export type OrmName = 'prisma' | 'drizzle' | 'typeorm';
export const ORM_NAMES: readonly OrmName[] = ['prisma', 'drizzle', 'typeorm'];

/** One migration as the ORM keeps it on disk: a SQL file (Prisma, Drizzle) or a class (TypeORM). */
export interface DiskMigration {
  /** The ORM's identity of the migration: Prisma's folder name, Drizzle's tag or folder, TypeORM's class name. */
  name: string;
  /** Absolute path of the file that holds it. */
  path: string;
  /** The SQL text as the ORM reads it; undefined for a class or a missing file. */
  script: string | undefined;
  /** The ORM's checksum of the script (SHA-256 hex for Prisma and Drizzle). */
  checksum: string | undefined;
  /** Byte offset of the first invalid UTF-8 sequence, when the file is not UTF-8. */
  invalidUtf8At: number | undefined;
  /** When the file is missing: what lists the migration anyway (Drizzle's journal; Prisma's migration folder), absolute. */
  listedIn?: string | undefined;
  /** Drizzle: the journal's `when` (or the folder's timestamp) in ms. TypeORM: the class name's timestamp. */
  createdAt?: number | undefined;
}

export interface MigrationsOnDisk {
  /** The folder (or glob) the migrations come from, absolute. */
  location: string;
  exists: boolean;
  migrations: DiskMigration[];
}

/** The ORM's history table on one session. */
export interface OrmHistory {
  /** schema.table, for messages and the audit log. */
  readonly qualifiedName: string;
  /** Session settings the ORM's own runner uses (Prisma sets search_path). */
  prepareSession(): Promise<void>;
  exists(): Promise<boolean>;
  create(): Promise<void>;
  /**
   * Brings an existing history table to the format the ORM's current version writes, as the ORM
   * itself does on its next run (drizzle-orm v1 adds `name` and `applied_at` to a 0.x table). Runs
   * under the migration lock; returns what it did, or undefined when there was nothing to do.
   */
  upgrade?(disk: DiskMigration[]): Promise<string | undefined>;
  /** Tables that make a database without history "not empty" (Prisma's P3005 rule); never the history table itself. */
  nonEmptyTables(): Promise<string[]>;
  /**
   * Tables elsewhere in the database that hold this ORM's history (another schema or table name
   * than the configuration gives): where the history went when the ORM's runtime and its
   * configuration disagree. Only tables that record migrations of `disk` count: another app's or
   * another tenant's history is none of this project's. Asked when this history table is missing
   * or has no rows; `tables` are this project's tables in the database (nonEmptyTables): without
   * any, it is usually a first deploy next to other tenants, which each ORM judges.
   */
  elsewhere?(disk: DiskMigration[], tables: string[]): Promise<HistoryElsewhere[]>;
  /** Every migration's state, in the order deploy applies them; failures the ORM does not record come from the audit log. */
  statuses(disk: DiskMigration[], audit: AuditLog): Promise<MigrationStatus[]>;
  /** How lockstep's runner records progress, success and failure of a SQL migration. */
  recorder(audit: AuditLog): MigrationRecorder;
  /** `resolve --applied` and baseline: records the migration as applied without running it. Returns the failure records it superseded. */
  markApplied(migration: DiskMigration, at: Date, audit: AuditLog): Promise<number>;
  /** `resolve --rolled-back`: marks the migration's failure records as rolled back. Returns how many. */
  markRolledBack(name: string, at: Date, audit: AuditLog): Promise<number>;
}

/** A table that holds the ORM's history, found somewhere other than where the configuration points. */
export interface HistoryElsewhere {
  /** schema.table */
  table: string;
  /** Rows in it: applied migrations. */
  rows: number;
  /** How many of them record a migration on disk. */
  matching: number;
  /** The newest migration it records, when it can tell. */
  newest: string | undefined;
  /** How to point the ORM (and so lockstep) at it. */
  fix: string;
}

/** Everything an ORM runtime needs to apply migrations under lockstep's rules. */
export interface RuntimeContext {
  session: PgSession;
  history: OrmHistory;
  settings: RunSettings;
  audit: AuditLog;
  emit: (event: DeployEvent) => void;
  /** The migration's path relative to the project, for messages. */
  rel: (path: string) => string;
}

/**
 * For ORMs whose migrations are code (TypeORM): lockstep opens the ORM's own connection, so that the
 * migrations, the lock and the bookkeeping share one session, and applies pending migrations
 * through the ORM. Throws MigrationFailure.
 */
export interface OrmRuntime {
  /** `cli` writes a recovery command as the user should type it (Workspace.cli). */
  openSession(target: PgTarget, command: string, cli?: (args: string) => string): Promise<PgSession>;
  applyPending(pending: DiskMigration[], ctx: RuntimeContext): Promise<AppliedMigration[]>;
}

/** What lockstep knows about one ORM in one project, before it connects. */
export interface OrmProject {
  readonly orm: OrmName;
  readonly root: string;
  /** Why this ORM was detected: dependencies and files. */
  readonly evidence: string[];
  /** The ORM configuration file that was loaded, if any (prisma.config.ts, drizzle.config.ts, the TypeORM data source). */
  readonly configFile: string | undefined;
  /** How the configuration file was read, when that is worth saying: `read as data, no code ran` or `run with a TypeScript-capable loader`. */
  readonly configRead?: string | undefined;
  /** The database the ORM is configured for: postgresql, mysql, sqlite... */
  readonly dialect: string | undefined;
  readonly env: ProjectEnv;
  /** The history table as it will be named, e.g. `drizzle.__drizzle_migrations`. */
  readonly historyTable: string;
  /** The advisory lock that keeps deploys apart: Prisma's own key for Prisma projects. */
  readonly lockKey: bigint;
  /**
   * What to do with a pending migration that sorts before applied ones: Prisma applies it (so
   * lockstep warns and applies); Drizzle would skip it silently (so lockstep refuses without a flag).
   */
  readonly outOfOrder: 'warn' | 'refuse';
  /** Whether a migration that failed inside a transaction is recorded as failed and blocks (Prisma's P3009). */
  readonly recordsFailedTransactions: boolean;
  /** URLs the ORM configuration names, preferred first. */
  configuredUrls(): ConfiguredUrl[];
  /** Providers or dialects that lockstep cannot deploy yet, as a message; undefined when fine. */
  unsupported(): string | undefined;
  listMigrations(): Promise<MigrationsOnDisk>;
  /** Where the migrations location comes from, for messages: "`out` in drizzle.config.ts", "Prisma's default, next to prisma/schema.prisma". */
  readonly migrationsOrigin?: string | undefined;
  history(session: PgSession, target: PgTarget): OrmHistory;
  /** Present when migrations are code that the ORM itself must run. */
  readonly runtime?: OrmRuntime | undefined;
  /** Problems found while reading the migrations (TypeORM globs), reported as warnings. */
  readonly notes?: string[] | undefined;
}
