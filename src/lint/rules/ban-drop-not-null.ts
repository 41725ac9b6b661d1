import type { Rule } from '../rule.js';
import { alterCommandAt, commandsOnExistingTable } from '../rule-helpers.js';

export const banDropNotNull: Rule = {
  meta: {
    id: 'ban-drop-not-null',
    severity: 'warning',
    category: 'breaking',
    summary: 'ALTER COLUMN ... DROP NOT NULL',
    why: 'The running app version assumes the column is never NULL; new rows written by the new version can break it.',
    fix: 'Deploy code that handles NULL first; then drop the constraint.',
    sizeGraded: false,
    equivalents: { squawk: ['ban-drop-not-null'] },
    doc: {
      what: '`ALTER TABLE ... ALTER COLUMN ... DROP NOT NULL` on a table this migration did not create.',
      why: 'The change itself is instant, but the app versions and other consumers (reports, exports, replicas read by other services) were written for a column that is never NULL. Once the new version writes NULLs, they can crash on them.',
      fix: 'Make every reader handle NULL first (Prisma: make the field optional and deploy), then drop the constraint in a later migration.',
      bad: 'ALTER TABLE "User" ALTER COLUMN "phone" DROP NOT NULL;',
      good: '-- lockstep-ignore ban-drop-not-null: every reader treats "phone" as optional since v4.1\nALTER TABLE "User" ALTER COLUMN "phone" DROP NOT NULL;',
    },
  },
  kinds: ['AlterTableStmt'],
  create(context) {
    return {
      statement(statement) {
        for (const { table, cmd } of commandsOnExistingTable(statement, context, 'AT_DropNotNull')) {
          if (!cmd.name) continue;
          context.report({
            statement,
            at: alterCommandAt(statement, context, cmd),
            table: table,
            message: `DROP NOT NULL on "${cmd.name}" of ${table.display}: readers written for a column that is never NULL can break once NULLs appear.`,
          });
        }
      },
    };
  },
};
