import { relationOf } from '../ast.js';
import type { Rule } from '../rule.js';

export const banTruncate: Rule = {
  meta: {
    id: 'ban-truncate',
    severity: 'error',
    category: 'destructive',
    summary: 'TRUNCATE',
    why: 'Deletes every row of the table under an ACCESS EXCLUSIVE lock; a migration runs it against production data.',
    fix: 'Delete the rows you mean with a WHERE clause (in batches), or truncate by hand after checking; never as part of a schema change.',
    sizeGraded: false,
    equivalents: {},
    doc: {
      what: '`TRUNCATE` of a table that this migration did not create.',
      why: "A migration that works on a developer's database runs unchanged against production, where the table holds real data. TRUNCATE removes all of it at once, cannot be limited, and takes an ACCESS EXCLUSIVE lock that blocks every read and write of the table.",
      fix: 'If only some rows must go, delete them with a WHERE clause, in batches (lockstep backfill). If the table really must be emptied, do it by hand after checking, or record the review in a suppression.',
      bad: 'TRUNCATE "CartItem";',
      good: 'DELETE FROM "CartItem" WHERE "createdAt" < now() - interval \'90 days\';',
    },
  },
  kinds: ['TruncateStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'TruncateStmt') return;
        for (const relation of Array.isArray(statement.body.relations) ? statement.body.relations : []) {
          const table = relationOf(relation);
          if (!table || context.isNewTable(table)) continue;
          context.report({ statement, at: table.location, table, message: `TRUNCATE deletes every row of ${table.display}.` });
        }
      },
    };
  },
};
