import type { RelationName } from '../ast.js';
import { analyzeTypeChange, describeType, fromFormatType, fromReference, type ColumnType } from '../column-types.js';
import type { Rule } from '../rule.js';
import { commandsOnExistingTable } from '../rule-helpers.js';

export const changingColumnType: Rule = {
  meta: {
    id: 'changing-column-type',
    severity: 'error',
    category: 'locking',
    summary: 'ALTER COLUMN ... TYPE',
    why: 'Most type changes rewrite the whole table and all its indexes under an ACCESS EXCLUSIVE lock: no reads or writes until it is done; values can also fail the conversion.',
    fix: 'Add a column of the new type, backfill it in batches, switch the code, drop the old one; only binary-coercible changes (e.g. varchar(n) to text) are safe in place.',
    sizeGraded: true,
    equivalents: { squawk: ['changing-column-type'], strongMigrations: ['change_column'], atlas: ['PG301'] },
    doc: {
      what: '`ALTER TABLE ... ALTER COLUMN ... TYPE` on a table this migration did not create. When the old type is known (from the database, or because the migration created the column), lockstep says whether PostgreSQL rewrites the table, whether existing values can fail or lose precision (narrowing integers, shorter varchar, fewer decimal places, timestamptz to timestamp), and whether PostgreSQL will refuse the change without a USING clause. Catalog-only changes (varchar to text, a longer varchar, a larger numeric precision) are reported as warnings.',
      why: 'A rewrite copies every row and rebuilds every index while holding ACCESS EXCLUSIVE, so every query on the table waits: seconds on a small table, many minutes on a large one. The running app version may also read the column as the old type. A narrowing change fails halfway through on the first value that does not fit.',
      fix: 'Expand and contract: add a new column of the new type, write both (trigger or code), backfill in batches, switch reads, drop the old column in a later migration. Binary-coercible changes can stay, with a lock_timeout (lockstep deploy sets one).',
      bad: 'ALTER TABLE "Order" ALTER COLUMN "total" TYPE BIGINT;',
      good: 'ALTER TABLE "Order" ADD COLUMN "totalCents" BIGINT;\n-- backfill "totalCents" in batches, switch the code, drop "total" in a later migration',
    },
  },
  kinds: ['AlterTableStmt'],
  create(context) {
    return {
      statement(statement) {
        for (const { table, cmd } of commandsOnExistingTable(statement, context, 'AT_AlterColumnType')) {
          if (!cmd.name) continue;
          const def = cmd.column;
          if (!def?.type) continue;
          const column = cmd.name;
          const to = fromReference(def.type);
          const hasUsing = def.using !== undefined;
          const knownOld = context.knownColumnType(table, column);
          const first = describe(table, column, to, knownOld ? fromReference(knownOld) : undefined, hasUsing);
          context.report({
            statement,
            at: def.location,
            table: table,
            message: first.message,
            shift: first.shift,
            sizeGraded: first.sizeGraded,
            refine: ({ table: stats }) => {
              if (knownOld) return undefined;
              const old = stats?.columns?.[column];
              return old ? describe(table, column, to, fromFormatType(old), hasUsing) : undefined;
            },
          });
        }
      },
    };
  },
};

function describe(
  table: RelationName,
  column: string,
  to: ColumnType,
  from: ColumnType | undefined,
  hasUsing: boolean,
): { message: string; shift: number; sizeGraded: boolean } {
  const head = `ALTER COLUMN "${column}" TYPE ${describeType(to)} on ${table.display}`;
  if (!from) {
    return {
      message: `${head} rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (unless the change is binary-coercible, such as varchar(n) to text), blocking reads and writes; the running app may also read the column as the old type.`,
      shift: 0,
      sizeGraded: true,
    };
  }
  const change = analyzeTypeChange(from, to);
  const parts: string[] = [];
  let shift = 0;
  let sizeGraded = true;
  if (change.rewrite === false) {
    parts.push(
      `${head} changes ${describeType(from)} to ${describeType(to)} in the catalog only (${change.note}), but still takes a brief ACCESS EXCLUSIVE lock.`,
    );
    shift = -1;
    sizeGraded = false;
  } else if (change.rewrite === 'maybe') {
    parts.push(`${head} (from ${describeType(from)}) may rewrite the table under an ACCESS EXCLUSIVE lock: ${change.note}.`);
  } else {
    parts.push(
      `${head} (from ${describeType(from)}) rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes.`,
    );
  }
  if (change.lossy) {
    parts.push(`Existing values: ${change.lossy}.`);
    if (shift < 0) shift = 0;
  }
  if (change.needsUsing && !hasUsing) {
    parts.push(
      `PostgreSQL refuses this without USING: there is no automatic conversion from ${describeType(from)} to ${describeType(to)} ("column cannot be cast automatically").`,
    );
    shift = Math.max(shift, 0);
    sizeGraded = false;
  }
  return { message: parts.join(' '), shift, sizeGraded };
}
