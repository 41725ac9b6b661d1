import type { Rule } from '../rule.js';
import { alterCommandAt, commandsOnExistingTable, withPrismaWarning } from '../rule-helpers.js';

export const banDropColumn: Rule = {
  meta: {
    id: 'ban-drop-column',
    severity: 'error',
    category: 'destructive',
    summary: 'ALTER TABLE ... DROP COLUMN',
    why: "Deletes the column's data for good, and the app version still running selects and inserts it: its queries fail until the deploy finishes.",
    fix: 'Stop using the column in code and deploy that first (Prisma: remove the field; Drizzle/TypeORM: remove it from the schema), then drop it in a later migration.',
    sizeGraded: false,
    equivalents: { squawk: ['ban-drop-column'], strongMigrations: ['remove_column'], atlas: ['DS103'] },
    doc: {
      what: '`ALTER TABLE ... DROP COLUMN` of a column that this migration did not add.',
      why: 'The column\'s data is lost for good. ORMs select every mapped column by name, so the running version of the app fails on every query of the table (`column "x" does not exist`) from the moment the migration commits until the new version has fully replaced it. The statement also needs an ACCESS EXCLUSIVE lock on the table.',
      fix: 'Expand and contract. Release 1: remove the field from the ORM schema and every query, but hold back the generated DROP COLUMN. Release 2, once no running version reads the column: drop it, with a suppression that says so.',
      bad: 'ALTER TABLE "User" DROP COLUMN "legacyName";',
      good: '-- lockstep-ignore ban-drop-column: removed from the Prisma schema in v2.3; no running version selects it\nALTER TABLE "User" DROP COLUMN "legacyName";',
    },
  },
  kinds: ['AlterTableStmt'],
  create(context) {
    return {
      statement(statement) {
        for (const { table, cmd } of commandsOnExistingTable(statement, context, 'AT_DropColumn')) {
          if (!cmd.name || context.isNewColumn(table, cmd.name)) continue;
          context.report({
            statement,
            at: alterCommandAt(statement, context, cmd),
            table: table,
            message: withPrismaWarning(
              context,
              `DROP COLUMN "${cmd.name}" on ${table.display} deletes the column's data; the app version still running selects it and fails until the deploy completes.`,
              table,
              cmd.name,
            ),
          });
        }
      },
    };
  },
};
