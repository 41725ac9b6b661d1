import { relative } from 'node:path';
import { explicitConfigFile } from '../../project/explicit-config.js';
import { connectionError, type PgTarget } from '../../db/postgres/connect.js';
import { clientConfig } from '../../db/postgres/node-session.js';
import type { PgSession } from '../../db/postgres/session.js';
import { readConfigFile } from '../../config/config-file.js';
import { ExitCode, LockstepError, usageError } from '../../errors.js';
import { errorText } from '../../deploy/apply-migration.js';
import type { ConfiguredUrl } from '../../project/database-url.js';
import { ProjectEnv } from '../../project/env-file.js';
import type { DiskMigration, MigrationsOnDisk, OrmProject, OrmRuntime, RuntimeContext } from '../adapter.js';
import { lockstepLockKey } from '../../db/postgres/advisory-lock.js';
import { typeormEvidence } from './evidence.js';
import {
  findDataSourceFile,
  loadDataSource,
  typeormLoader,
  type ConnectionFields,
  type LoadedDataSource,
  type TypeormQueryRunner,
} from './data-source-file.js';
import { TypeormHistory } from './history.js';
import { globProblems, loadTypeormMigrations, type TypeormMigration } from './migration-files.js';
import { mixedList } from './class-files.js';
import { loadClassFiles } from './entity-files.js';
import { inProjectDir } from '../../project/project-dir.js';
import type { TransactionMode } from './runner.js';
import { queryRunnerSession } from './session.js';

/**
 * The data source's connection options as a URL, so that --url and DATABASE_URL can stand in for
 * it. With `replication`, TypeORM writes through the master, so that is where migrations go.
 */
function dataSourceUrl(dataSource: LoadedDataSource['options']): string | undefined {
  const options: ConnectionFields = dataSource.replication?.master ?? dataSource;
  // An empty url is returned as is: an explicitly empty URL is a configuration error
  // (resolveTarget says so), never "no URL", whatever host or database the options also name.
  if (typeof options.url === 'string') return options.url;
  if (typeof options.host !== 'string' && typeof options.database !== 'string') return undefined;
  const user = options.username ? encodeURIComponent(options.username) : '';
  const password = typeof options.password === 'string' && options.password ? `:${encodeURIComponent(options.password)}` : '';
  const host = options.host ?? 'localhost';
  const port = options.port ? `:${options.port}` : '';
  return `postgresql://${user}${password}${user ? '@' : ''}${host}${port}/${encodeURIComponent(options.database ?? '')}${options.ssl ? '?sslmode=require' : ''}`;
}

/** An error of TypeORM's own (TypeORMError and its subclasses, such as EntityMetadataNotFoundError), not of the driver. */
function isTypeormError(error: unknown): boolean {
  for (
    let proto = error && typeof error === 'object' ? Object.getPrototypeOf(error) : null;
    proto;
    proto = Object.getPrototypeOf(proto)
  ) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === 'TypeORMError') return true;
  }
  return false;
}

/** A TypeORM project: its DataSource, the migration classes it lists, and the `migrations` table. */
export class TypeormOrm implements OrmProject, OrmRuntime {
  readonly orm = 'typeorm' as const;
  readonly outOfOrder = 'warn' as const;
  readonly recordsFailedTransactions = false;
  readonly lockKey: bigint;
  readonly runtime = this;
  private queryRunner: TypeormQueryRunner | undefined;

  private constructor(
    readonly root: string,
    readonly evidence: string[],
    readonly dataSourceFile: string,
    readonly dataSource: LoadedDataSource,
    /** The data source's entities and subscribers, with their globs replaced by the classes lockstep loaded. */
    private readonly classes: { entities: unknown[]; subscribers: unknown[] },
    readonly migrations: TypeormMigration[],
    readonly notes: string[],
    readonly env: ProjectEnv,
  ) {
    this.lockKey = lockstepLockKey(this.historyTable);
  }

  /** `config`: the DataSource file to use instead of the one lockstep finds (the typeorm CLI's -d). */
  static async load(root: string, config?: string): Promise<TypeormOrm> {
    const env = new ProjectEnv([root]);
    const found = config
      ? { file: explicitConfigFile(root, config), why: '--config' }
      : findDataSourceFile(root, readConfigFile(root).typeorm?.dataSource);
    if (!found) {
      throw new LockstepError({
        code: 'LS_TYPEORM_DATA_SOURCE',
        message: `No TypeORM data source was found in ${root}: no package.json script passes one to the typeorm CLI (-d), and none is at src/data-source.ts or the other usual places.`,
        state: 'Unchanged: lockstep did not connect.',
        recovery: ['Set typeorm.dataSource in lockstep.config.json to the file that exports your DataSource.'],
        exitCode: ExitCode.Usage,
      });
    }
    const file = found.file;
    // The data source, its entities and its migrations are code of the project: they run as the
    // typeorm CLI runs them from the project's folder, with its .env values visible.
    const loaded = await inProjectDir(root, () =>
      env.withFileValues(async () => {
        const importer = await typeormLoader(file, root);
        const dataSource = await loadDataSource(file, root, importer);
        const entities = await loadClassFiles('entities', dataSource.options.entities, { root, importer });
        const subscribers = await loadClassFiles('subscribers', dataSource.options.subscribers, { root, importer });
        const { migrations, globs } = await loadTypeormMigrations(dataSource.options.migrations, {
          root,
          dataSourceFile: file,
          importer,
        });
        return { dataSource, entities, subscribers, migrations, globs };
      }),
    );
    const notes = [
      ...globProblems(loaded.globs, file, root),
      ...globProblems(loaded.entities.globs, file, root, 'entities'),
      ...globProblems(loaded.subscribers.globs, file, root, 'subscribers'),
    ].map((p) => `TypeORM: ${p}.`);
    const classes = { entities: loaded.entities.entries, subscribers: loaded.subscribers.entries };
    return new TypeormOrm(root, typeormEvidence(root), file, loaded.dataSource, classes, loaded.migrations, notes, env);
  }

