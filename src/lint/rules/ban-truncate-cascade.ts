import { relationOf } from '../ast.js';
import type { Rule } from '../rule.js';

export const banTruncateCascade: Rule = {
  meta: {
    id: 'ban-truncate-cascade',
    severity: 'error',
    category: 'destructive',
    summary: 'TRUNCATE ... CASCADE',
    why: 'Also empties every table that references the named ones through a foreign key, recursively, which is rarely what was meant.',
    fix: 'Name every table to truncate explicitly, without CASCADE.',
    sizeGraded: false,
    equivalents: { squawk: ['ban-truncate-cascade'] },
    doc: {
      what: '`TRUNCATE ... CASCADE`.',
      why: 'CASCADE truncates every table with a foreign key to the named tables, and every table referencing those, recursively: with `a <- b <- c`, truncating `a` empties `b` and `c` too. The set of tables depends on foreign keys that may have been added since the migration was written.',
      fix: 'List the tables to empty explicitly and drop CASCADE; PostgreSQL then refuses instead of silently widening the deletion.',
      bad: 'TRUNCATE "Order" CASCADE;',
      good: '-- lockstep-ignore ban-truncate: staging-only seed table, emptied on purpose (OPS-17)\nTRUNCATE "SeedOrder";',
    },
  },
  kinds: ['TruncateStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'TruncateStmt' || statement.body.behavior !== 'DROP_CASCADE') return;
        const tables = (Array.isArray(statement.body.relations) ? statement.body.relations : [])
          .map((r) => relationOf(r)?.display)
          .filter(Boolean);
        context.report({
          statement,
          message: `TRUNCATE ${tables.join(', ')} CASCADE also empties every table that references ${tables.length > 1 ? 'them' : 'it'} through a foreign key, recursively.`,
        });
      },
    };
  },
};
