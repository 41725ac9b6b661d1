import type { PgSession } from '../../db/postgres/session.js';
import type { LoadedDataSource, TypeormQueryRunner } from './data-source-file.js';

interface StructuredResult {
  records?: unknown[];
}

/** TypeORM's own connection (one QueryRunner) as lockstep's session: the lock, the bookkeeping and the migrations share it. */
export async function queryRunnerSession(dataSource: LoadedDataSource, queryRunner: TypeormQueryRunner): Promise<PgSession> {
  const query = async <Row>(sql: string, params?: readonly unknown[]): Promise<Row[]> => {
    const result = (await (queryRunner.query as (sql: string, params?: unknown[], structured?: boolean) => Promise<StructuredResult>)(sql, params ? [...params] : undefined, true)) ?? {};
    return (result.records ?? []) as Row[];
  };
  const [row] = await query<{ pid: number; version: string }>(`SELECT pg_backend_pid() AS pid, current_setting('server_version_num') AS version`);
  return {
    kind: 'server',
    pid: row!.pid,
    serverVersion: Number(row!.version),
    query,
    exec: async (sql: string) => {
      await queryRunner.query(sql);
    },
    close: async () => {
      await queryRunner.release().catch(() => undefined);
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    },
  };
}
