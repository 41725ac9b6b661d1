import type { Rule } from '../rule.js';

export const renamingSchema: Rule = {
  meta: {
    id: 'renaming-schema',
    severity: 'error',
    category: 'breaking',
    summary: 'ALTER SCHEMA ... RENAME TO',
    why: 'Every query and search_path that names the old schema fails in the app version still running.',
    fix: 'Create the new schema, move objects one at a time (expand and contract), drop the old schema last.',
    sizeGraded: false,
    equivalents: { strongMigrations: ['rename_schema'] },
    doc: {
      what: '`ALTER SCHEMA ... RENAME TO`.',
      why: "The schema name is in connection URLs (Prisma's `?schema=`), search_path settings and qualified queries. The running app version loses every table at once.",
      fix: 'Create the new schema, move or recreate objects in steps while the code handles both, and drop the old schema when nothing uses it.',
      bad: 'ALTER SCHEMA "shop" RENAME TO "store";',
      good: 'CREATE SCHEMA "store";',
    },
  },
  kinds: ['RenameStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'RenameStmt' || statement.body.renameType !== 'OBJECT_SCHEMA') return;
        context.report({
          statement,
          message: `RENAME SCHEMA "${String(statement.body.subname)}" TO "${String(statement.body.newname)}" breaks every query and search_path of the running app that names the old schema.`,
        });
      },
    };
  },
};
