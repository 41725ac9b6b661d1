/**
 * Facts about one statement that several rules and the transaction model need: whether
 * PostgreSQL refuses it inside a transaction block, which table lock it takes, and whether it is
 * the kind of statement that can wait on (and then hold) a lock.
 */
import { alterCommands, hasOption, walk, type AstObject } from './ast.js';

/** The statement kinds that `nonTransactionalReason` can return a reason for. */
export const NON_TRANSACTIONAL_KINDS: readonly string[] = [
  'IndexStmt',
  'DropStmt',
  'ReindexStmt',
  'VacuumStmt',
  'ClusterStmt',
  'CreatedbStmt',
  'DropdbStmt',
  'CreateTableSpaceStmt',
  'DropTableSpaceStmt',
  'AlterSystemStmt',
  'CreateSubscriptionStmt',
  'DropSubscriptionStmt',
  'AlterDatabaseStmt',
  'AlterEnumStmt',
  'AlterTableStmt',
];

/** Why PostgreSQL refuses this statement inside a transaction block, or undefined. */
export function nonTransactionalReason(kind: string, body: AstObject, postgresVersion: number): string | undefined {
  switch (kind) {
    case 'IndexStmt':
      return body.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined;
    case 'DropStmt':
      return body.concurrent ? 'DROP INDEX CONCURRENTLY' : undefined;
    case 'ReindexStmt':
      if (hasOption(body.params, 'concurrently')) return 'REINDEX CONCURRENTLY';
      return body.kind === 'REINDEX_OBJECT_SYSTEM' || body.kind === 'REINDEX_OBJECT_DATABASE'
        ? 'REINDEX SYSTEM/DATABASE'
        : undefined;
    case 'VacuumStmt':
      if (!body.is_vacuumcmd) return undefined;
      return hasOption(body.options, 'full') ? 'VACUUM FULL' : 'VACUUM';
    case 'ClusterStmt':
      return body.relation ? undefined : 'CLUSTER without a table';
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    case 'CreateSubscriptionStmt':
      return 'CREATE SUBSCRIPTION';
    case 'DropSubscriptionStmt':
      return 'DROP SUBSCRIPTION';
    case 'AlterDatabaseStmt':
      return hasOption(body.options, 'tablespace') ? 'ALTER DATABASE SET TABLESPACE' : undefined;
    case 'AlterEnumStmt':
      // Before PostgreSQL 12, ALTER TYPE ... ADD VALUE could not run inside a transaction block.
      return postgresVersion < 12 && body.oldVal === undefined ? 'ALTER TYPE ... ADD VALUE (before PostgreSQL 12)' : undefined;
    case 'AlterTableStmt':
      return alterCommands(body).some(
        (cmd) =>
          cmd.subtype === 'AT_DetachPartition' &&
          (cmd.def as { PartitionCmd?: { concurrent?: boolean } })?.PartitionCmd?.concurrent,
      )
        ? 'DETACH PARTITION CONCURRENTLY'
        : undefined;
    default:
      return undefined;
  }
}

export type TransactionControl = 'begin' | 'commit' | 'rollback' | 'other';

export function transactionControl(kind: string, body: AstObject): TransactionControl | undefined {
  if (kind !== 'TransactionStmt') return undefined;
  switch (body.kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START':
      return 'begin';
    case 'TRANS_STMT_COMMIT':
      return 'commit';
    case 'TRANS_STMT_ROLLBACK':
      return 'rollback';
    default:
      return 'other';
  }
}

const SLOW_KINDS = new Set([
  'IndexStmt',
  'ViewStmt',
  'RuleStmt',
  'DefineStmt',
  'CompositeTypeStmt',
  'RenameStmt',
  'CommentStmt',
  'ClusterStmt',
  'LockStmt',
  'RefreshMatViewStmt',
  'ReindexStmt',
  'TruncateStmt',
  'ImportForeignSchemaStmt',
  'LoadStmt',
  'CreateTableAsStmt',
]);

/**
 * DDL and maintenance statements, which take locks that can queue behind running queries (and
 * then make every later query queue behind them). Plain reads and writes are not counted; neither
 * is CREATE TABLE unless it references another table (a foreign key locks the referenced table).
 */
