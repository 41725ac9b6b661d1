import type { LockstepConfigFile } from '../config/config-file.js';
import type { PgTarget } from '../db/postgres/connect.js';
import { InvalidDatabaseUrl, parseDatabaseUrl } from '../db/url.js';
import { resolveAuditSettings } from '../deploy/options.js';
import { usageError } from '../errors.js';
import type { OrmProject } from '../orm/adapter.js';
import type { DrizzleOrm } from '../orm/drizzle/adapter.js';
import type { PrismaOrm } from '../orm/prisma/adapter.js';
import type { TypeormOrm } from '../orm/typeorm/adapter.js';
import { configuredIgnorePatterns, ignoreRules, type IgnoreRules } from './ignore.js';
import type { ReplayTarget } from './scratch.js';
import type { Bookkeeping } from './scope.js';

/** What a drift check needs to know besides the project: where to replay, what to leave out. */
export interface DriftSettings {
  target: ReplayTarget;
  ignore: IgnoreRules;
  comments: boolean;
  /** The search_path both catalogs are printed under: the ORM's schema. */
  searchPath: string[];
  bookkeeping: Bookkeeping;
}

export interface DriftSettingsOptions {
  /** An empty scratch database to replay into instead of PGlite. */
  shadowUrl?: string | undefined;
  /** Patterns (`schema.table`, `*` and `?`) of objects managed elsewhere. */
  ignore?: string[] | undefined;
  /** Compare comments too. */
  comments?: boolean | undefined;
}

/** The schema an ORM's migrations create their objects in when they do not name one. */
export function ormSchema(orm: OrmProject, target: PgTarget | undefined): string {
  if (orm.orm === 'prisma') return (target?.kind === 'server' ? target.url.schema : undefined) ?? 'public';
  if (orm.orm === 'typeorm') return (orm as TypeormOrm).dataSource.options.schema ?? 'public';
  return 'public';
}

/** The ORM's history table and lockstep's audit table: never compared, never reported. */
export function bookkeepingFor(orm: OrmProject, config: LockstepConfigFile, target: PgTarget | undefined): Bookkeeping {
  const audit = resolveAuditSettings(config, {});
  const tables = [`${audit.schema}.${audit.table}`];
  const schemas = [audit.schema];
  if (orm.orm === 'prisma') {
    tables.push(`${ormSchema(orm, target)}._prisma_migrations`);
  } else if (orm.orm === 'drizzle') {
    const { migrationsSchema, migrationsTable } = (orm as DrizzleOrm).config;
    tables.push(`${migrationsSchema}.${migrationsTable}`);
    schemas.push(migrationsSchema);
  } else {
    const options = (orm as TypeormOrm).dataSource.options;
    const schema = options.schema ?? 'public';
    const metadata = typeof options.metadataTableName === 'string' ? options.metadataTableName : 'typeorm_metadata';
    tables.push(`${schema}.${options.migrationsTableName ?? 'migrations'}`, `${schema}.${metadata}`);
  }
  return { tables, schemas };
}

/** Tables Prisma is told are managed elsewhere (prisma.config.ts `tables.external`). */
function externalTables(orm: OrmProject): string[] {
  return orm.orm === 'prisma' ? (orm as PrismaOrm).project.externalTables : [];
}

export function resolveDriftSettings(
  orm: OrmProject,
  config: LockstepConfigFile,
  target: PgTarget | undefined,
  options: DriftSettingsOptions,
): DriftSettings {
  let replayTarget: ReplayTarget = { kind: 'pglite' };
  if (options.shadowUrl) {
    try {
      replayTarget = { kind: 'shadow', url: parseDatabaseUrl(options.shadowUrl) };
    } catch (error) {
      if (error instanceof InvalidDatabaseUrl)
        throw usageError('LS_BAD_DATABASE_URL', `The --shadow-url is not usable: ${error.message}.`, [
          'Pass --shadow-url with the URL of an empty scratch database, e.g. postgresql://user@host:5432/shadow.',
        ]);
      throw error;
    }
    const shadow = replayTarget.url;
    if (shadow.dialect !== 'postgres')
      throw usageError('LS_BAD_DATABASE_URL', 'The --shadow-url must be a PostgreSQL URL (postgresql://...).', [
        'Pass --shadow-url with the URL of an empty PostgreSQL scratch database.',
      ]);
    if (
      target?.kind === 'server' &&
      target.url.host === shadow.host &&
      target.url.port === shadow.port &&
      target.url.database === shadow.database
    ) {
      throw usageError(
        'LS_SHADOW_IS_LIVE',
        `The --shadow-url names the live database itself ("${shadow.database}" on ${shadow.host}:${shadow.port}); the shadow database must be a separate, empty scratch database.`,
        ['Create an empty database for the replay (e.g. createdb shadow_check) and pass its URL with --shadow-url.'],
      );
    }
  }
  const patterns = [...configuredIgnorePatterns(config.drift, config.file), ...externalTables(orm), ...(options.ignore ?? [])];
  return {
    target: replayTarget,
    ignore: ignoreRules(patterns),
    comments: Boolean(options.comments),
    searchPath: [ormSchema(orm, target)],
    bookkeeping: bookkeepingFor(orm, config, target),
  };
}
