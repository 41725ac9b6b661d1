import type { Rule, StatementRef } from '../rule.js';
import { transactionControl } from '../statement-facts.js';

export const banUncommittedTransaction: Rule = {
  meta: {
    id: 'ban-uncommitted-transaction',
    severity: 'error',
    category: 'transaction',
    summary: 'BEGIN without a matching COMMIT',
    why: 'The runner may report success while the transaction is still open; when the session ends, everything in it is rolled back.',
    fix: 'Add the COMMIT, or remove the BEGIN and let the runner manage the transaction.',
    sizeGraded: false,
    equivalents: { squawk: ['ban-uncommitted-transaction'] },
    doc: {
      what: 'A file whose last BEGIN is not followed by COMMIT or ROLLBACK.',
      why: 'The statements after the BEGIN are never committed: depending on the runner they are rolled back when the connection closes (and the migration is still recorded as applied), or the open transaction keeps its locks until the session ends.',
      fix: 'End the block with COMMIT, or remove the BEGIN.',
      bad: 'BEGIN;\nALTER TABLE "Order" ADD COLUMN "note" TEXT;',
      good: 'BEGIN;\nALTER TABLE "Order" ADD COLUMN "note" TEXT;\nCOMMIT;',
      options: { runner: 'psql' },
    },
  },
  kinds: ['TransactionStmt'],
  create(context) {
    let open: StatementRef | undefined;
    return {
      statement(statement) {
        const control = transactionControl(statement.kind, statement.body);
        if (control === 'begin') open = statement;
        else if (control === 'commit' || control === 'rollback') open = undefined;
      },
      end() {
        if (open)
          context.report({
            statement: open,
            message: 'This BEGIN is never committed or rolled back: the statements after it are not applied.',
          });
      },
    };
  },
};
