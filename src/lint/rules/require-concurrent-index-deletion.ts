import { nameFromList } from '../ast.js';
import type { Rule } from '../rule.js';

export const requireConcurrentIndexDeletion: Rule = {
  meta: {
    id: 'require-concurrent-index-deletion',
    severity: 'warning',
    category: 'locking',
    summary: 'DROP INDEX without CONCURRENTLY',
    why: "A plain DROP INDEX takes ACCESS EXCLUSIVE on the index's table; it is quick, but it waits behind every running query and every query waits behind it.",
    fix: 'DROP INDEX CONCURRENTLY, outside a transaction (lockstep deploy runs such a file statement by statement).',
    sizeGraded: false,
    equivalents: { squawk: ['require-concurrent-index-deletion'], strongMigrations: ['remove_index'], atlas: ['PG102'] },
    doc: {
      what: '`DROP INDEX` without CONCURRENTLY, unless the index was created earlier in the same migration.',
      why: 'Dropping an index needs ACCESS EXCLUSIVE on its table. The drop itself is fast, but the lock request queues behind long-running queries, and every later query on the table queues behind the request: a short outage without a lock_timeout.',
      fix: 'Use `DROP INDEX CONCURRENTLY` (one index per statement, outside a transaction).',
      bad: 'DROP INDEX "Order_status_idx";',
      good: 'DROP INDEX CONCURRENTLY "Order_status_idx";',
    },
  },
  kinds: ['IndexStmt', 'DropStmt'],
  create(context) {
    const created = new Set<string>();
    return {
      statement(statement) {
        if (statement.kind === 'IndexStmt' && typeof statement.body.idxname === 'string') created.add(statement.body.idxname);
        if (statement.kind !== 'DropStmt' || statement.body.removeType !== 'OBJECT_INDEX' || statement.body.concurrent) return;
        const names = (Array.isArray(statement.body.objects) ? statement.body.objects : [])
          .map((object) => nameFromList((object as { List?: { items?: unknown } }).List?.items))
          .filter((name) => name && !created.has(name.name));
        if (names.length === 0) return;
        context.report({
          statement,
          message: `DROP INDEX ${names.map((n) => n!.display).join(', ')} takes an ACCESS EXCLUSIVE lock on the table; use DROP INDEX CONCURRENTLY.`,
        });
      },
    };
  },
};
