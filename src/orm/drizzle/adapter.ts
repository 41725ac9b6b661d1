import { relative, resolve } from 'node:path';
import { explicitConfigFile } from '../../project/explicit-config.js';
import type { PgTarget } from '../../db/postgres/connect.js';
import type { PgSession } from '../../db/postgres/session.js';
import type { ConfiguredUrl } from '../../project/database-url.js';
import { ProjectEnv } from '../../project/env-file.js';
import { lockstepLockKey } from '../../db/postgres/advisory-lock.js';
import type { MigrationsOnDisk, OrmProject } from '../adapter.js';
import { findDrizzleConfig, loadDrizzleConfig, type DrizzleConfig } from './config-file.js';
import { drizzleEvidence } from './evidence.js';
import { DrizzleHistory } from './history.js';
import { drizzleLayout, listDrizzleMigrations, type DrizzleLayout } from './migrations.js';

const POSTGRES_DIALECTS = new Set(['postgresql', 'postgres', 'pg']);

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

  /** `config`: the drizzle-kit config to use instead of the one lockstep finds (drizzle-kit's --config). */
  static async load(root: string, configPath?: string): Promise<DrizzleOrm> {
    const file = configPath ? explicitConfigFile(root, configPath) : findDrizzleConfig(root);
    const env = new ProjectEnv([root]);
    const config: DrizzleConfig = file
      ? await loadDrizzleConfig(file, env, root)
      : {
          file: '',
          dialect: undefined,
          driver: undefined,
          out: `${root}/drizzle`,
          schema: [],
          url: undefined,
          migrationsTable: '__drizzle_migrations',
          migrationsSchema: 'drizzle',
          schemaFilter: [],
        };
    return new DrizzleOrm(root, drizzleEvidence(root), config, env, drizzleLayout(config.out));
  }

  get configFile(): string | undefined {
    return this.config.file || undefined;
  }

  get configRead(): string | undefined {
    return this.config.readAs === 'data'
      ? 'read as data, no code ran'
      : this.config.readAs === 'loader'
        ? 'run with a TypeScript-capable loader'
        : undefined;
  }

  get dialect(): string | undefined {
    return this.config.dialect ?? (this.config.driver === 'pg' ? 'postgresql' : undefined);
  }

  get historyTable(): string {
    // drizzle-orm honours migrations.schema on PostgreSQL only; MySQL and SQLite keep the table in the current database.
    const dialect = this.dialect;
    if (dialect && !POSTGRES_DIALECTS.has(dialect)) return this.config.migrationsTable;
    return `${this.config.migrationsSchema}.${this.config.migrationsTable}`;
  }

  /** drizzle-orm 0.x skips an older migration silently, so lockstep refuses it; v1 applies it, so lockstep warns. */
  get outOfOrder(): 'warn' | 'refuse' {
    return this.layout === 'folders' ? 'warn' : 'refuse';
  }

  configuredUrls(): ConfiguredUrl[] {
    if (!this.config.file) return [];
    return [
      {
        source: `dbCredentials in ${relative(this.root, this.config.file)}`,
        value: this.config.url,
        missingEnv: undefined,
        direct: false,
      },
    ];
  }

  unsupported(): string | undefined {
    const dialect = this.dialect;
    if (dialect && !POSTGRES_DIALECTS.has(dialect)) {
      return `${relative(this.root, this.config.file)} sets dialect "${dialect}".`;
    }
    return undefined;
  }

  get migrationsOrigin(): string {
    if (!this.config.file) return "drizzle-kit's default, ./drizzle (no drizzle.config.* was found)";
    const file = relative(this.root, this.config.file);
    return this.config.out === resolve(this.root, 'drizzle')
      ? `\`out\` in ${file}, or drizzle-kit's default ./drizzle when it sets none`
      : `\`out\` in ${file}`;
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
      configFile: this.config.file ? relative(this.root, this.config.file) : undefined,
    });
  }
}
