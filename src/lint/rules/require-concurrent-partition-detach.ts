import { relationOf } from '../ast.js';
import type { Rule } from '../rule.js';
import { commandsOnExistingTable } from '../rule-helpers.js';

export const requireConcurrentPartitionDetach: Rule = {
  meta: {
    id: 'require-concurrent-partition-detach',
    severity: 'error',
    category: 'locking',
    summary: 'DETACH PARTITION without CONCURRENTLY',
    why: 'A plain DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned table: every query on any partition waits.',
    fix: 'ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), outside a transaction.',
    sizeGraded: true,
    equivalents: { squawk: ['require-concurrent-partition-detach'] },
    doc: {
      what: '`ALTER TABLE ... DETACH PARTITION` without CONCURRENTLY.',
      why: 'Detaching takes ACCESS EXCLUSIVE on the parent table, so reads and writes of every partition queue behind it (and behind whatever it waits for).',
      fix: 'Use `DETACH PARTITION ... CONCURRENTLY` (PostgreSQL 14+), which takes SHARE UPDATE EXCLUSIVE; it cannot run in a transaction block.',
      bad: 'ALTER TABLE "Event" DETACH PARTITION "Event_2023";',
      good: 'ALTER TABLE "Event" DETACH PARTITION "Event_2023" CONCURRENTLY;',
    },
  },
  kinds: ['AlterTableStmt'],
  create(context) {
    return {
      statement(statement) {
        for (const { table, cmd } of commandsOnExistingTable(statement, context, 'AT_DetachPartition')) {
          const partition = (cmd.def as { PartitionCmd?: { name?: unknown; concurrent?: boolean } } | undefined)?.PartitionCmd;
          if (partition?.concurrent) continue;
          const name = relationOf(partition?.name);
          context.report({
            statement,
            at: name?.location,
            table: table,
            message: `DETACH PARTITION${name ? ` ${name.display}` : ''} takes an ACCESS EXCLUSIVE lock on ${table.display}; use DETACH PARTITION ... CONCURRENTLY.`,
          });
        }
      },
    };
  },
};
