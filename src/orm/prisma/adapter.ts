import { relative } from 'node:path';
import { PRISMA_LOCK_KEY } from '../../db/postgres/advisory-lock.js';
import type { PgTarget } from '../../db/postgres/connect.js';
import type { PgSession } from '../../db/postgres/session.js';
import type { ConfiguredUrl } from '../../project/database-url.js';
import type { ProjectEnv } from '../../project/env-file.js';
import type { MigrationsOnDisk, OrmProject } from '../adapter.js';
import { PRISMA_MIGRATIONS_TABLE, PrismaHistory } from './history.js';
import { listPrismaMigrations } from './migrations.js';
import { loadPrismaProject, prismaConfiguredUrls, type PrismaProject } from './project.js';

const POSTGRES_PROVIDERS = new Set(['postgresql', 'postgres']);

/** A Prisma project: `prisma/migrations/<name>/migration.sql` and `_prisma_migrations`. */
export class PrismaOrm implements OrmProject {
  readonly orm = 'prisma' as const;
  readonly lockKey = PRISMA_LOCK_KEY;
  readonly outOfOrder = 'warn' as const;
  readonly recordsFailedTransactions = true;

  private constructor(readonly project: PrismaProject) {}

  /** `config`: a prisma.config.ts, or a schema file or folder, to use instead of the ones lockstep finds. */
  static async load(root: string, config?: string): Promise<PrismaOrm> {
    return new PrismaOrm(await loadPrismaProject(root, config));
  }

  get root(): string {
    return this.project.root;
  }
  get evidence(): string[] {
    return this.project.evidence;
  }
  get configFile(): string | undefined {
    return this.project.config?.file;
  }
  get configRead(): string | undefined {
    return this.project.config ? 'run with a TypeScript-capable loader, as the Prisma CLI loads it' : undefined;
  }
  get env(): ProjectEnv {
    return this.project.env;
  }
  get dialect(): string | undefined {
    return this.project.datasource?.provider ?? this.project.lockProvider;
  }

  get historyTable(): string {
    // On MySQL and SQLite the table is in the database itself, with no schema.
    const dialect = this.dialect;
    return dialect && !POSTGRES_PROVIDERS.has(dialect) ? PRISMA_MIGRATIONS_TABLE : `public.${PRISMA_MIGRATIONS_TABLE}`;
  }

  configuredUrls(): ConfiguredUrl[] {
    return prismaConfiguredUrls(this.project);
  }

  unsupported(): string | undefined {
    const p = this.project;
    const rel = (path: string) => relative(p.root, path) || path;
    const lockFile = rel(`${p.migrationsDir}/migration_lock.toml`);
    if (p.lockProvider && !POSTGRES_PROVIDERS.has(p.lockProvider)) {
      return `${lockFile} records provider "${p.lockProvider}": these migrations were generated for ${p.lockProvider}.`;
    }
    const provider = p.datasource?.provider;
    if (provider && !POSTGRES_PROVIDERS.has(provider)) {
      return `The datasource in ${rel(p.datasourceFile!)} uses provider "${provider}".`;
    }
    if (provider && p.lockProvider && provider !== p.lockProvider) {
      return `The datasource provider "${provider}" in ${rel(p.datasourceFile!)} does not match provider "${p.lockProvider}" in ${lockFile} (Prisma: P3019).`;
    }
    return undefined;
  }

  get migrationsOrigin(): string {
    const p = this.project;
    const rel = (path: string) => relative(p.root, path) || '.';
    if (p.config?.migrationsPath) return `migrations.path in ${rel(p.config.file)}`;
    if (p.config?.schema) return `Prisma's default, next to the schema ${rel(p.config.schema)} that ${rel(p.config.file)} names`;
    if (p.schemaPath) return `Prisma's default, next to the schema ${rel(p.datasourceFile ?? p.schemaPath)}`;
    return "Prisma's default, since no schema was found here: no prisma/schema.prisma, schema.prisma or prisma/schema, and no prisma.schema in package.json";
  }

  async listMigrations(): Promise<MigrationsOnDisk> {
    return listPrismaMigrations(this.project.migrationsDir);
  }

  history(session: PgSession, target: PgTarget): PrismaHistory {
    const fromUrl = target.kind === 'server' ? target.url.schema : undefined;
    const schema = fromUrl ?? 'public';
    return new PrismaHistory(session, schema, {
      schemaFromUrl: fromUrl !== undefined,
      projectRoot: this.project.root,
      extraSchemas: this.project.datasource?.schemas ?? [],
      externalTables: this.project.externalTables,
    });
  }
}
