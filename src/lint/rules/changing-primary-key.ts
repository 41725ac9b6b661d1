import type { Rule, StatementRef } from '../rule.js';
import type { RelationName } from '../ast.js';
import { alterCommandAt, alteredTable } from '../rule-helpers.js';

export const changingPrimaryKey: Rule = {
  meta: {
    id: 'changing-primary-key',
    severity: 'warning',
    category: 'breaking',
    summary: 'DROP CONSTRAINT ..._pkey (dropping or replacing a primary key)',
    why: "Foreign keys, logical replication (REPLICA IDENTITY), upserts and the ORM's own identity all rely on the primary key; between the drop and the new key, duplicates can get in.",
    fix: "Build the new key's unique index CONCURRENTLY first, then swap the constraints in one short transaction (DROP CONSTRAINT, ADD PRIMARY KEY USING INDEX).",
    sizeGraded: false,
    equivalents: {},
    doc: {
      what: "`ALTER TABLE ... DROP CONSTRAINT` of a constraint named like a primary key (`<table>_pkey`, PostgreSQL's and Prisma's naming) on a table this migration did not create. The message says whether the migration adds a new primary key to the table.",
      why: 'Prisma generates `DROP CONSTRAINT "X_pkey", ADD CONSTRAINT "X_pkey" PRIMARY KEY (...)` when @id or @@id changes: the new key\'s index is built under ACCESS EXCLUSIVE, foreign keys that reference the old key must be dropped first, logical replication loses its replica identity, and `ON CONFLICT` clauses of the running app stop matching.',
      fix: 'Build the new unique index CONCURRENTLY in its own migration; then in one short transaction drop the old key and `ADD CONSTRAINT ... PRIMARY KEY USING INDEX`; recreate dependent foreign keys NOT VALID and validate them later.',
      bad: 'ALTER TABLE "OrderItem" DROP CONSTRAINT "OrderItem_pkey",\nADD CONSTRAINT "OrderItem_pkey" PRIMARY KEY ("orderId", "productId");',
      good: 'CREATE UNIQUE INDEX CONCURRENTLY "OrderItem_orderId_productId_key" ON "OrderItem" ("orderId", "productId");',
    },
  },
  kinds: ['AlterTableStmt'],
  create(context) {
    const dropped: Array<{ statement: StatementRef; at: number | undefined; table: RelationName; name: string }> = [];
    const added = new Set<string>();
    return {
      statement(statement) {
        const altered = alteredTable(statement);
        if (!altered || context.isNewTable(altered.table)) return;
        for (const cmd of altered.cmds) {
          if (cmd.subtype === 'AT_DropConstraint' && cmd.name?.endsWith('_pkey'))
            dropped.push({ statement, at: alterCommandAt(statement, context, cmd), table: altered.table, name: cmd.name });
          if (cmd.subtype === 'AT_AddConstraint' && cmd.constraint?.type === 'PRIMARY') added.add(altered.table.display);
        }
      },
      end() {
        for (const drop of dropped) {
          context.report({
            statement: drop.statement,
            at: drop.at,
            table: drop.table,
            message: added.has(drop.table.display)
              ? `This migration replaces the primary key of ${drop.table.display} ("${drop.name}"): foreign keys, replication identity and the running app's upserts depend on it, and the new key is built under an ACCESS EXCLUSIVE lock.`
              : `DROP CONSTRAINT "${drop.name}" removes the primary key of ${drop.table.display}: foreign keys, replication identity and the running app's upserts depend on it.`,
          });
        }
      },
    };
  },
};
