import type { Rule, StatementRef } from '../rule.js';
import { transactionControl } from '../statement-facts.js';

export const transactionNesting: Rule = {
  meta: {
    id: 'transaction-nesting',
    severity: 'error',
    category: 'transaction',
    summary: 'BEGIN inside a transaction, COMMIT without one, or BEGIN/COMMIT in a file the runner wraps',
    why: "PostgreSQL has no nested transactions: a second BEGIN is ignored and the first COMMIT ends the runner's transaction early, so later statements and the history row are no longer atomic.",
    fix: 'Remove BEGIN/COMMIT from the migration and let the runner manage the transaction.',
    sizeGraded: false,
    equivalents: { squawk: ['transaction-nesting'] },
    doc: {
      what: "A BEGIN while a transaction is already open, a COMMIT or ROLLBACK with none open, and a BEGIN or ROLLBACK in a file that the runner already runs inside its own transaction (Drizzle's and TypeORM's migrators). A first COMMIT with no BEGIN before it is understood as leaving the runner's transaction (Drizzle's `COMMIT;--> statement-breakpoint` convention before `CREATE INDEX CONCURRENTLY`): the statements after it run outside any transaction; under a runner that wraps all pending migrations in one transaction it is a warning that says what that costs.",
      why: "A nested BEGIN only produces a warning; the COMMIT that was meant for it commits the outer (runner's) transaction. Statements after it then run outside any transaction, and the runner's own bookkeeping (its history row) is committed separately from the schema change, so a failure leaves a half-applied migration that the ORM believes finished, or the reverse.",
      fix: 'Let the runner own the transaction: remove BEGIN/COMMIT. For statements that must run outside a transaction, see concurrently-in-transaction.',
      bad: 'BEGIN;\nALTER TABLE "Order" ADD COLUMN "note" TEXT;\nCOMMIT;',
      good: 'ALTER TABLE "Order" ADD COLUMN "note" TEXT;',
      options: { runner: 'drizzle' },
    },
  },
  kinds: ['TransactionStmt'],
  create(context) {
    let open = false;
    // Controls met while the runner's own transaction is open (before the file leaves it).
    const insideRunner: Array<{ statement: StatementRef; word: string }> = [];
    let leaving: StatementRef | undefined;
    let openedInsideRunner = false;
    // A ROLLBACK with no BEGIN of the file's own, while the runner's transaction is open.
    let bareRollback: StatementRef | undefined;
    return {
      statement(statement) {
        const control = transactionControl(statement.kind, statement.body);
        if (!control || control === 'other') return;
        const word = control === 'begin' ? 'BEGIN' : control === 'commit' ? 'COMMIT' : 'ROLLBACK';
        const runnerOpen = !context.outsideRunnerTransaction;
        if (control === 'begin') {
          if (open)
            context.report({
              statement,
              message:
                'BEGIN while a transaction is already open: PostgreSQL ignores it (no nested transactions), and the next COMMIT ends the outer transaction.',
            });
          else if (runnerOpen) insideRunner.push({ statement, word });
          open = true;
          openedInsideRunner = runnerOpen;
          return;
        }
        if (open && openedInsideRunner) {
          // Where the runner holds a transaction, the BEGIN was ignored and this ends the runner's transaction.
          insideRunner.push({ statement, word });
        } else if (!open && runnerOpen && control === 'commit') {
          // The file leaves the transaction its runner opened: what follows runs outside it (Drizzle's convention before CONCURRENTLY).
          leaving = statement;
        } else if (!open && runnerOpen) {
          bareRollback = statement;
        } else if (!open && context.runner.id !== 'psql') {
          context.report({
            statement,
            message: `${word} with no transaction open: an earlier COMMIT or ROLLBACK already ended the runner's transaction.`,
          });
        } else if (!open) {
          context.report({ statement, message: `${word} with no transaction open.` });
        }
        open = false;
        openedInsideRunner = false;
      },
      end() {
        const execution = context.execution();
        if (leaving && context.runner.id === 'psql')
          context.report({ statement: leaving, message: 'COMMIT with no transaction open.' });
        if (leaving && execution === 'shared-transaction') {
          context.report({
            statement: leaving,
            shift: -1,
            message: `This COMMIT ends the runner's transaction (${context.runner.inTransaction}): the statements before it, and the pending migrations before this one, are committed here, and the statements after it run one by one. If one of those fails, the migration is not recorded and the runner runs the whole file again next time.`,
            why: 'After the COMMIT nothing is atomic: a failure leaves the statements before it in effect while the history does not record the migration, and a second run repeats them.',
            fix: 'Write the statements after the COMMIT so that they can run twice (CREATE INDEX CONCURRENTLY IF NOT EXISTS), or deploy with lockstep, which records each completed statement and resumes at the failed one.',
          });
        }
        if (execution !== 'shared-transaction' && execution !== 'transaction') {
          // The file's BEGIN blocks are its own: only a ROLLBACK of a transaction the file did not open is wrong.
          if (bareRollback) context.report({ statement: bareRollback, message: 'ROLLBACK with no transaction open.' });
          return;
        }
        if (bareRollback) insideRunner.push({ statement: bareRollback, word: 'ROLLBACK' });
        insideRunner.sort((a, b) => a.statement.index - b.statement.index);
        for (const { statement, word } of insideRunner) {
          context.report({
            statement,
            message: `${word} in a migration that ${context.runner.inTransaction}: it ${word === 'BEGIN' ? 'does not start a new transaction' : word === 'ROLLBACK' ? "rolls back the runner's transaction, with whatever ran before it" : "ends the runner's transaction early"}, so the migration is no longer atomic.`,
          });
        }
      },
    };
  },
};
