import { nameFromList, stringConstants } from '../ast.js';
import type { Rule, StatementRef } from '../rule.js';
import { transactionControl } from '../statement-facts.js';

interface Added {
  value: string;
  type: string;
  /** Explicit BEGIN block it was added in; undefined: the runner's transaction; null: on its own, after the file left the runner's transaction. */
  block: number | undefined | null;
  where: string;
}

const SHARED_KEY = 'enum-value-used-in-transaction:added';

function byValue(list: Added[]): Map<string, Added[]> {
  const map = new Map<string, Added[]>();
  for (const entry of list) map.set(entry.value, [...(map.get(entry.value) ?? []), entry]);
  return map;
}

export const enumValueUsedInTransaction: Rule = {
  meta: {
    id: 'enum-value-used-in-transaction',
    severity: 'error',
    category: 'transaction',
    summary: 'a value added with ALTER TYPE ... ADD VALUE used in the same transaction',
    why: 'PostgreSQL refuses to use a new enum value before the transaction that added it commits ("unsafe use of new value"), so the migration fails.',
    fix: 'Add the value in one migration and use it (defaults, updates, constraints) in a later one; lockstep deploy and Prisma run each file in its own transaction.',
    sizeGraded: false,
    equivalents: {},
    doc: {
      what: "`ALTER TYPE ... ADD VALUE 'v'` followed, in the same transaction, by a statement that uses `'v'` (a SET DEFAULT, an UPDATE, an INSERT, a CHECK). Same transaction means: one BEGIN ... COMMIT block, one file that the runner wraps in a transaction (lockstep deploy, and prisma migrate deploy for a file of several statements), or, for Drizzle and TypeORM, any two pending migrations, because their migrators run all of them in one transaction.",
      why: 'PostgreSQL 12+ allows ADD VALUE in a transaction but not using the new value until that transaction commits: the statement fails with `unsafe use of new value "v" of enum type`. Prisma generates exactly this when a new enum value becomes a field\'s @default in the same migration.',
      fix: 'Split it: one migration adds the value, a later one uses it.',
      bad: 'ALTER TYPE "Role" ADD VALUE \'SUPPORT\';\nALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT \'SUPPORT\';',
      good: 'ALTER TYPE "Role" ADD VALUE \'SUPPORT\';\n-- next migration:\n-- ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT \'SUPPORT\';',
    },
  },
  create(context) {
    const earlier = context.shared(SHARED_KEY, () => [] as Added[]);
    const fromEarlierFiles = byValue(earlier);
    const added: Added[] = [];
    const addedByValue = new Map<string, Added[]>();
    const uses: Array<{ statement: StatementRef; added: Added; block: number | undefined | null; crossFile: boolean }> = [];
    let block = 0;
    let inBlock = false;
    return {
      statement(statement) {
        const control = transactionControl(statement.kind, statement.body);
        if (control === 'begin') {
          block++;
          inBlock = true;
        } else if (control === 'commit' || control === 'rollback') {
          inBlock = false;
        }
        const currentBlock = inBlock ? block : context.outsideRunnerTransaction ? null : undefined;
        if (
          statement.kind === 'AlterEnumStmt' &&
          statement.body.oldVal === undefined &&
          typeof statement.body.newVal === 'string'
        ) {
          const type = nameFromList(statement.body.typeName)?.display ?? 'the enum';
          const entry = {
            value: statement.body.newVal,
            type,
            block: currentBlock,
            where: `${context.file.path}:${statement.line}`,
          };
          added.push(entry);
          addedByValue.set(entry.value, [...(addedByValue.get(entry.value) ?? []), entry]);
          return;
        }
        if (added.length === 0 && fromEarlierFiles.size === 0) return;
        // A string constant is written quoted ('...', E'...', $$...$$): a statement without quotes has none.
        const text = statement.text();
        if (!text.includes("'") && !text.includes('$')) return;
        for (const constant of stringConstants(statement.node)) {
          for (const value of addedByValue.get(constant) ?? [])
            uses.push({ statement, added: value, block: currentBlock, crossFile: false });
          if (currentBlock === undefined)
            for (const value of fromEarlierFiles.get(constant) ?? [])
              uses.push({ statement, added: value, block: undefined, crossFile: true });
        }
      },
      end() {
        const execution = context.execution();
        const fileTransaction = context.runnerTransaction();
        for (const use of uses) {
          const sameBlock = typeof use.added.block === 'number' && use.added.block === use.block;
          const sameFileTransaction =
            !use.crossFile && fileTransaction && use.added.block === undefined && use.block === undefined;
          if (!sameBlock && !sameFileTransaction && !use.crossFile) continue;
          const how = use.crossFile
            ? `${context.runner.inTransaction}, so it is the transaction that added it at ${use.added.where}`
            : sameBlock
              ? 'in the same BEGIN ... COMMIT block'
              : `in the same transaction (${context.runner.inTransaction})`;
          context.report({
            statement: use.statement,
            message: `This uses '${use.added.value}', added to ${use.added.type} ${use.crossFile ? 'by an earlier pending migration' : 'earlier in this migration'}, ${how}: PostgreSQL refuses it with "unsafe use of new value" until that transaction commits.`,
          });
        }
        // A COMMIT that left the runner's transaction committed the values added before it.
        if (execution === 'shared-transaction' && !context.outsideRunnerTransaction)
          earlier.push(...added.filter((a) => a.block === undefined));
      },
    };
  },
};
