import type { Node } from 'libpg-query';
import { lineAndColumn, nodeKind, parsePostgres } from './parser.js';

/** One statement of a migration file, with where it is and how it may run. */
export interface SqlStatement {
  /** 0-based position in the file. */
  index: number;
  /** The statement's text exactly as in the file, without the terminating semicolon. */
  text: string;
  /** 1-based line and column where the statement starts, and the line where it ends. */
  line: number;
  column: number;
  endLine: number;
  /** Parse node kind, e.g. `IndexStmt`. */
  kind: string;
  node: Node;
  /** Why PostgreSQL refuses this statement inside a transaction block, if it does. */
  outsideTransaction?: string;
  /** A statement whose locks never block reads and writes (CONCURRENTLY forms, plain VACUUM). */
  nonBlocking: boolean;
  /** Explicit transaction control written in the file. */
  transactionControl?: 'begin' | 'commit' | 'rollback' | 'other';
  /** For CREATE INDEX CONCURRENTLY: the index it builds, to find an INVALID leftover. */
  concurrentIndex?: { schema: string | undefined; table: string; name: string | undefined };
}

export async function splitStatements(sql: string): Promise<SqlStatement[]> {
  const raws = await parsePostgres(sql);
  if (raws.length === 0) return [];
  const bytes = Buffer.from(sql, 'utf8');
  // Byte offsets from the parser become character offsets for line/column and slicing.
  return raws.map((raw, index) => {
    const charStart = bytes.subarray(0, raw.byteStart).toString('utf8').length;
    const rawText = bytes.subarray(raw.byteStart, raw.byteStart + raw.byteLength).toString('utf8');
    const leading = rawText.length - rawText.trimStart().length;
    const text = rawText.trim();
    const start = lineAndColumn(sql, charStart + leading);
    const endLine = start.line + (text.match(/\n/g)?.length ?? 0);
    return { index, text, line: start.line, column: start.column, endLine, ...classify(raw.node) };
  });
}

type Classification = Pick<SqlStatement, 'kind' | 'node' | 'outsideTransaction' | 'nonBlocking' | 'transactionControl' | 'concurrentIndex'>;

/** Whether a statement's option list turns `name` on (`CONCURRENTLY`, `(FULL)`, `(FULL true)`; not `(FULL false)`). */
const hasOption = (options: unknown, name: string): boolean =>
  Array.isArray(options) &&
  options.some((option) => {
    const element = (option as { DefElem?: { defname?: string; arg?: { Boolean?: { boolval?: boolean }; String?: { sval?: string }; Integer?: { ival?: number } } } }).DefElem;
    if (element?.defname !== name) return false;
    const arg = element.arg;
    if (!arg) return true;
    if (arg.Boolean) return Boolean(arg.Boolean.boolval);
    if (arg.String) return !['false', 'off', '0', 'no'].includes(String(arg.String.sval).toLowerCase());
    if (arg.Integer) return arg.Integer.ival !== 0;
    return true;
  });

function classify(node: Node): Classification {
  const { kind, body } = nodeKind(node);
  const base: Classification = { kind, node, nonBlocking: false };
  switch (kind) {
    case 'IndexStmt': {
      if (!body.concurrent) return base;
      const relation = body.relation as { schemaname?: string; relname: string };
      return {
        ...base,
        outsideTransaction: 'CREATE INDEX CONCURRENTLY',
        nonBlocking: true,
        concurrentIndex: { schema: relation.schemaname, table: relation.relname, name: body.idxname as string | undefined },
      };
    }
    case 'DropStmt':
      return body.concurrent ? { ...base, outsideTransaction: 'DROP INDEX CONCURRENTLY', nonBlocking: true } : base;
    case 'ReindexStmt': {
      if (hasOption(body.params, 'concurrently')) return { ...base, outsideTransaction: 'REINDEX CONCURRENTLY', nonBlocking: true };
      const target = String(body.kind);
      if (target === 'REINDEX_OBJECT_SYSTEM' || target === 'REINDEX_OBJECT_DATABASE') return { ...base, outsideTransaction: 'REINDEX SYSTEM/DATABASE' };
      return base;
    }
    case 'VacuumStmt':
      if (!body.is_vacuumcmd) return base;
      return hasOption(body.options, 'full')
        ? { ...base, outsideTransaction: 'VACUUM FULL' }
        : { ...base, outsideTransaction: 'VACUUM', nonBlocking: true };
    case 'ClusterStmt':
      return body.relation ? base : { ...base, outsideTransaction: 'CLUSTER without a table' };
    case 'CreatedbStmt':
      return { ...base, outsideTransaction: 'CREATE DATABASE' };
    case 'DropdbStmt':
      return { ...base, outsideTransaction: 'DROP DATABASE' };
    case 'CreateTableSpaceStmt':
      return { ...base, outsideTransaction: 'CREATE TABLESPACE' };
    case 'DropTableSpaceStmt':
      return { ...base, outsideTransaction: 'DROP TABLESPACE' };
    case 'AlterSystemStmt':
      return { ...base, outsideTransaction: 'ALTER SYSTEM' };
    case 'CreateSubscriptionStmt':
    case 'DropSubscriptionStmt':
      return { ...base, outsideTransaction: kind === 'CreateSubscriptionStmt' ? 'CREATE SUBSCRIPTION' : 'DROP SUBSCRIPTION' };
    case 'AlterDatabaseStmt':
      return hasOption(body.options, 'tablespace') ? { ...base, outsideTransaction: 'ALTER DATABASE SET TABLESPACE' } : base;
    case 'AlterTableStmt': {
      const cmds = (body.cmds ?? []) as Array<{ AlterTableCmd?: { subtype?: string; def?: { PartitionCmd?: { concurrent?: boolean } } } }>;
      const detach = cmds.some((cmd) => cmd.AlterTableCmd?.subtype === 'AT_DetachPartition' && cmd.AlterTableCmd.def?.PartitionCmd?.concurrent);
      return detach ? { ...base, outsideTransaction: 'DETACH PARTITION CONCURRENTLY', nonBlocking: true } : base;
    }
    case 'TransactionStmt': {
      const txKind = String(body.kind);
      const control =
        txKind === 'TRANS_STMT_BEGIN' || txKind === 'TRANS_STMT_START'
          ? 'begin'
          : txKind === 'TRANS_STMT_COMMIT'
            ? 'commit'
            : txKind === 'TRANS_STMT_ROLLBACK'
              ? 'rollback'
              : 'other';
      return { ...base, transactionControl: control };
    }
    default:
      return base;
  }
}
