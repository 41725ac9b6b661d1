import type { Rule } from '../rule.js';

/** Reported by the engine when PostgreSQL's parser rejects a file. */
export const syntaxError: Rule = {
  meta: {
    id: 'syntax-error',
    severity: 'error',
    category: 'meta',
    summary: 'SQL that PostgreSQL cannot parse',
    why: 'The migration fails on the first statement PostgreSQL cannot parse.',
    fix: "Fix the SQL at the position shown; the message is PostgreSQL's own.",
    sizeGraded: false,
    equivalents: { squawk: ['syntax-error'] },
    doc: {
      what: "A file that PostgreSQL's own parser (libpg-query) rejects. The position is the one PostgreSQL reports, as file:line:column. Other rules are not run on a file that does not parse. This severity cannot be changed.",
      why: 'The migration fails when it reaches the statement, possibly after earlier statements of a non-transactional file have run.',
      fix: 'Fix the statement. Anything PostgreSQL accepts is understood, including dollar-quoted bodies and PostgreSQL 18 syntax.',
      bad: 'ALTER TABLE "User" ADD COLUMN "age" INTEGER NOT NULL DEFAULT;',
      good: 'ALTER TABLE "User" ADD COLUMN "age" INTEGER NOT NULL DEFAULT 0;',
    },
  },
  create: () => ({}),
};
