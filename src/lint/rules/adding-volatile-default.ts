import { strings, walk } from '../ast.js';
import { isNonVolatileBuiltin } from '../data/non-volatile-functions.js';
import type { Rule } from '../rule.js';
import { commandsOnExistingTable } from '../rule-helpers.js';

const SERIAL = new Set(['serial', 'serial4', 'serial8', 'bigserial', 'smallserial', 'serial2']);

/** The first function in a default expression that may be VOLATILE (its name), if any. */
function volatileCall(expression: unknown): string | undefined {
  let found: string | undefined;
  walk(expression, (object) => {
    const call = (object as { FuncCall?: { funcname?: unknown } }).FuncCall;
    if (call) {
      const names = strings(call.funcname);
      const name = names[names.length - 1] ?? '';
      const schema = names.length > 1 ? names[names.length - 2] : undefined;
      if ((schema !== undefined && schema !== 'pg_catalog') || !isNonVolatileBuiltin(name)) found = `${names.join('.')}()`;
    }
    return found === undefined;
  });
  return found;
}

function isNullConstant(expression: unknown): boolean {
  return (expression as { A_Const?: { isnull?: boolean } } | undefined)?.A_Const?.isnull === true;
}

export const addingVolatileDefault: Rule = {
  meta: {
    id: 'adding-volatile-default',
    severity: 'error',
    category: 'locking',
    summary: 'ADD COLUMN with a volatile DEFAULT, a stored generated column, serial or identity',
    why: 'PostgreSQL must compute a value for every existing row, so it rewrites the whole table under an ACCESS EXCLUSIVE lock.',
    fix: 'Add the column without the default (or with a constant one), set the default for new rows, backfill existing rows in batches.',
    sizeGraded: true,
    equivalents: {
      squawk: ['adding-field-with-default'],
      strongMigrations: [
        'add_column_default',
        'add_column_default_callable',
        'add_column_generated_stored',
        'add_column_auto_incrementing',
      ],
      atlas: ['PG302'],
    },
    doc: {
      what: "`ALTER TABLE ... ADD COLUMN` on a table this migration did not create, when the column's DEFAULT calls a VOLATILE function (`gen_random_uuid()`, `random()`, `clock_timestamp()`, `nextval()`, or any function that is not a built-in known to be STABLE or IMMUTABLE), when it is `GENERATED ... STORED`, `GENERATED ... AS IDENTITY` or of a serial type, and, before PostgreSQL 11, when it has any DEFAULT. Constant defaults, `now()` and `CURRENT_TIMESTAMP` are fine on PostgreSQL 11+.",
      why: 'From PostgreSQL 11 on, a column with a non-volatile default is added in the catalog only. A volatile default (or a generated, identity or serial column) needs its own value in every existing row, so PostgreSQL rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE: nothing reads or writes the table until the copy is done.',
      fix: 'Add the column without the default (instant), `ALTER COLUMN ... SET DEFAULT ...` for new rows (instant), then fill existing rows in batches. For identity or serial keys on a big table, create a new table and copy.',
      bad: 'ALTER TABLE "Order" ADD COLUMN "publicId" UUID NOT NULL DEFAULT gen_random_uuid();',
      good: 'ALTER TABLE "Order" ADD COLUMN "publicId" UUID;\nALTER TABLE "Order" ALTER COLUMN "publicId" SET DEFAULT gen_random_uuid();\n-- backfill "publicId" in batches, then make it NOT NULL (see setting-not-null)',
    },
  },
  kinds: ['AlterTableStmt'],
  create(context) {
    return {
      statement(statement) {
        for (const { table, cmd } of commandsOnExistingTable(statement, context, 'AT_AddColumn')) {
          const column = cmd.column;
          if (!column?.name) continue;
          const head = `ADD COLUMN "${column.name}" on ${table.display}`;
          const rewrite = 'so PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock, blocking reads and writes';
          for (const constraint of column.constraints) {
            if (constraint.type === 'DEFAULT' && !isNullConstant(constraint.expression)) {
              const call = volatileCall(constraint.expression);
              if (call) {
                context.report({
                  statement,
                  at: constraint.location,
                  table,
                  message: `${head} has the default ${call}, which may be VOLATILE: every existing row needs its own value, ${rewrite}.`,
                });
              } else if (context.postgresVersion < 11) {
                context.report({
                  statement,
                  at: constraint.location,
                  table,
                  message: `${head} has a DEFAULT: before PostgreSQL 11 every existing row is written with it, ${rewrite}.`,
                });
              }
            } else if (constraint.type === 'GENERATED' && constraint.stored) {
              context.report({
                statement,
                at: constraint.location,
                table,
                message: `${head} is GENERATED ... STORED: the value is computed for every existing row, ${rewrite}.`,
              });
            } else if (constraint.type === 'IDENTITY') {
              context.report({
                statement,
                at: constraint.location,
                table,
                message: `${head} is an identity column: every existing row gets a value, ${rewrite}.`,
              });
            }
          }
          if (
            column.type &&
            SERIAL.has(column.type.name) &&
            (column.type.schema === undefined || column.type.schema === 'pg_catalog')
          ) {
            context.report({
              statement,
              at: column.type.location,
              table,
              message: `${head} is ${column.type.name}: its default nextval() gives every existing row a value, ${rewrite}.`,
            });
          }
        }
      },
    };
  },
};
