import { afterEach, describe, expect, it } from 'vitest';
import { openNodeSession } from '../../src/db/postgres/node-session.js';
import { openScratchPglite } from '../../src/db/postgres/scratch-pglite.js';
import { execScript, type PgSession, type ScriptProgress } from '../../src/db/postgres/session.js';
import { parseDatabaseUrl } from '../../src/db/url.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

const SCRIPT = [
  'BEGIN',
  "SET LOCAL statement_timeout = '5s'",
  'CREATE TABLE t (id integer) -- a comment at the end of the statement',
  'INSERT INTO t VALUES (1)',
  'INSERT INTO missing_table VALUES (1)',
  'INSERT INTO t VALUES (2)',
  'COMMIT',
];

describe('execScript', () => {
  let db: TestDatabase | undefined;
  let session: PgSession | undefined;
  afterEach(async () => {
    await session?.close();
    await db?.drop();
    session = db = undefined;
  });

  const sessions: Array<[string, () => Promise<PgSession>]> = [
    [
      'a PostgreSQL server (one round trip)',
      async () => {
        db = await freshDatabase();
        return openNodeSession(parseDatabaseUrl(db.url), 'lockstep-test');
      },
    ],
    ['PGlite (statement by statement)', () => openScratchPglite()],
  ];

  for (const [name, open] of sessions) {
    it(`on ${name}: runs every statement, and on an error says how many completed before it`, async () => {
      session = await open();
      const progress: ScriptProgress = { completed: 0 };
      await execScript(session, [...SCRIPT.slice(0, 4), 'COMMIT'], progress);
      expect(progress.completed).toBe(5);
      expect(await session.query('SELECT id FROM t')).toEqual([{ id: 1 }]);

      await session.exec('DROP TABLE t');
      const failed = await execScript(session, SCRIPT, progress).catch((error: unknown) => error);
      expect(failed).toMatchObject({ code: '42P01' });
      expect(progress.completed).toBe(4);
      await session.exec('ROLLBACK');
      expect(await session.query(`SELECT to_regclass('t') IS NULL AS gone`)).toEqual([{ gone: true }]);
    });
  }
});
