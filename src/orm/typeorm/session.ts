import type { PgSession } from '../../db/postgres/session.js';
import { connectionLostCause, isTypeormConnectionLost, sessionConnectionLost } from './connection-lost.js';
import type { LoadedDataSource, TypeormQueryRunner } from './data-source-file.js';

/** What the PostgreSQL client of each QueryRunner reported when its connection broke. */
const REPORTED = new WeakMap<TypeormQueryRunner, unknown>();

export function reportedConnectionError(queryRunner: TypeormQueryRunner): unknown {
  return REPORTED.get(queryRunner);
}

interface StructuredResult {
  records?: unknown[];
}

interface Context {
  command: string;
  cli: (args: string) => string;
}

/**
 * TypeORM's own connection (one QueryRunner) as lockstep's session: the lock, the bookkeeping and
 * the migrations share it. A broken connection is a LockstepError (LS_CONNECTION_LOST) that says
 * what the driver reported, never TypeORM's "Query runner already released".
 */
export async function queryRunnerSession(
  dataSource: LoadedDataSource,
  queryRunner: TypeormQueryRunner,
  context: Context,
): Promise<PgSession> {
  // The PostgreSQL client says why a connection broke; TypeORM only releases the QueryRunner.
  let reported: unknown;
  const client = (queryRunner as { databaseConnection?: { on?: (event: string, listener: (error: unknown) => void) => void } })
    .databaseConnection;
  client?.on?.('error', (error) => {
    reported ??= error;
    REPORTED.set(queryRunner, reported);
  });
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (isTypeormConnectionLost(error) || (reported !== undefined && (queryRunner as { isReleased?: boolean }).isReleased)) {
        throw sessionConnectionLost(connectionLostCause(error, reported), context.command, context.cli);
      }
      throw error;
    }
  };
  const query = <Row>(sql: string, params?: readonly unknown[]): Promise<Row[]> =>
    run(async () => {
      const result =
        (await (queryRunner.query as (sql: string, params?: unknown[], structured?: boolean) => Promise<StructuredResult>)(
          sql,
          params ? [...params] : undefined,
          true,
        )) ?? {};
      return (result.records ?? []) as Row[];
    });
  const [row] = await query<{ pid: number; version: string }>(
    `SELECT pg_backend_pid() AS pid, current_setting('server_version_num') AS version`,
  );
  return {
    kind: 'server',
    pid: row!.pid,
    serverVersion: Number(row!.version),
    query,
    exec: (sql: string) =>
      run(async () => {
        await queryRunner.query(sql);
      }),
    close: async () => {
      await queryRunner.release().catch(() => undefined);
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    },
  };
}
