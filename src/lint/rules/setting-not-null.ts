import { walk } from '../ast.js';
import type { Rule } from '../rule.js';
import { alterCommandAt, alteredTable } from '../rule-helpers.js';

/** `CHECK (col IS NOT NULL)`: the column it covers. */
function notNullCheckColumn(expression: unknown): string | undefined {
  let column: string | undefined;
  const test = (expression as { NullTest?: { nulltesttype?: string; arg?: unknown } } | undefined)?.NullTest;
  if (test?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  walk(test.arg, (object) => {
    const fields = (object as { fields?: Array<{ String?: { sval?: string } }> }).fields;
    if (Array.isArray(fields)) column = fields[fields.length - 1]?.String?.sval;
    return column === undefined;
  });
  return column;
}

export const settingNotNull: Rule = {
  meta: {
    id: 'setting-not-null',
    severity: 'error',
    category: 'locking',
    summary: 'ALTER COLUMN ... SET NOT NULL without a validated CHECK first',
    why: 'PostgreSQL scans the whole table to check for NULLs while holding an ACCESS EXCLUSIVE lock: no reads or writes meanwhile.',
    fix: 'ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT in a later migration; then SET NOT NULL (PostgreSQL 12+ skips the scan) and drop the check.',
    sizeGraded: true,
    equivalents: {
      squawk: ['adding-not-nullable-field'],
      strongMigrations: ['change_column_null_postgresql'],
      atlas: ['PG303', 'MF104'],
    },
    doc: {
      what: '`ALTER TABLE ... ALTER COLUMN ... SET NOT NULL` on a table this migration did not create, unless a `CHECK (col IS NOT NULL)` constraint on it was validated first (in this migration, or an earlier one that this migration validates) and the server is PostgreSQL 12 or later.',
      why: 'To set NOT NULL, PostgreSQL reads every row to prove there is no NULL, holding ACCESS EXCLUSIVE the whole time, so every query on the table waits for the scan.',
      fix: 'Migration 1: `ADD CONSTRAINT x CHECK (col IS NOT NULL) NOT VALID` (instant). Migration 2: `VALIDATE CONSTRAINT x` (scans under SHARE UPDATE EXCLUSIVE, which does not block reads or writes). Migration 3: `SET NOT NULL` (PostgreSQL 12+ uses the validated check and skips the scan), then `DROP CONSTRAINT x`.',
      bad: 'ALTER TABLE "Order" ALTER COLUMN "currency" SET NOT NULL;',
      good: 'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_currency_not_null";\nALTER TABLE "Order" ALTER COLUMN "currency" SET NOT NULL;\nALTER TABLE "Order" DROP CONSTRAINT "Order_currency_not_null";',
    },
  },
  kinds: ['AlterTableStmt'],
  create(context) {
    const notValidChecks = new Map<string, { table: string; column: string }>();
    const validated = new Set<string>();
    const validatedElsewhere = new Set<string>();
    return {
      statement(statement) {
        const altered = alteredTable(statement);
        if (!altered) return;
        const table = altered.table.display;
        for (const cmd of altered.cmds) {
          if (cmd.subtype === 'AT_AddConstraint') {
            const constraint = cmd.constraint;
            const column =
              constraint?.type === 'CHECK' && constraint.notValid ? notNullCheckColumn(constraint.expression) : undefined;
            if (constraint?.name && column) notValidChecks.set(constraint.name, { table, column });
          } else if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name) {
            const check = notValidChecks.get(cmd.name);
            if (check && check.table === table) validated.add(`${table}\u0000${check.column}`);
            else if (!check) validatedElsewhere.add(table);
          } else if (cmd.subtype === 'AT_SetNotNull' && cmd.name) {
            if (context.isNewTable(altered.table)) continue;
            if (context.postgresVersion >= 12 && (validated.has(`${table}\u0000${cmd.name}`) || validatedElsewhere.has(table)))
              continue;
            context.report({
              statement,
              at: alterCommandAt(statement, context, cmd),
              table: altered.table,
              message:
                context.postgresVersion >= 12
                  ? `SET NOT NULL on "${cmd.name}" of ${altered.table.display} scans the whole table under an ACCESS EXCLUSIVE lock; validate a CHECK ("${cmd.name}" IS NOT NULL) first and PostgreSQL skips the scan.`
                  : `SET NOT NULL on "${cmd.name}" of ${altered.table.display} scans the whole table under an ACCESS EXCLUSIVE lock (before PostgreSQL 12 there is no way around the scan).`,
            });
          }
        }
      },
    };
  },
};
