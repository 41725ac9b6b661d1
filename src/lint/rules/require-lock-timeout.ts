import { timeoutRule } from '../timeout-rule.js';

export const requireLockTimeout = timeoutRule(
  {
    id: 'require-lock-timeout',
    severity: 'warning',
    category: 'locking',
    summary: 'a lock-taking statement with no lock_timeout, when the runner does not set one',
    why: 'A DDL statement that waits for its lock makes every later query on the table wait behind it: a full outage caused by a one-millisecond change.',
    fix: "Deploy with lockstep (it sets lock_timeout and retries), or start the file with SET lock_timeout = '2s'.",
    sizeGraded: false,
    equivalents: { squawk: ['require-lock-timeout', 'require-timeout-settings'] },
    doc: {
      what: 'The first statement of a file that takes a table lock (DDL, LOCK, TRUNCATE, REINDEX, ...) when no `SET lock_timeout` comes before it, and the runner does not set one. lockstep deploy sets lock_timeout itself (default 2s, retried with backoff), so with the default `--runner lockstep` this rule never fires; it does for `--runner prisma|drizzle|typeorm|psql`.',
      why: 'PostgreSQL grants locks in order. An ALTER that waits behind a long-running query holds its place in the queue, and every query that arrives after it waits too, even plain SELECTs: the table is unavailable until the long query ends. A lock_timeout makes the ALTER give up instead, so it can be retried.',
      fix: "Deploy with lockstep, which sets lock_timeout and statement_timeout on every migration and retries when a lock is not granted. With another runner, start the file with `SET lock_timeout = '2s';` and retry failed deploys.",
      bad: 'ALTER TABLE "Order" ADD COLUMN "note" TEXT;',
      good: 'SET lock_timeout = \'2s\';\nALTER TABLE "Order" ADD COLUMN "note" TEXT;',
      options: { runner: 'prisma' },
    },
  },
  'lock_timeout',
);
