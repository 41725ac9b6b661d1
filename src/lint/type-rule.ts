/** The shared logic of the rules about column types (char, varchar(n), int, serial, timestamp, json). */
import { relationOf, tableColumns, typeDisplay, type TypeReference } from './ast.js';
import type { LintStatement, Rule, RuleMeta } from './rule.js';
import { alteredTable } from './rule-helpers.js';

type Declared = Array<{ column: string | undefined; type: TypeReference; table: string | undefined }>;
const declared = new WeakMap<object, Declared>();

/** Column types a statement declares: CREATE TABLE columns, ADD COLUMN, ALTER COLUMN TYPE (read once per statement). */
export function declaredTypes(statement: LintStatement): Declared {
  let result = declared.get(statement.body);
  if (!result) {
    result = readDeclaredTypes(statement);
    declared.set(statement.body, result);
  }
  return result;
}

function readDeclaredTypes(statement: LintStatement): Declared {
  const out: Array<{ column: string | undefined; type: TypeReference; table: string | undefined }> = [];
  if (statement.kind === 'CreateStmt') {
    const table = relationOf(statement.body.relation)?.display;
    for (const column of tableColumns(statement.body)) {
      if (column.type) out.push({ column: column.name, type: column.type, table });
    }
    return out;
  }
  const altered = alteredTable(statement);
  for (const cmd of altered?.cmds ?? []) {
    if (cmd.subtype !== 'AT_AddColumn' && cmd.subtype !== 'AT_AlterColumnType') continue;
    const column = cmd.column;
    if (column?.type) out.push({ column: column.name ?? cmd.name, type: column.type, table: altered!.table.display });
  }
  return out;
}

export function isCatalogType(type: TypeReference, names: readonly string[]): boolean {
  return (type.schema === undefined || type.schema === 'pg_catalog') && names.includes(type.name);
}

/** A rule that reports each declared column whose type `matches`; `message` says what to use instead. */
export function typeRule(
  meta: RuleMeta,
  matches: (type: TypeReference) => boolean,
  advice: (type: TypeReference) => string,
): Rule {
  return {
    meta,
    kinds: ['CreateStmt', 'AlterTableStmt'],
    create(context) {
      return {
        statement(statement) {
          for (const { column, type } of declaredTypes(statement)) {
            if (!matches(type)) continue;
            context.report({
              statement,
              at: type.location,
              message: `${column ? `"${column}" is ${typeDisplay(type)}` : typeDisplay(type)}: ${advice(type)}`,
            });
          }
        },
      };
    },
  };
}
