import type { Rule } from '../rule.js';
import { constraintsAddedToExistingTable } from '../rule-helpers.js';

export const addingPrimaryKeyConstraint: Rule = {
  meta: {
    id: 'adding-primary-key-constraint',
    severity: 'error',
    category: 'locking',
    summary: 'ADD PRIMARY KEY without a concurrently built index',
    why: "PostgreSQL builds the primary key's index (and checks NOT NULL) under ACCESS EXCLUSIVE: no reads or writes until it is done.",
    fix: 'CREATE UNIQUE INDEX CONCURRENTLY on the key columns, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX.',
    sizeGraded: true,
    equivalents: { squawk: ['adding-serial-primary-key-field', 'constraint-missing-not-valid'], atlas: ['PG104'] },
    doc: {
      what: '`ALTER TABLE ... ADD PRIMARY KEY` (or `ADD CONSTRAINT ... PRIMARY KEY`, or `ADD COLUMN ... PRIMARY KEY`) without `USING INDEX` on a table this migration did not create.',
      why: 'The primary key needs a unique index, built inside the ALTER under ACCESS EXCLUSIVE; columns that are not yet NOT NULL are scanned as well. Every query on the table waits.',
      fix: 'Make the columns NOT NULL safely (see setting-not-null), build `CREATE UNIQUE INDEX CONCURRENTLY "t_pkey" ON t (id)`, then `ALTER TABLE t ADD CONSTRAINT "t_pkey" PRIMARY KEY USING INDEX "t_pkey"` (instant).',
      bad: 'ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id");',
      good: 'ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_pkey" PRIMARY KEY USING INDEX "AuditEvent_id_key";',
    },
  },
  kinds: ['AlterTableStmt'],
  create(context) {
    return {
      statement(statement) {
        for (const { table, constraint, column } of constraintsAddedToExistingTable(statement, context, 'PRIMARY')) {
          if (column) {
            context.report({
              statement,
              at: constraint.location,
              table,
              message: `ADD COLUMN "${column.name}" ... PRIMARY KEY fills and indexes the column on ${table.display} under an ACCESS EXCLUSIVE lock.`,
            });
          } else if (!constraint.usingIndex) {
            context.report({
              statement,
              at: constraint.location,
              table,
              message: `ADD PRIMARY KEY on ${table.display} builds its index under an ACCESS EXCLUSIVE lock; build a unique index CONCURRENTLY and add the key USING INDEX.`,
            });
          }
        }
      },
    };
  },
};
