import type { Rule, StatementRef } from '../rule.js';
import { isTransactional } from '../runners.js';
import { NON_TRANSACTIONAL_KINDS, nonTransactionalReason } from '../statement-facts.js';

export const concurrentlyInTransaction: Rule = {
  meta: {
    id: 'concurrently-in-transaction',
    severity: 'error',
    category: 'transaction',
    summary: 'CONCURRENTLY (or another statement PostgreSQL refuses in a transaction) inside a transaction',
    why: 'PostgreSQL refuses it with "cannot run inside a transaction block", so the migration fails (after the runner has already taken its locks).',
    fix: 'Keep it outside BEGIN/COMMIT and, unless lockstep deploys the file, alone in its migration file.',
    sizeGraded: false,
    equivalents: { squawk: ['ban-concurrent-index-creation-in-transaction'], atlas: ['PG103'] },
    doc: {
      what: "`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY`, `DETACH PARTITION CONCURRENTLY`, `VACUUM`, `CREATE DATABASE` and the other statements PostgreSQL refuses inside a transaction block, when they would run in one: inside an explicit BEGIN ... COMMIT, or in a file the runner wraps in a transaction. `prisma migrate deploy` sends a file of several statements as one implicit transaction; Drizzle's and TypeORM's migrators run all pending migrations in one transaction; lockstep deploy runs a file that contains such a statement statement by statement, so there the statement is fine (`--runner` chooses the model). After a COMMIT that leaves the runner's transaction (Drizzle's `COMMIT;--> statement-breakpoint` convention) the statement runs outside any transaction under every runner, which is right.",
      why: 'The statement fails with `cannot run inside a transaction block`. Under Prisma the migration is then recorded as failed and every later deploy is blocked (P3009) until someone resolves it by hand.',
      fix: 'Deploy with lockstep, which runs such a file statement by statement. Under `prisma migrate deploy`, put the statement alone in a migration of its own. Never wrap it in BEGIN ... COMMIT.',
      bad: 'ALTER TABLE "Order" ADD COLUMN "note" TEXT;\nCREATE INDEX CONCURRENTLY "Order_note_idx" ON "Order"("note");',
      good: 'CREATE INDEX CONCURRENTLY "Order_note_idx" ON "Order"("note");',
      options: { runner: 'prisma' },
    },
  },
  kinds: NON_TRANSACTIONAL_KINDS,
  create(context) {
    const pending: Array<{ statement: StatementRef; reason: string }> = [];
    return {
      statement(statement) {
        const reason = nonTransactionalReason(statement.kind, statement.body, context.postgresVersion);
        if (!reason) return;
        if (context.inExplicitTransaction) {
          context.report({
            statement,
            message: `${reason} cannot run inside a transaction block, and this one is inside BEGIN ... COMMIT: the migration fails.`,
          });
        } else if (!context.outsideRunnerTransaction) {
          // After a COMMIT that left the runner's transaction, the statement runs on its own: where it belongs.
          pending.push({ statement, reason });
        }
      },
      end() {
        const execution = context.execution();
        if (!isTransactional(execution)) return;
        for (const { statement, reason } of pending) {
          const shape = execution === 'transaction' ? ` (this file has ${context.statementCount} statements)` : '';
          context.report({
            statement,
            message: `${reason} cannot run inside a transaction block, and ${context.runner.inTransaction}${shape}: the migration fails. Fix: ${context.runner.nonTransactionalAdvice}.`,
          });
        }
      },
    };
  },
};
