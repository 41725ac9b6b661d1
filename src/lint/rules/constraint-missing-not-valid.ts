import type { Rule, StatementRef } from '../rule.js';
import { alterCommandAt, alteredTable } from '../rule-helpers.js';
import { transactionControl } from '../statement-facts.js';

export const constraintMissingNotValid: Rule = {
  meta: {
    id: 'constraint-missing-not-valid',
    severity: 'error',
    category: 'locking',
    summary: 'ADD CONSTRAINT ... CHECK without NOT VALID, or VALIDATE in the same transaction',
    why: "Checking every existing row happens under the ALTER's ACCESS EXCLUSIVE lock: no reads or writes until the scan ends.",
    fix: 'ADD CONSTRAINT ... NOT VALID in one migration and VALIDATE CONSTRAINT in a later one (VALIDATE does not block reads or writes).',
    sizeGraded: true,
    equivalents: {
      squawk: ['constraint-missing-not-valid'],
      strongMigrations: ['add_check_constraint', 'validate_check_constraint'],
      atlas: ['PG305'],
    },
    doc: {
      what: '`ALTER TABLE ... ADD CONSTRAINT ... CHECK` without NOT VALID on a table this migration did not create; and `VALIDATE CONSTRAINT` of a constraint added NOT VALID in the same transaction (one migration file that the runner wraps in a transaction, or one BEGIN ... COMMIT). Foreign keys, unique, primary key and exclusion constraints have rules of their own.',
      why: "Adding a CHECK scans the table to validate it while holding ACCESS EXCLUSIVE. Adding it NOT VALID skips the scan; VALIDATE CONSTRAINT then scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes through, but only if it runs in a later transaction: in the same one, the ADD's ACCESS EXCLUSIVE lock is still held during the scan.",
      fix: 'Migration 1: `ADD CONSTRAINT ... CHECK (...) NOT VALID`. Migration 2: `VALIDATE CONSTRAINT ...`.',
      bad: 'ALTER TABLE "Product" ADD CONSTRAINT "Product_price_positive" CHECK ("price" > 0);',
      good: 'ALTER TABLE "Product" ADD CONSTRAINT "Product_price_positive" CHECK ("price" > 0) NOT VALID;\n-- next migration:\n-- ALTER TABLE "Product" VALIDATE CONSTRAINT "Product_price_positive";',
    },
  },
  kinds: ['AlterTableStmt', 'TransactionStmt'],
  create(context) {
    let block = 0;
    let inBlock = false;
    // block: an explicit BEGIN block; undefined: the runner's transaction; null: on its own, after the file left the runner's transaction.
    const notValid = new Map<string, { table: string; block: number | undefined | null }>();
    const validations: Array<{
      statement: StatementRef;
      at: number | undefined;
      name: string;
      table: string;
      block: number | undefined | null;
      sameBlock: boolean;
    }> = [];
    return {
      statement(statement) {
        const control = transactionControl(statement.kind, statement.body);
        if (control === 'begin') {
          block++;
          inBlock = true;
        } else if (control === 'commit' || control === 'rollback') {
          inBlock = false;
        }
        if (control) return;
        const altered = alteredTable(statement);
        if (!altered) return;
        const currentBlock = inBlock ? block : context.outsideRunnerTransaction ? null : undefined;
        for (const cmd of altered.cmds) {
          if (cmd.subtype === 'AT_AddConstraint') {
            const constraint = cmd.constraint;
            if (!constraint) continue;
            if (constraint.notValid && constraint.name)
              notValid.set(constraint.name, { table: altered.table.display, block: currentBlock });
            if (constraint.type !== 'CHECK' || constraint.notValid || context.isNewTable(altered.table)) continue;
            context.report({
              statement,
              at: constraint.location,
              table: altered.table,
              message: `ADD CONSTRAINT${constraint.name ? ` "${constraint.name}"` : ''} CHECK on ${altered.table.display} scans every row under an ACCESS EXCLUSIVE lock; add it NOT VALID and VALIDATE it in a later migration.`,
            });
          } else if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name) {
            const added = notValid.get(cmd.name);
            if (!added || added.table !== altered.table.display) continue;
            validations.push({
              statement,
              at: alterCommandAt(statement, context, cmd),
              name: cmd.name,
              table: altered.table.display,
              block: currentBlock,
              sameBlock: typeof added.block === 'number' && added.block === currentBlock,
            });
          }
        }
      },
      end() {
        const fileTransaction = context.runnerTransaction();
        for (const v of validations) {
          const outsideBlocks = v.block === undefined && notValid.get(v.name)?.block === undefined;
          if (!v.sameBlock && !(fileTransaction && outsideBlocks)) continue;
          context.report({
            statement: v.statement,
            at: v.at,
            message: `VALIDATE CONSTRAINT "${v.name}" runs in the same transaction as the ADD CONSTRAINT ... NOT VALID, whose lock on ${v.table} is still held during the scan; validate it in a later migration.`,
          });
        }
      },
    };
  },
};
