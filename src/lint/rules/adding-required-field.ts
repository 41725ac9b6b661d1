import { compactNumber } from '../table-stats.js';
import type { Rule } from '../rule.js';
import { commandsOnExistingTable } from '../rule-helpers.js';

const SERIAL = new Set(['serial', 'serial4', 'serial8', 'bigserial', 'smallserial', 'serial2']);

export const addingRequiredField: Rule = {
  meta: {
    id: 'adding-required-field',
    severity: 'error',
    category: 'breaking',
    summary: 'ADD COLUMN ... NOT NULL without a DEFAULT',
    why: 'Fails on a table that has rows (existing rows would be NULL), and once added, inserts from the running app version, which does not know the column, fail.',
    fix: 'Add the column nullable (or NOT NULL with a constant DEFAULT), backfill, then enforce NOT NULL in a later migration.',
    sizeGraded: false,
    equivalents: { squawk: ['adding-required-field'], atlas: ['MF103', 'MY101'] },
    doc: {
      what: '`ALTER TABLE ... ADD COLUMN ... NOT NULL` with no DEFAULT (and not generated or identity) on a table this migration did not create. With a database, the message says whether the table has rows.',
      why: 'PostgreSQL cannot give existing rows a value, so the ALTER fails on any table that is not empty (`column "x" contains null values`); Prisma warns about this in its migration header ("Added the required column ... without a default value"). On an empty table it succeeds, but the app version still running inserts rows without the column and every such insert fails.',
      fix: 'Add the column nullable, deploy code that writes it, backfill existing rows in batches, then add NOT NULL safely (see setting-not-null). Or, on PostgreSQL 11+, add it NOT NULL with a constant DEFAULT, which needs no rewrite.',
      bad: 'ALTER TABLE "Order" ADD COLUMN "currency" TEXT NOT NULL;',
      good: 'ALTER TABLE "Order" ADD COLUMN "currency" TEXT NOT NULL DEFAULT \'EUR\';',
    },
  },
  kinds: ['AlterTableStmt'],
  create(context) {
    return {
      statement(statement) {
        for (const { table, cmd } of commandsOnExistingTable(statement, context, 'AT_AddColumn')) {
          const column = cmd.column;
          if (!column?.name) continue;
          const types = new Set(column.constraints.map((c) => c.type));
          if (!types.has('NOTNULL') || types.has('DEFAULT') || types.has('GENERATED') || types.has('IDENTITY')) continue;
          if (column.type && SERIAL.has(column.type.name)) continue;
          const name = column.name;
          context.report({
            statement,
            at: column.location,
            table,
            message: `ADD COLUMN "${name}" NOT NULL without a DEFAULT on ${table.display} fails if the table has rows, and inserts from the running app version, which does not set "${name}", fail.`,
            refine: ({ table: facts }) => {
              if (!facts?.exists || facts.rows === undefined) return undefined;
              return facts.rows > 0
                ? {
                    message: `ADD COLUMN "${name}" NOT NULL without a DEFAULT fails: ${table.display} holds ≈${compactNumber(facts.rows)} rows, which would be NULL.`,
                  }
                : {
                    message: `ADD COLUMN "${name}" NOT NULL without a DEFAULT: ${table.display} is empty, so the ALTER succeeds, but inserts from the running app version, which does not set "${name}", fail.`,
                  };
            },
          });
        }
      },
    };
  },
};