  get configFile(): string {
    return this.dataSourceFile;
  }

  get configRead(): string {
    return /\.[cm]?tsx?$/.test(this.dataSourceFile)
      ? "run with a TypeScript-capable loader and the project's tsconfig.json"
      : 'compiled JavaScript, run as it is';
  }

  get dialect(): string | undefined {
    return this.dataSource.options.type === 'postgres' ? 'postgresql' : this.dataSource.options.type;
  }

  get historyTable(): string {
    const table = this.dataSource.options.migrationsTableName ?? 'migrations';
    // Only PostgreSQL has schemas; elsewhere the table is in the database itself.
    return this.dataSource.options.type && this.dataSource.options.type !== 'postgres'
      ? table
      : `${this.dataSource.options.schema ?? 'public'}.${table}`;
  }

  get transactionMode(): TransactionMode {
    return this.dataSource.options.migrationsTransactionMode ?? 'all';
  }

  configuredUrls(): ConfiguredUrl[] {
    const where = `${this.dataSource.options.replication?.master ? 'the replication master of ' : ''}the data source in ${relative(this.root, this.dataSourceFile)}`;
    return [{ source: where, value: dataSourceUrl(this.dataSource.options), missingEnv: undefined, direct: false }];
  }

  unsupported(): string | undefined {
    const type = this.dataSource.options.type;
    return type && type !== 'postgres'
      ? `The data source in ${relative(this.root, this.dataSourceFile)} is of type "${type}".`
      : undefined;
  }

  async listMigrations(): Promise<MigrationsOnDisk> {
    const patterns = mixedList(this.dataSource.options.migrations).filter((m): m is string => typeof m === 'string');
    return {
      location: patterns.join(', ') || relative(this.root, this.dataSourceFile),
      exists: this.migrations.length > 0,
      migrations: this.migrations,
    };
  }

  history(session: PgSession): TypeormHistory {
    return new TypeormHistory(session, {
      schema: this.dataSource.options.schema,
      table: this.dataSource.options.migrationsTableName ?? 'migrations',
      projectRoot: this.root,
    });
  }

  /**
   * Initialises the project's DataSource on lockstep's target (never synchronize, never
   * migrationsRun, never dropSchema) and takes one QueryRunner from it as the session.
   */
  async openSession(
    target: PgTarget,
    command: string,
    cli: (args: string) => string = (args) => `lockstep ${args}`,
  ): Promise<PgSession> {
    if (target.kind !== 'server') throw new Error('TypeORM projects need a database server');
    const options = this.dataSource.options;
    // The connection lockstep's own sessions would open: host, credentials, TLS and timeout from the URL.
    const client = clientConfig(target.url, `lockstep ${command}`);
    this.dataSource.setOptions({
      // One connection to lockstep's target: no replicas, whose master would take precedence over it.
      replication: undefined,
      // TLS as the URL's sslmode says; with none, as the data source (or its master) configures it.
      ...(client.ssl !== undefined
        ? { ssl: client.ssl }
        : options.ssl === undefined && options.replication?.master?.ssl !== undefined
          ? { ssl: options.replication.master.ssl }
          : {}),
      connectTimeoutMS: client.connectionTimeoutMillis,
      url: undefined,
      host: client.host,
      port: client.port,
      username: client.user,
      password: client.password,
      database: client.database,
      // lockstep runs the migration classes it loaded itself; TypeORM need not load them again, nor
      // load the entities and subscribers (see loadClassFiles).
      migrations: [],
      entities: this.classes.entities,
      subscribers: this.classes.subscribers,
      synchronize: false,
      migrationsRun: false,
      dropSchema: false,
      logging: false,
      extra: { ...(options.extra ?? {}), max: 1, application_name: `lockstep ${command}` },
    });
    try {
      await this.dataSource.initialize();
      this.queryRunner = this.dataSource.createQueryRunner();
      await this.queryRunner.connect();
    } catch (error) {
      if (this.dataSource.isInitialized) await this.dataSource.destroy().catch(() => undefined);
      // TypeORM checks the entities (their relations, columns and keys) once it has connected.
      if (isTypeormError(error) && (error as { driverError?: unknown }).driverError === undefined) {
        throw usageError(
          'LS_TYPEORM_DATA_SOURCE',
          `TypeORM refused the data source in ${relative(this.root, this.dataSourceFile)}: ${errorText(error)}`,
          [
            `Fix what TypeORM names in the data source or its entities (the typeorm CLI refuses it too), then run \`${cli(command)}\` again.`,
          ],
        );
      }
      throw connectionError((error as { driverError?: unknown }).driverError ?? error, target, command);
    }
    return queryRunnerSession(this.dataSource, this.queryRunner, { command, cli });
  }

  /** The migrations' up() methods are code of the project too: they run in its folder, with its .env values visible. */
  async applyPending(pending: DiskMigration[], ctx: RuntimeContext) {
    const byName = new Map(this.migrations.map((m) => [m.name, m]));
    // The runner loads only when there is something to apply.
    const { applyTypeormMigrations } = await import('./runner.js');
    return inProjectDir(this.root, () =>
      this.env.withFileValues(() =>
        applyTypeormMigrations(
          pending.map((m) => byName.get(m.name)!),
          this.transactionMode,
          { ...ctx, queryRunner: this.queryRunner!, dataSource: this.dataSource, history: ctx.history as TypeormHistory },
        ),
      ),
    );
  }
}
