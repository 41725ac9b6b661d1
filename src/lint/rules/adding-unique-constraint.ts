import type { Rule } from '../rule.js';
import { constraintsAddedToExistingTable } from '../rule-helpers.js';

export const addingUniqueConstraint: Rule = {
  meta: {
    id: 'adding-unique-constraint',
    severity: 'error',
    category: 'locking',
    summary: 'ADD UNIQUE constraint without a concurrently built index',
    why: 'PostgreSQL builds the unique index while holding ACCESS EXCLUSIVE on the table: no reads or writes until it is built.',
    fix: 'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX (instant).',
    sizeGraded: true,
    equivalents: {
      squawk: ['disallowed-unique-constraint', 'constraint-missing-not-valid'],
      strongMigrations: ['add_unique_constraint'],
      atlas: ['PG105', 'MF101'],
    },
    doc: {
      what: '`ALTER TABLE ... ADD CONSTRAINT ... UNIQUE` without `USING INDEX`, or `ADD COLUMN ... UNIQUE`, on a table this migration did not create.',
      why: 'The constraint needs a unique index, and PostgreSQL builds it inside the ALTER, under ACCESS EXCLUSIVE: every query on the table waits for the whole build. If existing rows hold duplicates, the build fails at the end.',
      fix: 'Build the index without blocking, then attach it: `CREATE UNIQUE INDEX CONCURRENTLY "t_col_key" ON t (col);` in one migration (alone in its file unless lockstep deploys it), then `ALTER TABLE t ADD CONSTRAINT "t_col_key" UNIQUE USING INDEX "t_col_key";`. Prisma\'s @unique only needs the unique index: the first step is enough.',
      bad: 'ALTER TABLE "Product" ADD CONSTRAINT "Product_sku_key" UNIQUE ("sku");',
      good: 'CREATE UNIQUE INDEX CONCURRENTLY "Product_sku_key" ON "Product" ("sku");',
    },
  },
  kinds: ['AlterTableStmt'],
  create(context) {
    return {
      statement(statement) {
        for (const { table, constraint, column } of constraintsAddedToExistingTable(statement, context, 'UNIQUE')) {
          if (column) {
            context.report({
              statement,
              at: constraint.location,
              table,
              message: `ADD COLUMN "${column.name}" ... UNIQUE builds a unique index on ${table.display} under an ACCESS EXCLUSIVE lock; add the column, then CREATE UNIQUE INDEX CONCURRENTLY.`,
            });
          } else if (!constraint.usingIndex) {
            context.report({
              statement,
              at: constraint.location,
              table,
              message: `ADD CONSTRAINT${constraint.name ? ` "${constraint.name}"` : ''} UNIQUE builds its index on ${table.display} under an ACCESS EXCLUSIVE lock; build it with CREATE UNIQUE INDEX CONCURRENTLY and attach it USING INDEX.`,
            });
          }
        }
      },
    };
  },
};
