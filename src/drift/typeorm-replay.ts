import type { PgSession } from '../db/postgres/session.js';
import type { DatabaseUrl } from '../db/url.js';
import type { LoadedDataSource, TypeormQueryRunner } from '../orm/typeorm/data-source-file.js';
import type { TypeormMigration } from '../orm/typeorm/migration-files.js';
import type { TransactionMode } from '../orm/typeorm/runner.js';

/** How TypeORM migration classes reach the scratch database during a replay. */
export interface TypeormReplayConnection {
  /** What `up(queryRunner)` receives. */
  readonly runner: unknown;
  readonly mode: TransactionMode;
  /** The last query a migration sent, for messages. */
  readonly lastQuery: string | undefined;
  /** Before each migration: count its queries from zero, and stop it after `limit` of them. */
  startMigration(limit: number | undefined): void;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** After the scratch database was opened again (PGlite restarted with an extension). */
  reconnect(session: PgSession): Promise<void>;
  close(): Promise<void>;
}

/** A migration called a QueryRunner method other than `query`, which the stand-in does not provide. */
export class QueryRunnerMethodMissing extends Error {
  constructor(readonly method: string) {
    super(`the migration called queryRunner.${method}(), which only TypeORM's own QueryRunner provides`);
    this.name = 'QueryRunnerMethodMissing';
  }
}

/** A migration recorded as failed part-way reached the number of queries the history says completed. */
class QueryLimitReached extends Error {}

/** Counts a migration's queries and stops it after the number the history records as done. */
class QueryBudget {
  private count = 0;
  private limit: number | undefined;

  start(limit: number | undefined): void {
    this.count = 0;
    this.limit = limit;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.limit !== undefined && this.count >= this.limit) throw new QueryLimitReached();
    const result = await fn();
    this.count++;
    return result;
  }
}

/** node-postgres and PGlite run one statement per parameterised query; a multi-statement text goes as a simple query. */
async function runQuery(session: PgSession, sql: string, params: unknown[] | undefined): Promise<unknown[]> {
  if (params && params.length > 0) return session.query(sql, params);
  try {
    return await session.query(sql);
  } catch (error) {
    if (!/multiple commands/i.test(String((error as Error)?.message))) throw error;
    await session.exec(sql);
    return [];
  }
}

/**
 * A QueryRunner stand-in whose `query(sql, params)` goes to the scratch database: enough for the
 * migrations `typeorm migration:generate` writes. Any other method stops the replay with a
 * QueryRunnerMethodMissing (the caller says to use --shadow-url, where TypeORM's own QueryRunner runs).
 */
export function standInConnection(initial: PgSession, mode: TransactionMode): TypeormReplayConnection {
  let session = initial;
  let inTransaction = false;
  let lastQuery: string | undefined;
  const budget = new QueryBudget();
  const begin = async () => {
    await session.exec('BEGIN');
    inTransaction = true;
  };
  const end = async (command: 'COMMIT' | 'ROLLBACK') => {
    if (!inTransaction) return;
    inTransaction = false;
    await session.exec(command);
  };
  const runner = new Proxy(
    {},
    {
      get(_target, property) {
        if (typeof property === 'symbol' || property === 'then' || property === 'toJSON') return undefined;
        switch (property) {
          case 'query':
            return (sql: string, params?: unknown[]) =>
              budget.run(() => {
                lastQuery = sql;
                return runQuery(session, sql, params);
              });
          case 'isTransactionActive':
            return inTransaction;
          case 'isReleased':
            return false;
          case 'startTransaction':
            return begin;
          case 'commitTransaction':
            return () => end('COMMIT');
          case 'rollbackTransaction':
            return () => end('ROLLBACK');
          default:
            throw new QueryRunnerMethodMissing(property);
        }
      },
    },
  );
  return {
    runner,
    mode,
    get lastQuery() {
      return lastQuery;
    },
    startMigration: (limit) => budget.start(limit),
    begin,
    commit: () => end('COMMIT'),
    rollback: () => end('ROLLBACK'),
    async reconnect(next) {
      session = next;
      inTransaction = false;
    },
    async close() {
      /* the scratch database is closed by its owner */
    },
  };
}

/**
 * TypeORM's own QueryRunner on the shadow database (`--shadow-url`): a second DataSource with the
 * project's options, pointed at the shadow database, never synchronize, migrationsRun or dropSchema.
 */
export async function shadowTypeormConnection(
  dataSource: LoadedDataSource,
  url: DatabaseUrl,
  mode: TransactionMode,
): Promise<TypeormReplayConnection> {
  const DataSourceClass = (dataSource as unknown as { constructor: new (options: Record<string, unknown>) => LoadedDataSource })
    .constructor;
  const options = dataSource.options;
  const shadow = new DataSourceClass({
    ...options,
    url: undefined,
    host: url.host,
    port: url.port,
    username: url.user,
    password: url.password,
    database: url.database,
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    logging: false,
    extra: { ...(options.extra ?? {}), max: 1, application_name: 'lockstep drift (shadow database)' },
  });
  await shadow.initialize();
  const queryRunner: TypeormQueryRunner = shadow.createQueryRunner();
  await queryRunner.connect();
  let lastQuery: string | undefined;
  const budget = new QueryBudget();
  const original = queryRunner.query.bind(queryRunner);
  queryRunner.query = (sql: string, parameters?: unknown[], ...rest: unknown[]) =>
    budget.run(() => {
      lastQuery = sql;
      return (original as (...args: unknown[]) => Promise<unknown>)(sql, parameters, ...rest);
    });
  return {
    runner: queryRunner,
    mode,
    get lastQuery() {
      return lastQuery;
    },
    startMigration: (limit) => budget.start(limit),
    begin: () => queryRunner.startTransaction(),
    commit: () => queryRunner.commitTransaction(),
    rollback: async () => {
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
    },
    async reconnect() {
      /* the shadow database is never reopened */
    },
    async close() {
      await queryRunner.release().catch(() => undefined);
      if (shadow.isInitialized) await shadow.destroy().catch(() => undefined);
    },
  };
}

/**
 * Runs one migration class's `up()` as TypeORM would: in a transaction unless the migration or
 * migrationsTransactionMode says otherwise. With `upTo` (a migration recorded as failed part-way),
 * only its first `upTo` queries run. `fail` turns an error into the replay's failure.
 */
export async function runTypeormMigration(
  migration: TypeormMigration,
  connection: TypeormReplayConnection,
  fail: (error: unknown, query: string | undefined) => Error,
  upTo?: number,
): Promise<void> {
  const transactional = migration.transaction ?? connection.mode !== 'none';
  connection.startMigration(upTo);
  if (transactional) await connection.begin();
  try {
    await new migration.migrationClass().up(connection.runner);
    if (transactional) await connection.commit();
  } catch (error) {
    if (error instanceof QueryLimitReached) {
      if (transactional) await connection.commit();
      return;
    }
    if (transactional) await connection.rollback().catch(() => undefined);
    if (error instanceof QueryRunnerMethodMissing) throw error;
    throw fail(error, connection.lastQuery);
  }
}
