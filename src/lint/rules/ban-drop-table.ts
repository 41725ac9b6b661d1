import { nameFromList } from '../ast.js';
import type { Rule } from '../rule.js';
import { withPrismaWarning } from '../rule-helpers.js';

export const banDropTable: Rule = {
  meta: {
    id: 'ban-drop-table',
    severity: 'error',
    category: 'destructive',
    summary: 'DROP TABLE',
    why: 'Deletes the table and every row in it for good, and the app version still running queries it until the deploy finishes.',
    fix: 'Stop using the table in code and deploy that first; back it up; drop it in a later migration with a suppression that says why.',
    sizeGraded: false,
    equivalents: { squawk: ['ban-drop-table'], atlas: ['DS102'] },
    doc: {
      what: '`DROP TABLE` of a table that this migration did not create.',
      why: 'The data is gone for good: a rollback of the code cannot bring it back. During a rolling deploy the previous version of the app still runs and still queries the table, so its requests fail from the moment the migration runs. `DROP TABLE` also takes an ACCESS EXCLUSIVE lock and waits behind every running query on the table.',
      fix: 'Expand and contract: first deploy code that no longer reads or writes the table (for Prisma, remove the model; the generated migration then drops it, so hold that migration back), then, once no running version uses it and a backup or an archive copy exists, drop it in a migration of its own and record the review in a suppression.',
      bad: 'DROP TABLE "LegacySession";',
      good: '-- lockstep-ignore ban-drop-table: unused since v3.2 (sessions moved to Redis); archived to s3://backups/legacy_session.csv\nDROP TABLE "LegacySession";',
    },
  },
  kinds: ['DropStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'DropStmt' || statement.body.removeType !== 'OBJECT_TABLE') return;
        for (const object of Array.isArray(statement.body.objects) ? statement.body.objects : []) {
          const table = nameFromList((object as { List?: { items?: unknown } }).List?.items);
          if (!table || context.isNewTable(table)) continue;
          const cascade =
            statement.body.behavior === 'DROP_CASCADE' ? ' CASCADE also drops the views and foreign keys that depend on it.' : '';
          context.report({
            statement,
            table,
            message: withPrismaWarning(
              context,
              `DROP TABLE ${table.display} deletes the table and all its rows; the app version still running queries it.${cascade}`,
              table,
            ),
          });
        }
      },
    };
  },
};
