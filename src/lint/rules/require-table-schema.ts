import { nameFromList, relationOf, type RelationName } from '../ast.js';
import type { Rule } from '../rule.js';

export const requireTableSchema: Rule = {
  meta: {
    id: 'require-table-schema',
    severity: 'off',
    category: 'style',
    summary: 'table names without a schema',
    why: 'An unqualified name resolves through search_path, which differs between sessions, tools and environments.',
    fix: 'Qualify table names: public."Order".',
    sizeGraded: false,
    equivalents: { squawk: ['require-table-schema'] },
    doc: {
      what: "CREATE TABLE, CREATE TABLE AS, ALTER TABLE and DROP TABLE with an unqualified table name (temporary tables excepted). Off by default: ORM-generated SQL relies on the connection's schema.",
      why: "Which table an unqualified name means depends on the session's search_path; a migration run with a different search_path (a different tool, a pooler, a role setting) touches a different schema.",
      fix: 'Write the schema: `public."Order"`.',
      bad: 'ALTER TABLE "Order" ADD COLUMN "note" TEXT;',
      good: 'ALTER TABLE public."Order" ADD COLUMN "note" TEXT;',
    },
  },
  kinds: ['CreateStmt', 'CreateTableAsStmt', 'AlterTableStmt', 'DropStmt'],
  create(context) {
    const check = (
      statement: Parameters<NonNullable<ReturnType<Rule['create']>['statement']>>[0],
      table: RelationName | undefined,
    ) => {
      if (table && !table.schema)
        context.report({
          statement,
          at: table.location,
          message: `${table.display} is not schema-qualified; its meaning depends on search_path.`,
        });
    };
    return {
      statement(statement) {
        const body = statement.body;
        if (statement.kind === 'CreateStmt' && (body.relation as { relpersistence?: string } | undefined)?.relpersistence !== 't')
          check(statement, relationOf(body.relation));
        else if (statement.kind === 'CreateTableAsStmt')
          check(
            statement,
            relationOf(
              (
                (body.into as { IntoClause?: { rel?: unknown } } | undefined)?.IntoClause ??
                (body.into as { rel?: unknown } | undefined)
              )?.rel,
            ),
          );
        else if (statement.kind === 'AlterTableStmt' && body.objtype === 'OBJECT_TABLE')
          check(statement, relationOf(body.relation));
        else if (statement.kind === 'DropStmt' && body.removeType === 'OBJECT_TABLE') {
          for (const object of Array.isArray(body.objects) ? body.objects : [])
            check(statement, nameFromList((object as { List?: { items?: unknown } }).List?.items));
        }
      },
    };
  },
};
