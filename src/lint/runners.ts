import type { Runner } from './types.js';

/**
 * How each migration runner executes a file: whether its statements share a transaction, and
 * whether it sets lock_timeout and statement_timeout itself. Rules that depend on the
 * transaction a statement runs in (CONCURRENTLY, enum values, NOT VALID then VALIDATE) and the
 * timeout rules read this.
 */
export interface RunnerModel {
  id: Runner;
  label: string;
  /** The runner sets lock_timeout and statement_timeout for every migration. */
  setsTimeouts: boolean;
  /** How a file with these properties is executed. */
  execution(file: FileShape): Execution;
  /** How it runs a file whose statements share a transaction, for messages ("... runs this file in one transaction"). */
  inTransaction: string;
  /** What to do with a statement that cannot run in a transaction block under this runner. */
  nonTransactionalAdvice: string;
}

export interface FileShape {
  statements: number;
  /** The file has a statement PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY, ...). */
  nonTransactional: boolean;
  /** The file has BEGIN / COMMIT / ROLLBACK of its own. */
  transactionControl: boolean;
}

/**
 * `transaction`: the file runs in one transaction of its own.
 * `shared-transaction`: the file runs inside one transaction with the other pending migrations.
 * `statements`: statement by statement, each committed on its own (lockstep's mode for files that need it).
 * `autocommit`: each statement is its own transaction, as psql runs a script.
 */
export type Execution = 'transaction' | 'shared-transaction' | 'statements' | 'autocommit';

export const RUNNER_MODELS: Record<Runner, RunnerModel> = {
  lockstep: {
    id: 'lockstep',
    label: 'lockstep deploy',
    setsTimeouts: true,
    execution: (file) => (file.nonTransactional || file.transactionControl ? 'statements' : 'transaction'),
    inTransaction: 'lockstep deploy runs this file in one transaction',
    nonTransactionalAdvice: 'lockstep deploy runs such a file statement by statement; do not wrap it in BEGIN/COMMIT yourself',
  },
  prisma: {
    id: 'prisma',
    label: 'prisma migrate deploy',
    setsTimeouts: false,
    // Prisma sends the whole script as one query: several statements form one implicit transaction.
    execution: (file) => (file.statements > 1 && !file.transactionControl ? 'transaction' : 'autocommit'),
    inTransaction: 'prisma migrate deploy sends this file as one query, so its statements run in one implicit transaction',
    nonTransactionalAdvice:
      'put the statement alone in a migration of its own (prisma migrate dev --create-only), or deploy with lockstep',
  },
  drizzle: {
    id: 'drizzle',
    label: 'drizzle-kit migrate / migrate()',
    setsTimeouts: false,
    execution: () => 'shared-transaction',
    inTransaction: "drizzle's migrator runs all pending migrations in one transaction",
    nonTransactionalAdvice:
      "drizzle's migrator cannot run it (it wraps every migration in one transaction); deploy with lockstep, or run the statement outside the migrator",
  },
  typeorm: {
    id: 'typeorm',
    label: 'typeorm migration:run',
    setsTimeouts: false,
    // migrationsTransactionMode "all" is TypeORM's default.
    execution: () => 'shared-transaction',
    inTransaction:
      'TypeORM\'s migration:run runs all pending migrations in one transaction by default (migrationsTransactionMode "all")',
    nonTransactionalAdvice:
      'set `transaction = false` on that migration class (with migrationsTransactionMode "each"), or deploy with lockstep',
  },
  psql: {
    id: 'psql',
    label: 'psql -f',
    setsTimeouts: false,
    execution: (file) => (file.transactionControl ? 'statements' : 'autocommit'),
    inTransaction: 'psql runs this part of the file inside its BEGIN ... COMMIT',
    nonTransactionalAdvice: 'keep it outside BEGIN/COMMIT',
  },
};

/** Statements of this execution share a transaction (so one cannot see another's uncommitted effects as committed). */
export function isTransactional(execution: Execution): boolean {
  return execution === 'transaction' || execution === 'shared-transaction';
}
