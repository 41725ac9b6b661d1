import { displayName, relationOf } from '../ast.js';
import type { Rule } from '../rule.js';

export const renamingTable: Rule = {
  meta: {
    id: 'renaming-table',
    severity: 'error',
    category: 'breaking',
    summary: 'ALTER TABLE ... RENAME TO',
    why: 'The app version still running queries the old table name: every query on it fails until the deploy completes.',
    fix: 'Rename in code only (Prisma @@map, Drizzle/TypeORM table name), or create a view with the new name first and rename later.',
    sizeGraded: false,
    equivalents: { squawk: ['renaming-table'], strongMigrations: ['rename_table'], atlas: ['BC101'] },
    doc: {
      what: '`ALTER TABLE ... RENAME TO` of a table this migration did not create.',
      why: 'The rename is instant, but every query of the running app version names the old table and fails from the moment the migration commits until the new version has replaced it.',
      fix: 'If only the model name should change, keep the table: Prisma `@@map("OldName")`, Drizzle `pgTable("OldName", ...)`, TypeORM `@Entity("OldName")`. To really rename it: release 1 renames the table and creates a view with the old name (simple views are updatable); release 2, once nothing uses the old name, drops the view.',
      bad: 'ALTER TABLE "Customer" RENAME TO "Client";',
      good: 'ALTER TABLE "Customer" RENAME TO "Client";\nCREATE VIEW "Customer" AS SELECT * FROM "Client";\n-- lockstep-ignore-file renaming-table: the view keeps the old name working until v5 drops it',
    },
  },
  kinds: ['RenameStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'RenameStmt' || statement.body.renameType !== 'OBJECT_TABLE') return;
        const table = relationOf(statement.body.relation);
        if (!table || context.isNewTable(table)) return;
        context.report({
          statement,
          table,
          message: `RENAME ${table.display} TO ${displayName(undefined, String(statement.body.newname))} breaks the running app version, which still queries the old name.`,
        });
      },
    };
  },
};
