import { connectionError } from '../db/postgres/connect.js';
import { openNodeSession } from '../db/postgres/node-session.js';
import { openScratchPglite, pgliteExtensions } from '../db/postgres/scratch-pglite.js';
import { quoteIdent, type PgSession } from '../db/postgres/session.js';
import type { DatabaseUrl } from '../db/url.js';
import { ExitCode, LockstepError } from '../errors.js';

/** Where the history is replayed: PGlite in this process, or an empty scratch database on a server (`--shadow-url`). */
export type ReplayTarget = { kind: 'pglite' } | { kind: 'shadow'; url: DatabaseUrl };

/** A database that holds nothing but the replayed history, for the length of one check. */
export interface ScratchDatabase {
  session: PgSession;
  /** For messages: `PGlite (PostgreSQL 18.1, in this process)` or `the shadow database "x" on host:port`. */
  description: string;
  target: ReplayTarget;
  /** Extensions the migrations create that this database cannot provide (PGlite lacks them). */
  unavailableExtensions: string[];
  close(): Promise<void>;
}

const versionText = (num: number) => `${Math.floor(num / 10000)}.${num % 10000}`;

export async function openScratch(target: ReplayTarget, extensions: string[]): Promise<ScratchDatabase> {
  if (target.kind === 'pglite') {
    const { loaded, unavailable } = await pgliteExtensions(extensions);
    const session = await openScratchPglite(loaded);
    return {
      session,
      description: `PGlite (PostgreSQL ${versionText(session.serverVersion)}, in this process)`,
      target,
      unavailableExtensions: unavailable,
      close: () => session.close(),
    };
  }
  const { url } = target;
  let session: PgSession;
  try {
    session = await openNodeSession(url, 'lockstep drift (shadow database)');
  } catch (error) {
    throw connectionError(error, { kind: 'server', url, source: '--shadow-url' }, 'drift');
  }
  const description = `the shadow database "${url.database}" on ${url.host}:${url.port}`;
  try {
    const contents = await userObjects(session);
    if (contents.length > 0) {
      throw new LockstepError({
        code: 'LS_SHADOW_NOT_EMPTY',
        message: `${description} (--shadow-url) is not empty: it has ${contents.slice(0, 5).join(', ')}${contents.length > 5 ? `, and ${contents.length - 5} more` : ''}. lockstep replays the migration history into an empty database and empties it again afterwards, so it never uses one that holds anything.`,
        state: `Unchanged: lockstep changed nothing in the live database or in ${description}.`,
        recovery: [
          `Point --shadow-url at a new, empty database (for example: createdb -h ${url.host} -p ${url.port} -U ${url.user} ${url.database}_shadow), then run \`lockstep drift\` again.`,
        ],
        exitCode: ExitCode.Usage,
      });
    }
  } catch (error) {
    await session.close();
    throw error;
  }
  return {
    session,
    description,
    target,
    unavailableExtensions: [],
    close: async () => {
      await emptyDatabase(session).catch(() => undefined);
      await session.close();
    },
  };
}

/** Schemas, objects in public and extensions that a new database does not have. */
async function userObjects(session: PgSession): Promise<string[]> {
  const rows = await session.query<{ what: string }>(
    `SELECT 'schema ' || nspname AS what FROM pg_namespace
      WHERE nspname NOT IN ('public', 'pg_catalog', 'information_schema', 'pg_toast') AND nspname !~ '^pg_(toast_)?temp_'
     UNION ALL
     SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'
     UNION ALL
     SELECT CASE c.relkind WHEN 'S' THEN 'sequence ' WHEN 'v' THEN 'view ' WHEN 'm' THEN 'view ' ELSE 'table ' END || 'public.' || c.relname
       FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
     UNION ALL
     SELECT 'type public.' || t.typname FROM pg_type t
      WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'c', 'r') AND (t.typrelid = 0 OR t.typtype <> 'c')
     UNION ALL
     SELECT 'function public.' || p.proname FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace`,
  );
  return rows.map((r) => r.what);
}

/** Drops everything the replay created, so that the shadow database is empty again. */
async function emptyDatabase(session: PgSession): Promise<void> {
  await session.exec('ROLLBACK').catch(() => undefined);
  const extensions = await session.query<{ name: string }>(`SELECT extname AS name FROM pg_extension WHERE extname <> 'plpgsql'`);
  for (const e of extensions) await session.exec(`DROP EXTENSION IF EXISTS ${quoteIdent(e.name)} CASCADE`);
  const schemas = await session.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace WHERE nspname NOT IN ('public', 'pg_catalog', 'information_schema', 'pg_toast') AND nspname !~ '^pg_(toast_)?temp_'`,
  );
  for (const s of schemas) await session.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(s.name)} CASCADE`);
  const objects = await session.query<{ sql: string }>(
    `SELECT format('DROP %s IF EXISTS public.%I CASCADE', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.relname) AS sql
       FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT c.relispartition
     UNION ALL
     SELECT format('DROP TYPE IF EXISTS public.%I CASCADE', t.typname) FROM pg_type t
      WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'r')
     UNION ALL
     SELECT format('DROP ROUTINE IF EXISTS public.%I(%s) CASCADE', p.proname, pg_get_function_identity_arguments(p.oid)) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace`,
  );
  for (const o of objects) await session.exec(o.sql);
}
