import { strings, tableColumns, unwrap } from '../ast.js';
import type { Rule } from '../rule.js';

/** Names that occur more than once, with the location of each later occurrence. */
function duplicates(
  names: Array<{ name: string; location: number | undefined }>,
): Array<{ name: string; location: number | undefined }> {
  const seen = new Set<string>();
  const out: Array<{ name: string; location: number | undefined }> = [];
  for (const entry of names) {
    if (seen.has(entry.name)) out.push(entry);
    seen.add(entry.name);
  }
  return out;
}

/** A select list entry's output name: its alias, else the column it names (`SELECT a` is column "a"). */
function outputName(target: Record<string, unknown>): string | undefined {
  if (typeof target.name === 'string') return target.name;
  const fields = strings(unwrap(target.val, 'ColumnRef')?.fields);
  return fields[fields.length - 1];
}

function targets(list: unknown, skipPartial: boolean): Array<{ name: string; location: number | undefined }> {
  const out: Array<{ name: string; location: number | undefined }> = [];
  for (const item of Array.isArray(list) ? list : []) {
    const target = unwrap(item, 'ResTarget');
    const name = target && (skipPartial ? (typeof target.name === 'string' ? target.name : undefined) : outputName(target));
    if (!target || !name) continue;
    // `SET arr[1] = x, arr[2] = y` and `SET composite.a = x, composite.b = y` assign parts of one column.
    if (skipPartial && Array.isArray(target.indirection) && target.indirection.length > 0) continue;
    out.push({ name, location: typeof target.location === 'number' ? target.location : undefined });
  }
  return out;
}

export const banDuplicateColumnAssignments: Rule = {
  meta: {
    id: 'ban-duplicate-column-assignments',
    severity: 'error',
    category: 'correctness',
    summary: 'the same column twice in CREATE TABLE, INSERT, UPDATE or a view',
    why: 'PostgreSQL rejects it when the migration runs ("specified more than once"), although it parses.',
    fix: 'Remove the duplicate.',
    sizeGraded: false,
    equivalents: { squawk: ['ban-duplicate-column-assignments'] },
    doc: {
      what: 'A column defined twice in CREATE TABLE, assigned twice in UPDATE ... SET or named twice in an INSERT column list, and a view with two output columns of the same name.',
      why: 'The statement parses, so nothing complains until the migration runs in production, where PostgreSQL fails with `column "x" specified more than once`.',
      fix: 'Keep one assignment or definition.',
      bad: 'UPDATE "User" SET "status" = \'ACTIVE\', "status" = \'PENDING\' WHERE "verifiedAt" IS NOT NULL;',
      good: 'UPDATE "User" SET "status" = \'ACTIVE\' WHERE "verifiedAt" IS NOT NULL;',
    },
  },
  kinds: ['CreateStmt', 'UpdateStmt', 'InsertStmt', 'ViewStmt'],
  create(context) {
    const report = (
      statement: Parameters<NonNullable<ReturnType<Rule['create']>['statement']>>[0],
      found: Array<{ name: string; location: number | undefined }>,
      what: string,
    ) => {
      for (const { name, location } of found)
        context.report({
          statement,
          at: location,
          message: `"${name}" is ${what} more than once: PostgreSQL rejects the statement when it runs.`,
        });
    };
    return {
      statement(statement) {
        const body = statement.body;
        switch (statement.kind) {
          case 'CreateStmt': {
            const columns = tableColumns(body);
            if (columns.length < 2) break;
            report(
              statement,
              duplicates(columns.filter((c) => c.name).map((c) => ({ name: c.name!, location: c.location }))),
              'defined',
            );
            break;
          }
          case 'UpdateStmt':
            report(statement, duplicates(targets(body.targetList, true)), 'assigned');
            break;
          case 'InsertStmt':
            report(statement, duplicates(targets(body.cols, true)), 'listed');
            break;
          case 'ViewStmt': {
            const aliases = strings(body.aliases);
            if (aliases.length > 0)
              report(statement, duplicates(aliases.map((name) => ({ name, location: undefined }))), 'a view column');
            else report(statement, duplicates(targets(unwrap(body.query, 'SelectStmt')?.targetList, false)), 'a view column');
            break;
          }
        }
      },
    };
  },
};
