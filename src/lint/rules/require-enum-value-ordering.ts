import { nameFromList } from '../ast.js';
import type { Rule } from '../rule.js';

export const requireEnumValueOrdering: Rule = {
  meta: {
    id: 'require-enum-value-ordering',
    severity: 'off',
    category: 'style',
    summary: 'ALTER TYPE ... ADD VALUE without BEFORE or AFTER',
    why: 'The value is appended at the end, which changes what ORDER BY and < > on the enum mean if the order carries meaning.',
    fix: "Say where the value goes: ADD VALUE 'x' BEFORE 'y' (or AFTER).",
    sizeGraded: false,
    equivalents: { squawk: ['require-enum-value-ordering'] },
    doc: {
      what: '`ALTER TYPE ... ADD VALUE` without BEFORE or AFTER. Off by default: ORMs append enum values and rarely rely on their order.',
      why: "Enum values sort in declaration order. When the order carries meaning (`status < 'SHIPPED'`), an appended value sorts after all existing ones, which may be wrong.",
      fix: 'State the position explicitly.',
      bad: 'ALTER TYPE "OrderStatus" ADD VALUE \'REFUNDED\';',
      good: "ALTER TYPE \"OrderStatus\" ADD VALUE 'REFUNDED' AFTER 'DELIVERED';",
    },
  },
  kinds: ['AlterEnumStmt'],
  create(context) {
    return {
      statement(statement) {
        if (
          statement.kind !== 'AlterEnumStmt' ||
          statement.body.oldVal !== undefined ||
          statement.body.newValNeighbor !== undefined
        )
          return;
        const type = nameFromList(statement.body.typeName);
        context.report({
          statement,
          message: `ADD VALUE '${String(statement.body.newVal)}' appends to the end of ${type?.display ?? 'the enum'}; say BEFORE or AFTER if the order matters.`,
        });
      },
    };
  },
};
