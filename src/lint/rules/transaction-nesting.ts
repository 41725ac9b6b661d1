import type { Rule, StatementRef } from '../rule.js';
import { transactionControl } from '../statement-facts.js';

export const transactionNesting: Rule = {
  meta: {
    id: 'transaction-nesting',
    severity: 'error',
    category: 'transaction',
    summary: 'BEGIN inside a transaction, COMMIT without one, or BEGIN/COMMIT in a file the runner wraps',
    why: 'PostgreSQL has no nested transactions: a second BEGIN is ignored and the first COMMIT ends the runner\'s transaction early, so later statements and the history row are no longer atomic.',
    fix: 'Remove BEGIN/COMMIT from the migration and let the runner manage the transaction.',
    sizeGraded: false,
    equivalents: { squawk: ['transaction-nesting'] },
    doc: {
      what: 'A BEGIN while a transaction is already open, a COMMIT or ROLLBACK with none open, and any BEGIN/COMMIT/ROLLBACK in a file that the runner already runs inside its own transaction (Drizzle\'s and TypeORM\'s migrators).',
      why: 'A nested BEGIN only produces a warning; the COMMIT that was meant for it commits the outer (runner\'s) transaction. Statements after it then run outside any transaction, and the runner\'s own bookkeeping (its history row) is committed separately from the schema change, so a failure leaves a half-applied migration that the ORM believes finished, or the reverse.',
      fix: 'Let the runner own the transaction: remove BEGIN/COMMIT. For statements that must run outside a transaction, see concurrently-in-transaction.',
      bad: 'BEGIN;\nALTER TABLE "Order" ADD COLUMN "note" TEXT;\nCOMMIT;',
      good: 'ALTER TABLE "Order" ADD COLUMN "note" TEXT;',
      options: { runner: 'drizzle' },
    },
  },
  kinds: ['TransactionStmt'],
  create(context) {
    let open = false;
    const controls: Array<{ statement: StatementRef; word: string }> = [];
    return {
      statement(statement) {
        const control = transactionControl(statement.kind, statement.body);
        if (!control || control === 'other') return;
        const word = control === 'begin' ? 'BEGIN' : control === 'commit' ? 'COMMIT' : 'ROLLBACK';
        controls.push({ statement, word });
        if (control === 'begin') {
          if (open) context.report({ statement, message: 'BEGIN while a transaction is already open: PostgreSQL ignores it (no nested transactions), and the next COMMIT ends the outer transaction.' });
          open = true;
        } else {
          if (!open && context.execution() !== 'shared-transaction') context.report({ statement, message: `${word} with no transaction open.` });
          open = false;
        }
      },
      end() {
        if (context.execution() !== 'shared-transaction') return;
        for (const { statement, word } of controls) {
          context.report({ statement, message: `${word} in a migration that ${context.runner.inTransaction}: it ${word === 'BEGIN' ? 'does not start a new transaction' : 'ends the runner\'s transaction early'}, so the migration is no longer atomic.` });
        }
      },
    };
  },
};
