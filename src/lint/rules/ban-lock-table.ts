import { relationOf } from '../ast.js';
import type { Rule } from '../rule.js';
import { lockBlocks, lockStatementMode } from '../statement-facts.js';

const BLOCKING = new Set(['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']);

export const banLockTable: Rule = {
  meta: {
    id: 'ban-lock-table',
    severity: 'warning',
    category: 'locking',
    summary: 'LOCK TABLE in a mode that blocks writes or reads',
    why: "The lock is held until the migration's transaction ends, so everything else the migration does happens while the app waits.",
    fix: 'Drop the explicit LOCK; let each statement take the lock it needs, with a lock_timeout.',
    sizeGraded: false,
    equivalents: {},
    doc: {
      what: "`LOCK TABLE` in SHARE mode or stronger (modes that block the application's writes, or reads for ACCESS EXCLUSIVE, the default).",
      why: "An explicit lock is held until the end of the transaction: every statement after it, and any wait for other locks, extends the time the application is blocked. Taking several tables' locks by hand is also how deadlocks with application transactions happen.",
      fix: 'Remove the LOCK and let each statement take the lock it needs for as short as possible. If the lock is truly needed, take it last and keep the transaction short with a lock_timeout.',
      bad: 'LOCK TABLE "Order" IN ACCESS EXCLUSIVE MODE;',
      good: 'LOCK TABLE "Order" IN ROW EXCLUSIVE MODE;',
    },
  },
  kinds: ['LockStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'LockStmt') return;
        const mode = lockStatementMode(Number(statement.body.mode ?? 8));
        if (!BLOCKING.has(mode)) return;
        const tables = (Array.isArray(statement.body.relations) ? statement.body.relations : [])
          .map((r) => relationOf(r))
          .filter((t) => t !== undefined && !context.isNewTable(t));
        if (tables.length === 0) return;
        context.report({
          statement,
          table: tables.length === 1 ? tables[0] : undefined,
          message: `LOCK TABLE ${tables.map((t) => t!.display).join(', ')} IN ${mode} MODE blocks ${lockBlocks(mode)} until the transaction ends.`,
        });
      },
    };
  },
};
