import { nameFromList } from '../ast.js';
import type { Rule } from '../rule.js';

export const renamingEnumValue: Rule = {
  meta: {
    id: 'renaming-enum-value',
    severity: 'error',
    category: 'breaking',
    summary: 'ALTER TYPE ... RENAME VALUE',
    why: 'The running app version still writes and compares the old value: its inserts fail and its filters find nothing.',
    fix: 'Add the new value, let the code handle both, backfill rows to the new value, and stop using the old one (enum values cannot be dropped).',
    sizeGraded: false,
    equivalents: { strongMigrations: ['rename_enum_value'] },
    doc: {
      what: '`ALTER TYPE ... RENAME VALUE`.',
      why: 'Rows switch to the new label instantly, but the app version still running sends the old label: its inserts fail with `invalid input value for enum` and its WHERE clauses match nothing.',
      fix: 'Add the new value (`ALTER TYPE ... ADD VALUE`, in its own migration), deploy code that accepts both, update the rows in batches, then stop writing the old value.',
      bad: "ALTER TYPE \"OrderStatus\" RENAME VALUE 'SHIPPED' TO 'DISPATCHED';",
      good: "ALTER TYPE \"OrderStatus\" ADD VALUE 'DISPATCHED' AFTER 'SHIPPED';",
    },
  },
  kinds: ['AlterEnumStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'AlterEnumStmt' || typeof statement.body.oldVal !== 'string') return;
        const type = nameFromList(statement.body.typeName);
        context.report({
          statement,
          message: `RENAME VALUE '${statement.body.oldVal}' TO '${String(statement.body.newVal)}' of ${type?.display ?? 'the enum'} breaks the running app version, which still writes '${statement.body.oldVal}'.`,
        });
      },
    };
  },
};
