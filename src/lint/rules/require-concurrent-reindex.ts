import { hasOption, relationOf } from '../ast.js';
import type { Rule } from '../rule.js';

export const requireConcurrentReindex: Rule = {
  meta: {
    id: 'require-concurrent-reindex',
    severity: 'error',
    category: 'locking',
    summary: 'REINDEX without CONCURRENTLY',
    why: 'REINDEX locks out writes to the table (and reads through the index) while it rebuilds.',
    fix: 'REINDEX ... CONCURRENTLY (PostgreSQL 12+), outside a transaction.',
    sizeGraded: true,
    equivalents: { squawk: ['require-concurrent-reindex'] },
    doc: {
      what: '`REINDEX INDEX|TABLE|SCHEMA|DATABASE` without CONCURRENTLY. `REINDEX SYSTEM` cannot be concurrent and is not reported.',
      why: 'A plain REINDEX rebuilds under locks that block writes to the table and any query that would use the index, for as long as the rebuild takes.',
      fix: 'Use `REINDEX (CONCURRENTLY) ...` or `REINDEX ... CONCURRENTLY`, outside a transaction.',
      bad: 'REINDEX INDEX "Order_userId_idx";',
      good: 'REINDEX INDEX CONCURRENTLY "Order_userId_idx";',
    },
  },
  kinds: ['ReindexStmt'],
  create(context) {
    return {
      statement(statement) {
        if (
          statement.kind !== 'ReindexStmt' ||
          statement.body.kind === 'REINDEX_OBJECT_SYSTEM' ||
          hasOption(statement.body.params, 'concurrently')
        )
          return;
        const target = relationOf(statement.body.relation);
        const table = statement.body.kind === 'REINDEX_OBJECT_TABLE' ? target : undefined;
        if (table && context.isNewTable(table)) return;
        context.report({
          statement,
          table,
          message: `REINDEX${target ? ` ${target.display}` : ''} without CONCURRENTLY blocks writes while it rebuilds; use REINDEX ... CONCURRENTLY.`,
        });
      },
    };
  },
};
