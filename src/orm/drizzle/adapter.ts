import { relative } from 'node:path';
import type { PgTarget } from '../../db/postgres/connect.js';
import type { PgSession } from '../../db/postgres/session.js';
import type { ConfiguredUrl } from '../../project/database-url.js';
import { ProjectEnv } from '../../project/env-file.js';
import { hasDependency, readPackageJson } from '../../project/package-json.js';
import { sha256Hex } from '../../util/hash.js';
import type { MigrationsOnDisk, OrmProject } from '../adapter.js';
import { findDrizzleConfig, loadDrizzleConfig, type DrizzleConfig } from './config-file.js';
import { DrizzleHistory } from './history.js';
import { listDrizzleMigrations, type DrizzleLayout } from './migrations.js';

const POSTGRES_DIALECTS = new Set(['postgresql', 'postgres', 'pg']);

/** Cheap evidence that `root` is a Drizzle project, without evaluating any config. */
export function drizzleEvidence(root: string): string[] {
  const evidence: string[] = [];
  const pkg = readPackageJson(root);
  if (hasDependency(pkg, 'drizzle-kit')) evidence.push('package.json depends on drizzle-kit');
  else if (hasDependency(pkg, 'drizzle-orm')) evidence.push('package.json depends on drizzle-orm');
  const config = findDrizzleConfig(root);
  if (config) evidence.push(relative(root, config));
  return evidence;
}

/**
 * An advisory lock key of lockstep's own for a history table. Drizzle and TypeORM take no lock,
 * so lockstep serialises its own deploys per history table (schema-per-tenant deploys do not
 * wait for each other).
 */
export function lockstepLockKey(historyTable: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${sha256Hex(`lockstep:${historyTable}`).slice(0, 16)}`));
}

/** A Drizzle project: drizzle.config.*, its `out` folder and `drizzle.__drizzle_migrations`. */
export class DrizzleOrm implements OrmProject {
  readonly orm = 'drizzle' as const;
  readonly recordsFailedTransactions = false;
  readonly lockKey: bigint;

  private constructor(
    readonly root: string,
    readonly evidence: string[],
    readonly config: DrizzleConfig,
    readonly env: ProjectEnv,
    private readonly layout: DrizzleLayout,
  ) {
    this.lockKey = lockstepLockKey(this.historyTable);
  }

  static async load(root: string): Promise<DrizzleOrm> {
    const file = findDrizzleConfig(root);
    const env = new ProjectEnv([root]);
    const config: DrizzleConfig = file
      ? await loadDrizzleConfig(file, env)
      : { file: '', dialect: undefined, driver: undefined, out: `${root}/drizzle`, schema: [], url: undefined, migrationsTable: '__drizzle_migrations', migrationsSchema: 'drizzle', schemaFilter: [] };
    return new DrizzleOrm(root, drizzleEvidence(root), config, env, listDrizzleMigrations(config.out).layout);
  }

  get configFile(): string | undefined {
    return this.config.file || undefined;
  }

  get dialect(): string | undefined {
    return this.config.dialect ?? (this.config.driver === 'pg' ? 'postgresql' : undefined);
  }

  get historyTable(): string {
    return `${this.config.migrationsSchema}.${this.config.migrationsTable}`;
  }

  /** drizzle-orm 0.x skips an older migration silently, so lockstep refuses it; v1 applies it, so lockstep warns. */
  get outOfOrder(): 'warn' | 'refuse' {
    return this.layout === 'folders' ? 'warn' : 'refuse';
  }

  configuredUrls(): ConfiguredUrl[] {
    if (!this.config.file) return [];
    return [{ source: `dbCredentials in ${relative(this.root, this.config.file)}`, value: this.config.url, missingEnv: undefined, direct: false }];
  }

  unsupported(): string | undefined {
    const dialect = this.dialect;
    if (dialect && !POSTGRES_DIALECTS.has(dialect)) {
      return `${relative(this.root, this.config.file)} sets dialect "${dialect}"; lockstep deploys Drizzle migrations to PostgreSQL.`;
    }
    return undefined;
  }

  async listMigrations(): Promise<MigrationsOnDisk> {
    return listDrizzleMigrations(this.config.out);
  }

  history(session: PgSession, _target: PgTarget): DrizzleHistory {
    return new DrizzleHistory(session, {
      schema: this.config.migrationsSchema,
      table: this.config.migrationsTable,
      layout: this.layout,
      projectRoot: this.root,
      appSchemas: ['public', ...this.config.schemaFilter],
    });
  }
}
