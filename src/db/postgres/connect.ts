import { relative } from 'node:path';
import { ExitCode, LockstepError } from '../../errors.js';
import { redact } from '../../util/redact.js';
import type { DatabaseUrl } from '../url.js';
import { openEmbeddedSession } from './embedded-session.js';
import { openNodeSession } from './node-session.js';
import { isPgError, SQLSTATE, type PgSession } from './session.js';

/** Where lockstep connects: a server reached through a URL, or the project's embedded database. */
export type PgTarget =
  | { kind: 'server'; url: DatabaseUrl /** e.g. "DATABASE_URL", "--url", "directUrl in prisma/schema.prisma" */; source: string }
  | { kind: 'embedded'; dataDir: string };

export function describeTarget(target: PgTarget): string {
  if (target.kind === 'embedded') {
    const shown = relative(process.cwd(), target.dataDir);
    return `the embedded PostgreSQL (PGlite) in ${shown && !shown.startsWith('..') ? shown : target.dataDir}`;
  }
  const { url } = target;
  return `database "${url.database}" on ${url.host}:${url.port}`;
}

export async function connectPostgres(target: PgTarget, applicationName: string, command: string): Promise<PgSession> {
  if (target.kind === 'embedded') return openEmbeddedSession(target.dataDir);
  try {
    return await openNodeSession(target.url, applicationName);
  } catch (error) {
    throw connectionError(error, target, command);
  }
}

/** A failure to open a session, as a LockstepError that names the server and the URL's source. */
export function connectionError(error: unknown, target: Extract<PgTarget, { kind: 'server' }>, command: string): LockstepError {
  const { url, source } = target;
  const where = `${url.host}:${url.port}`;
  const rerun = `then run \`lockstep ${command}\` again`;
  const fix = `Fix ${source}`;
  const state = 'Unchanged: lockstep could not open a session, so it changed nothing.';
  const make = (code: string, message: string, recovery: string[], exitCode: ExitCode = ExitCode.Usage) =>
    new LockstepError({ code, message, state, recovery, exitCode, cause: error });
  const sysCode = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = redact(error instanceof Error ? error.message : String(error));

  if (isPgError(error)) {
    switch (error.code) {
      case SQLSTATE.invalidPassword:
        return make('LS_AUTH_FAILED', `PostgreSQL at ${where} rejected the password for user "${url.user}".`, [
          `${fix} with the right password for "${url.user}", ${rerun}.`,
        ]);
      case SQLSTATE.invalidAuthorization:
        return make('LS_AUTH_REFUSED', `PostgreSQL at ${where} refused the login of user "${url.user}": ${text}.`, [
          `Check that the role "${url.user}" exists and may log in from this host (pg_hba.conf), ${rerun}.`,
        ]);
      case SQLSTATE.invalidCatalogName:
        return make('LS_DATABASE_MISSING', `The database "${url.database}" does not exist on ${where}.`, [
          `Create it: createdb -h ${url.host} -p ${url.port} -U ${url.user} ${url.database}`,
          `or fix the database name in ${source}, ${rerun}.`,
        ]);
      case SQLSTATE.tooManyConnections:
        return make('LS_NO_CONNECTION_SLOTS', `PostgreSQL at ${where} has no free connection slot: ${text}.`, [
          `Lower the connection pools of the running app (e.g. connection_limit in its URL) or raise max_connections, ${rerun}.`,
        ]);
      case SQLSTATE.cannotConnectNow:
      case SQLSTATE.adminShutdown:
        return make('LS_SERVER_UNAVAILABLE', `PostgreSQL at ${where} is not accepting connections: ${text}.`, [
          `Wait until the server is up, ${rerun}.`,
        ]);
      default:
        return make(
          'LS_CONNECT_FAILED',
          `Could not open a session on PostgreSQL at ${where}: ${text} (SQLSTATE ${error.code}).`,
          [`${fix}, ${rerun}.`],
        );
    }
  }
  switch (sysCode) {
    case 'ECONNREFUSED':
      return make(
        'LS_CONNECT_REFUSED',
        `Could not connect to PostgreSQL at ${where}: the connection was refused (no server is listening there).`,
        [`Start the server, or fix ${source} to point at it, ${rerun}.`],
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make('LS_HOST_UNKNOWN', `Could not connect to PostgreSQL: the host name "${url.host}" does not resolve.`, [
        `${fix}, ${rerun}.`,
      ]);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return make('LS_CONNECT_TIMEOUT', `Could not reach PostgreSQL at ${where} (${sysCode}).`, [
        `Check the network path and firewall to ${where}, ${rerun}.`,
      ]);
    default:
      break;
  }
  if (/timeout/i.test(text)) {
    return make('LS_CONNECT_TIMEOUT', `PostgreSQL at ${where} did not answer in time (${text}).`, [
      `Check the network path to ${where} or raise connect_timeout in the URL, ${rerun}.`,
    ]);
  }
  if (/ssl/i.test(text)) {
    return make('LS_SSL', `The TLS handshake with PostgreSQL at ${where} failed: ${text}.`, [
      `Set sslmode in the URL to what the server supports (disable, require, verify-full), ${rerun}.`,
    ]);
  }
  return make('LS_CONNECT_FAILED', `Could not connect to PostgreSQL at ${where}: ${text}.`, [`${fix}, ${rerun}.`]);
}
