import { displayIdent, isPgError, SQLSTATE, type PgSession } from '../db/postgres/session.js';
import { ExitCode, LockstepError } from '../errors.js';
import type { OrmHistory, OrmName } from '../orm/adapter.js';
import { redact } from '../util/redact.js';
import type { Workspace } from './workspace.js';

/** What a command does with the history table: read it (status), or also record in it (deploy, resolve, baseline). */
export type HistoryAccess = 'read' | 'write';

/** The table privileges each ORM's history needs to record migrations as its own tool does. */
const WRITE_PRIVILEGES: Record<OrmName, string[]> = {
  // Prisma updates rows: progress, finished_at, rolled_back_at.
  prisma: ['SELECT', 'INSERT', 'UPDATE'],
  drizzle: ['SELECT', 'INSERT'],
  typeorm: ['SELECT', 'INSERT'],
};

interface Grant {
  /** e.g. `INSERT, UPDATE on table public._prisma_migrations` */
  what: string;
  /** The GRANT that gives it. */
  sql: string;
}

/** `schema.table` (as displayIdent writes it) back into its two names. */
function splitQualified(qualified: string): { schema: string; table: string } {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < qualified.length; i++) {
    const ch = qualified[i]!;
    if (ch === '"') {
      if (quoted && qualified[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === '.' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.length > 1 ? { schema: parts[0]!, table: parts.slice(1).join('.') } : { schema: 'public', table: parts[0]! };
}

/** The privileges the session's role lacks for `access` to the history table (or to create it). */
async function missingGrants(
  session: PgSession,
  orm: OrmName,
  history: OrmHistory,
  access: HistoryAccess,
): Promise<{ role: string; grants: Grant[] }> {
  const { schema, table } = splitQualified(history.qualifiedName);
  const [facts] = await session.query<{
    role: string;
    schema_exists: boolean;
    schema_usage: boolean | null;
    schema_create: boolean | null;
    database_create: boolean;
    database: string;
    table_oid: string | null;
  }>(
    `SELECT current_user AS role, current_database() AS database,
            n.oid IS NOT NULL AS schema_exists,
            CASE WHEN n.oid IS NULL THEN NULL ELSE has_schema_privilege(n.oid, 'USAGE') END AS schema_usage,
            CASE WHEN n.oid IS NULL THEN NULL ELSE has_schema_privilege(n.oid, 'CREATE') END AS schema_create,
            has_database_privilege(current_database(), 'CREATE') AS database_create,
            (SELECT c.oid::text FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = $2) AS table_oid
       FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = $1`,
    [schema, table],
  );
  const role = facts?.role ?? 'current_user';
  const who = displayIdent(role);
  const grants: Grant[] = [];
  if (!facts) return { role, grants };
  const schemaName = displayIdent(schema);
  if (!facts.table_oid) {
    if (access === 'read') return { role, grants };
    if (!facts.schema_exists) {
      if (!facts.database_create)
        grants.push({
          what: `CREATE on database ${displayIdent(facts.database)} (to create schema ${schemaName})`,
          sql: `GRANT CREATE ON DATABASE ${displayIdent(facts.database)} TO ${who};`,
        });
    } else if (!facts.schema_create || !facts.schema_usage) {
      const privileges = [...(facts.schema_usage ? [] : ['USAGE']), ...(facts.schema_create ? [] : ['CREATE'])];
      grants.push({
        what: `${privileges.join(', ')} on schema ${schemaName} (to create ${history.qualifiedName})`,
        sql: `GRANT ${privileges.join(', ')} ON SCHEMA ${schemaName} TO ${who};`,
      });
    }
    return { role, grants };
  }
  if (facts.schema_usage === false)
    grants.push({ what: `USAGE on schema ${schemaName}`, sql: `GRANT USAGE ON SCHEMA ${schemaName} TO ${who};` });
  const wanted = access === 'read' ? ['SELECT'] : WRITE_PRIVILEGES[orm];
  const lacking = await session.query<{ privilege: string }>(
    `SELECT p AS privilege FROM unnest($2::text[]) WITH ORDINALITY AS w(p, i) WHERE NOT has_table_privilege($1::oid, p) ORDER BY i`,
    [facts.table_oid, wanted],
  );
  if (lacking.length > 0) {
    const list = lacking.map((l) => l.privilege).join(', ');
    grants.push({
      what: `${list} on table ${history.qualifiedName}`,
      sql: `GRANT ${list} ON ${history.qualifiedName} TO ${who};`,
    });
  }
  if (access === 'write') {
    // The id of Drizzle's and TypeORM's rows comes from a sequence the table owns.
    const sequences = await session.query<{ name: string }>(
      `SELECT s.oid::regclass::text AS name FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
        WHERE d.classid = 'pg_class'::regclass AND d.refobjid = $1::oid AND d.deptype IN ('a', 'i')
          AND CASE WHEN s.relkind = 'S' THEN NOT has_sequence_privilege(s.oid, 'USAGE') ELSE false END`,
      [facts.table_oid],
    );
    for (const sequence of sequences)
      grants.push({ what: `USAGE on sequence ${sequence.name}`, sql: `GRANT USAGE ON SEQUENCE ${sequence.name} TO ${who};` });
  }
  return { role, grants };
}

function privilegeError(
  workspace: Workspace,
  history: OrmHistory,
  role: string,
  grants: Grant[],
  cause?: unknown,
): LockstepError {
  const needs =
    workspace.command === 'status'
      ? 'to read the migration history'
      : `to record migrations in ${history.qualifiedName} as ${workspace.orm.orm} does`;
  return new LockstepError({
    code: 'LS_PERMISSION_DENIED',
    message: `The database role ${displayIdent(role)} lacks privileges that lockstep ${workspace.command} needs ${needs}: ${grants.map((g) => g.what).join('; ')}.`,
    state: 'Unchanged: lockstep stopped before changing anything.',
    recovery: [
      `As the owner of ${history.qualifiedName} (or a superuser), grant ${grants.length === 1 ? 'it' : 'them'}: ${grants.map((g) => g.sql).join(' ')}`,
      `Or run \`${workspace.cli(workspace.command)}\` as the role that owns the schema (the one that applied the earlier migrations).`,
    ],
    exitCode: ExitCode.Usage,
    ...(cause === undefined ? {} : { cause }),
    details: { role, missing: grants.map((g) => g.what), grants: grants.map((g) => g.sql) },
  });
}

/**
 * Before a command writes to the history: refuses, naming each missing privilege and the GRANT
 * that gives it, when the role could not record what it is about to do (instead of failing half
 * way, or leaving a migration applied without its history row).
 */
export async function requireHistoryPrivileges(
  session: PgSession,
  workspace: Workspace,
  history: OrmHistory,
  access: HistoryAccess,
): Promise<void> {
  if (session.kind === 'embedded') return;
  const { role, grants } = await missingGrants(session, workspace.orm.orm, history, access);
  if (grants.length > 0) throw privilegeError(workspace, history, role, grants);
}

/**
 * A "permission denied" (42501) that reached a command unexplained: named with the privileges
 * the role lacks on the history table, or else with PostgreSQL's own words and the object.
 */
export async function explainPermissionDenied(
  error: unknown,
  session: PgSession,
  workspace: Workspace,
  history: OrmHistory,
): Promise<unknown> {
  if (!isPgError(error) || error.code !== SQLSTATE.insufficientPrivilege) return error;
  await session.exec('ROLLBACK').catch(() => undefined);
  const access: HistoryAccess = workspace.command === 'status' ? 'read' : 'write';
  const found = await missingGrants(session, workspace.orm.orm, history, access).catch(() => undefined);
  if (found && found.grants.length > 0) return privilegeError(workspace, history, found.role, found.grants, error);
  const object = /permission denied for (\w+) (.+)$/.exec(error.message);
  return new LockstepError({
    code: 'LS_PERMISSION_DENIED',
    message: `PostgreSQL refused lockstep ${workspace.command}: ${redact(error.message)}.`,
    state: 'lockstep stopped at that point; `lockstep status` shows what is recorded.',
    recovery: [
      object
        ? `Grant the database role the privilege it needs on ${object[1]} ${object[2]} (GRANT ... ON ${object[1]!.toUpperCase()} ${object[2]} TO <role>), or run lockstep as the role that owns it.`
        : 'Run lockstep as the role that owns the schema, or grant the privilege PostgreSQL names.',
    ],
    exitCode: ExitCode.Usage,
    cause: error,
  });
}