export function takesSchemaLock(kind: string, body: AstObject): boolean {
  if (kind === 'CreateStmt') return createReferencesAnotherTable(body);
  if (kind === 'VacuumStmt') return body.is_vacuumcmd === true;
  if (SLOW_KINDS.has(kind)) return true;
  return /^(Alter|Create|Drop)/.test(kind) || kind === 'DropdbStmt' || kind === 'CreatedbStmt';
}

function createReferencesAnotherTable(body: AstObject): boolean {
  return hasForeignKey(body.tableElts);
}

/** A foreign key constraint anywhere under a node (a column's REFERENCES or a table constraint). */
export function hasForeignKey(node: unknown): boolean {
  let found = false;
  walk(node, (object) => {
    if (object.contype === 'CONSTR_FOREIGN') found = true;
    return !found;
  });
  return found;
}

export type LockMode =
  | 'ACCESS EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'SHARE ROW EXCLUSIVE'
  | 'SHARE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'ROW EXCLUSIVE'
  | 'ROW SHARE'
  | 'ACCESS SHARE';

const LOCK_MODES: LockMode[] = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
];

/** What a lock mode blocks for the application. */
export function lockBlocks(mode: LockMode): string {
  switch (mode) {
    case 'ACCESS EXCLUSIVE':
      return 'reads and writes';
    case 'EXCLUSIVE':
    case 'SHARE ROW EXCLUSIVE':
    case 'SHARE':
      return 'writes';
    default:
      return 'other schema changes';
  }
}

const ALTER_LOCKS: Record<string, LockMode> = {
  AT_ValidateConstraint: 'SHARE UPDATE EXCLUSIVE',
  AT_SetStatistics: 'SHARE UPDATE EXCLUSIVE',
  AT_SetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_SetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ClusterOn: 'SHARE UPDATE EXCLUSIVE',
  AT_DropCluster: 'SHARE UPDATE EXCLUSIVE',
  AT_EnableTrig: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableAlwaysTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableReplicaTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigUser: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigUser: 'SHARE ROW EXCLUSIVE',
};

/** The strongest table lock a statement takes, when it is one lockstep knows. */
export function tableLock(kind: string, body: AstObject): LockMode | undefined {
  switch (kind) {
    case 'AlterTableStmt': {
      let strongest: LockMode | undefined;
      for (const cmd of alterCommands(body)) {
        let mode: LockMode = ALTER_LOCKS[cmd.subtype] ?? 'ACCESS EXCLUSIVE';
        if (cmd.subtype === 'AT_AddConstraint' && hasForeignKey(cmd.def)) mode = 'SHARE ROW EXCLUSIVE';
        if (
          cmd.subtype === 'AT_DetachPartition' &&
          (cmd.def as { PartitionCmd?: { concurrent?: boolean } })?.PartitionCmd?.concurrent
        )
          mode = 'SHARE UPDATE EXCLUSIVE';
        if (!strongest || LOCK_MODES.indexOf(mode) > LOCK_MODES.indexOf(strongest)) strongest = mode;
      }
      return strongest ?? 'ACCESS EXCLUSIVE';
    }
    case 'IndexStmt':
      return body.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE';
    case 'DropStmt':
      if (body.removeType === 'OBJECT_INDEX') return body.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
      return body.removeType === 'OBJECT_TABLE' || body.removeType === 'OBJECT_VIEW' || body.removeType === 'OBJECT_MATVIEW'
        ? 'ACCESS EXCLUSIVE'
        : undefined;
    case 'ReindexStmt':
      return hasOption(body.params, 'concurrently') ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    case 'VacuumStmt':
      if (!body.is_vacuumcmd) return 'SHARE UPDATE EXCLUSIVE';
      return hasOption(body.options, 'full') ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE';
    case 'ClusterStmt':
    case 'TruncateStmt':
    case 'RenameStmt':
      return 'ACCESS EXCLUSIVE';
    case 'RefreshMatViewStmt':
      return body.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    case 'LockStmt':
      return lockStatementMode(Number(body.mode ?? 8));
    case 'CommentStmt':
      return 'SHARE UPDATE EXCLUSIVE';
    default:
      return undefined;
  }
}

/** LOCK TABLE's mode number (PostgreSQL's lockdefs.h, 1 = ACCESS SHARE ... 8 = ACCESS EXCLUSIVE). */
export function lockStatementMode(mode: number): LockMode {
  return LOCK_MODES[Math.max(0, Math.min(7, mode - 1))]!;
}
