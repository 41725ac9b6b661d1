import type { Rule } from '../rule.js';
import { constraintsAddedToExistingTable } from '../rule-helpers.js';

export const addingForeignKeyConstraint: Rule = {
  meta: {
    id: 'adding-foreign-key-constraint',
    severity: 'error',
    category: 'locking',
    summary: 'ADD FOREIGN KEY without NOT VALID on an existing table',
    why: 'Validating the key scans the whole table while a SHARE ROW EXCLUSIVE lock on both tables blocks their writes.',
    fix: 'ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a later migration (it does not block writes).',
    sizeGraded: true,
    equivalents: {
      squawk: ['adding-foreign-key-constraint', 'constraint-missing-not-valid'],
      strongMigrations: ['add_foreign_key'],
      atlas: ['PG306'],
    },
    doc: {
      what: '`ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY` without NOT VALID, or `ADD COLUMN ... REFERENCES`, on a table this migration did not create. Foreign keys from a table created in the same migration are fine: it is empty.',
      why: 'PostgreSQL checks every existing row against the referenced table, holding SHARE ROW EXCLUSIVE on both tables: all inserts, updates and deletes on either table wait until the scan ends. This is what Prisma generates for every new relation on an existing model (`-- AddForeignKey`).',
      fix: 'Add the key with NOT VALID (instant; new rows are checked from then on), and validate it in a later migration: VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE, which does not block reads or writes.',
      bad: 'ALTER TABLE "Order" ADD CONSTRAINT "Order_couponId_fkey" FOREIGN KEY ("couponId") REFERENCES "Coupon"("id") ON DELETE SET NULL ON UPDATE CASCADE;',
      good: 'ALTER TABLE "Order" ADD CONSTRAINT "Order_couponId_fkey" FOREIGN KEY ("couponId") REFERENCES "Coupon"("id") ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;\n-- next migration:\n-- ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_couponId_fkey";',
    },
  },
  kinds: ['AlterTableStmt'],
  create(context) {
    return {
      statement(statement) {
        for (const { table, constraint, column } of constraintsAddedToExistingTable(statement, context, 'FOREIGN')) {
          const referenced = constraint.references?.display;
          if (column) {
            context.report({
              statement,
              at: constraint.location,
              table,
              message: `ADD COLUMN "${column.name}" ... REFERENCES ${referenced ?? ''} locks ${table.display} and ${referenced ?? 'the referenced table'} against writes while the key is added; add the column first, then the key NOT VALID.`,
            });
          } else if (!constraint.notValid) {
            context.report({
              statement,
              at: constraint.location,
              table,
              message: `ADD FOREIGN KEY${constraint.name ? ` "${constraint.name}"` : ''} on ${table.display} scans the whole table to validate it, blocking writes to ${table.display}${referenced ? ` and ${referenced}` : ''} until it ends; add it NOT VALID and VALIDATE it in a later migration.`,
            });
          }
        }
      },
    };
  },
};
