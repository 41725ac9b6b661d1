import { timeoutRule } from '../timeout-rule.js';

export const requireStatementTimeout = timeoutRule(
  {
    id: 'require-statement-timeout',
    severity: 'warning',
    category: 'locking',
    summary: 'a lock-taking statement with no statement_timeout, when the runner does not set one',
    why: 'A migration statement that runs long keeps its locks for its whole run; without a statement_timeout nothing stops it.',
    fix: 'Deploy with lockstep (it sets statement_timeout), or start the file with SET statement_timeout.',
    sizeGraded: false,
    equivalents: { squawk: ['require-statement-timeout', 'require-timeout-settings'] },
    doc: {
      what: 'The first statement of a file that takes a table lock when no `SET statement_timeout` comes before it, and the runner does not set one. lockstep deploy sets statement_timeout itself (default 10m; 4h for CONCURRENTLY statements), so with the default `--runner lockstep` this rule never fires.',
      why: 'A rewrite or scan that takes far longer than on staging holds its ACCESS EXCLUSIVE or SHARE lock the whole time. A statement_timeout bounds the damage: the statement is cancelled and rolled back instead of blocking the app indefinitely.',
      fix: "Deploy with lockstep, or start the file with `SET statement_timeout = '10min';` (choose a bound that fits the statement).",
      bad: 'ALTER TABLE "Order" ADD COLUMN "note" TEXT;',
      good: 'SET statement_timeout = \'10min\';\nALTER TABLE "Order" ADD COLUMN "note" TEXT;',
      options: { runner: 'psql' },
    },
  },
  'statement_timeout',
);
