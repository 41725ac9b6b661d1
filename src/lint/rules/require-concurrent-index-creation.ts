import { relationOf } from '../ast.js';
import type { Rule } from '../rule.js';

export const requireConcurrentIndexCreation: Rule = {
  meta: {
    id: 'require-concurrent-index-creation',
    severity: 'error',
    category: 'locking',
    summary: 'CREATE INDEX without CONCURRENTLY on an existing table',
    why: 'A plain CREATE INDEX holds a SHARE lock for the whole build: every insert, update and delete on the table waits.',
    fix: 'CREATE INDEX CONCURRENTLY, outside a transaction (lockstep deploy runs such a file statement by statement; with Prisma, alone in its migration).',
    sizeGraded: true,
    equivalents: {
      squawk: ['require-concurrent-index-creation'],
      strongMigrations: ['add_index', 'add_reference'],
      atlas: ['PG101'],
    },
    doc: {
      what: '`CREATE INDEX` (including `CREATE UNIQUE INDEX`) without CONCURRENTLY on a table that this migration did not create. Indexes on tables created earlier in the same migration are fine: the table is empty.',
      why: 'The build reads the whole table while holding SHARE, which blocks every write; on a large table that is minutes of failed or queued inserts and updates. Prisma and Drizzle generate plain CREATE INDEX for every @@index, @unique and index() on existing models.',
      fix: 'Use `CREATE INDEX CONCURRENTLY` (it takes SHARE UPDATE EXCLUSIVE, which does not block reads or writes). It cannot run inside a transaction: lockstep deploy runs such a file statement by statement; under `prisma migrate deploy` the statement must be alone in its migration.sql (create it with `prisma migrate dev --create-only` and edit it).',
      bad: 'CREATE INDEX "Order_createdAt_idx" ON "Order"("createdAt");',
      good: 'CREATE INDEX CONCURRENTLY "Order_createdAt_idx" ON "Order"("createdAt");',
    },
  },
  kinds: ['IndexStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'IndexStmt' || statement.body.concurrent) return;
        const table = relationOf(statement.body.relation);
        if (!table || context.isNewTable(table)) return;
        const unique = statement.body.unique ? ' UNIQUE' : '';
        let message = `CREATE${unique} INDEX${statement.body.idxname ? ` "${String(statement.body.idxname)}"` : ''} on ${table.display} blocks writes to the table for the whole build; use CONCURRENTLY.`;
        if (unique) message += ' A unique index also fails at the end if existing rows hold duplicates.';
        if (context.runner.id === 'prisma' || (context.runner.id === 'lockstep' && context.file.generator === 'prisma')) {
          message += ' Prisma cannot generate CONCURRENTLY: edit the migration.sql (prisma migrate dev --create-only).';
        }
        context.report({ statement, table, message });
      },
    };
  },
};
