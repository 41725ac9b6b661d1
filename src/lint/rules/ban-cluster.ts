import { relationOf } from '../ast.js';
import type { Rule } from '../rule.js';

export const banCluster: Rule = {
  meta: {
    id: 'ban-cluster',
    severity: 'error',
    category: 'locking',
    summary: 'CLUSTER',
    why: 'CLUSTER rewrites the table in index order under ACCESS EXCLUSIVE: no reads or writes until it is done.',
    fix: 'Use pg_repack (or REPACK (CONCURRENTLY) on PostgreSQL 19+) outside the migration.',
    sizeGraded: true,
    equivalents: { squawk: ['prefer-repack'] },
    doc: {
      what: '`CLUSTER`.',
      why: 'CLUSTER rewrites the whole table and its indexes holding ACCESS EXCLUSIVE, like VACUUM FULL. Without a table name it processes every previously clustered table and cannot run in a transaction.',
      fix: 'Reorder tables with pg_repack, or `REPACK (CONCURRENTLY) ... USING INDEX` on PostgreSQL 19+, as an operation outside the deploy.',
      bad: 'CLUSTER "Event" USING "Event_createdAt_idx";',
      good: '-- reorder "Event" with pg_repack outside the deploy',
    },
  },
  kinds: ['ClusterStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'ClusterStmt') return;
        const table = relationOf(statement.body.relation);
        if (table && context.isNewTable(table)) return;
        context.report({
          statement,
          table,
          message: `CLUSTER${table ? ` ${table.display}` : ' (every clustered table)'} rewrites under an ACCESS EXCLUSIVE lock, blocking reads and writes until it finishes.`,
        });
      },
    };
  },
};
