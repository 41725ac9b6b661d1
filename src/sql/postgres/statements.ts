import type { Node } from 'libpg-query';
import { nodeKind, parsePostgres, statementNode } from './parser.js';

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
  /**
   * The statement's parse tree. A long statement (a big literal) does not keep it: it is parsed
   * again from `text` when read, so that a big file's statements do not hold every string twice.
   */
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
  // Byte offsets from the parser become character offsets for line/column and slicing. The
  // statements come in file order, so one cursor walks the file once: decoding from the start of
  // the file for every statement made a file of many statements quadratic (minutes for 20 MB).
  const cursor: Cursor = { byte: 0, char: 0, line: 1, lineStart: 0, scanned: 0 };
  return raws.map((raw, index) => {
    if (raw.byteStart < cursor.byte) Object.assign(cursor, { byte: 0, char: 0 });
    cursor.char += bytes.toString('utf8', cursor.byte, raw.byteStart).length;
    cursor.byte = raw.byteStart;
    const charStart = cursor.char;
    const rawText = bytes.toString('utf8', raw.byteStart, raw.byteStart + raw.byteLength);
    const leading = rawText.length - rawText.trimStart().length;
    const text = rawText.trim();
    const start = advanceLines(sql, cursor, charStart + leading);
    const endLine = start.line + countNewlines(text);
    const statement: SqlStatement = { index, text, line: start.line, column: start.column, endLine, ...classify(raw.node) };
    raw.node = undefined as unknown as Node;
    return text.length > KEEP_TREE_CHARS ? withoutTree(statement) : statement;
  });
}

/** Replaces the statement's tree with a getter that parses its text again (a function of its own, so that the getter holds nothing else alive). */
function withoutTree(statement: SqlStatement): SqlStatement {
  const text = statement.text;
  // Consumers of the tree (lock blockers, index definitions, drift) ignore `location` fields.
  return Object.defineProperty(statement, 'node', { get: () => statementNode(text), enumerable: true, configurable: true });
}

/** Statements longer than this keep their text only, not their parse tree (see SqlStatement.node). */
const KEEP_TREE_CHARS = 4096;

/** Where the walk through a file is: byte and character offsets, the line, and how far newlines were counted. */
interface Cursor {
  byte: number;
  char: number;
  line: number;
  lineStart: number;
  scanned: number;
}

/** Line and column of `offset`, counting newlines from where the last call stopped (offsets ascend). */
function advanceLines(sql: string, cursor: Cursor, offset: number): { line: number; column: number } {
  let from = cursor.scanned;
  if (offset < from) {
    cursor.line = 1;
    cursor.lineStart = 0;
    from = 0;
  }
  for (let i = sql.indexOf('\n', from); i !== -1 && i < offset; i = sql.indexOf('\n', i + 1)) {
    cursor.line++;
    cursor.lineStart = i + 1;
  }
  cursor.scanned = offset;
  return { line: cursor.line, column: offset - cursor.lineStart + 1 };
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

type Classification = Pick<
  SqlStatement,
  'kind' | 'node' | 'outsideTransaction' | 'nonBlocking' | 'transactionControl' | 'concurrentIndex'
>;

/** Whether a statement's option list turns `name` on (`CONCURRENTLY`, `(FULL)`, `(FULL true)`; not `(FULL false)`). */
const hasOption = (options: unknown, name: string): boolean =>
  Array.isArray(options) &&
  options.some((option) => {
    const element = (
      option as {
        DefElem?: {
          defname?: string;
          arg?: { Boolean?: { boolval?: boolean }; String?: { sval?: string }; Integer?: { ival?: number } };
        };
      }
    ).DefElem;
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
      if (hasOption(body.params, 'concurrently'))
        return { ...base, outsideTransaction: 'REINDEX CONCURRENTLY', nonBlocking: true };
      const target = String(body.kind);
      if (target === 'REINDEX_OBJECT_SYSTEM' || target === 'REINDEX_OBJECT_DATABASE')
        return { ...base, outsideTransaction: 'REINDEX SYSTEM/DATABASE' };
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
      const cmds = (body.cmds ?? []) as Array<{
        AlterTableCmd?: { subtype?: string; def?: { PartitionCmd?: { concurrent?: boolean } } };
      }>;
      const detach = cmds.some(
        (cmd) => cmd.AlterTableCmd?.subtype === 'AT_DetachPartition' && cmd.AlterTableCmd.def?.PartitionCmd?.concurrent,
      );
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
