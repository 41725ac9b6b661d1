import { relationOf } from '../ast.js';
import type { Rule } from '../rule.js';

export const renamingColumn: Rule = {
  meta: {
    id: 'renaming-column',
    severity: 'error',
    category: 'breaking',
    summary: 'ALTER TABLE ... RENAME COLUMN',
    why: 'The app version still running selects and writes the old column name: every query on the table fails until the deploy completes.',
    fix: 'Rename in code only (Prisma @map, Drizzle column name, TypeORM name), or expand and contract with a new column.',
    sizeGraded: false,
    equivalents: { squawk: ['renaming-column'], strongMigrations: ['rename_column'], atlas: ['BC102'] },
    doc: {
      what: '`ALTER TABLE ... RENAME COLUMN` on a table this migration did not create.',
      why: 'A rename is instant, but it breaks every client that still uses the old name. During a rolling deploy the previous app version keeps running for a while after the migration, and ORMs name every column in their queries, so all its queries of the table fail (`column "x" does not exist`).',
      fix: 'If only the name in code should change, map the new field name to the old column: Prisma `@map("old")`, Drizzle `text("old")`, TypeORM `@Column({ name: "old" })`. If the column itself must be renamed: add the new column, write both, backfill, switch reads, and drop the old column in a later release.',
      bad: 'ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";',
      good: '-- schema.prisma: fullName String? @map("name")  -- no migration needed',
    },
  },
  kinds: ['RenameStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'RenameStmt' || statement.body.renameType !== 'OBJECT_COLUMN') return;
        const table = relationOf(statement.body.relation);
        if (!table || context.isNewTable(table)) return;
        context.report({
          statement,
          table,
          message: `RENAME COLUMN "${String(statement.body.subname)}" TO "${String(statement.body.newname)}" on ${table.display} breaks the running app version, which still uses the old name.`,
        });
      },
    };
  },
};
