import { hasOption, relationOf, unwrap } from '../ast.js';
import type { Rule } from '../rule.js';

export const banVacuumFull: Rule = {
  meta: {
    id: 'ban-vacuum-full',
    severity: 'error',
    category: 'locking',
    summary: 'VACUUM FULL',
    why: "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE: no reads or writes until the copy is done, and it needs the table's size again in free disk.",
    fix: 'Use plain VACUUM (no blocking lock), or pg_repack / REPACK (CONCURRENTLY) on PostgreSQL 19+, outside the migration.',
    sizeGraded: true,
    equivalents: { squawk: ['prefer-repack'] },
    doc: {
      what: '`VACUUM FULL` (in any form, e.g. `VACUUM (FULL) t`).',
      why: 'It copies the whole table into new files and rebuilds its indexes while holding ACCESS EXCLUSIVE. On a large table that is a long outage of everything that touches it, and it needs as much free disk as the table uses. It also cannot run in a transaction.',
      fix: 'Plain `VACUUM` reclaims space for reuse without blocking. To shrink a table, use pg_repack, or `REPACK (CONCURRENTLY)` on PostgreSQL 19+, as an operation outside the deploy.',
      bad: 'VACUUM FULL "Event";',
      good: 'VACUUM (ANALYZE) "Event";',
    },
  },
  kinds: ['VacuumStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'VacuumStmt' || !statement.body.is_vacuumcmd || !hasOption(statement.body.options, 'full')) return;
        const tables = (Array.isArray(statement.body.rels) ? statement.body.rels : [])
          .map((rel) => relationOf(unwrap(rel, 'VacuumRelation')?.relation))
          .filter((t) => t !== undefined);
        const table = tables.length === 1 ? tables[0] : undefined;
        if (table && context.isNewTable(table)) return;
        context.report({
          statement,
          table,
          message: `VACUUM FULL${tables.length ? ` ${tables.map((t) => t.display).join(', ')}` : ' (every table of the database)'} rewrites under an ACCESS EXCLUSIVE lock, blocking reads and writes until it finishes.`,
        });
      },
    };
  },
};
