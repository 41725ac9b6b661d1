import { describeTarget } from '../db/postgres/connect.js';
import { embeddedDataDir, openEmbeddedDatabase } from '../db/postgres/embedded-session.js';
import { serveEmbedded } from '../db/postgres/embedded-server.js';
import { ExitCode, LockstepError } from '../errors.js';

/** The embedded database served to the app for its lifetime. */
export interface ServedEmbedded {
  /** The app's environment: lockstep's, with DATABASE_URL pointing at the served database. */
  env: NodeJS.ProcessEnv;
  /** What the app is given, for the `app-starting` line (no URL: only where it listens). */
  description: string;
  stop(): Promise<void>;
}

/**
 * `deploy --embedded -- <command>`: after the deploy, serves the project's embedded database over
 * the PostgreSQL protocol on a free loopback port and hands its URL to the app as DATABASE_URL,
 * so that a development app has a database with nothing to install. Stops when the app exits.
 */
export async function serveEmbeddedToApp(projectRoot: string, command: string): Promise<ServedEmbedded> {
  const dataDir = embeddedDataDir(projectRoot);
  let opened: Awaited<ReturnType<typeof openEmbeddedDatabase>> | undefined;
  try {
    opened = await openEmbeddedDatabase(dataDir);
    const server = await serveEmbedded(opened.db);
    const database = opened;
    return {
      env: { ...process.env, DATABASE_URL: server.url },
      description: `${describeTarget({ kind: 'embedded', dataDir })}, served on ${server.host}:${server.port} as DATABASE_URL`,
      async stop() {
        await server.close().catch(() => undefined);
        await database.close();
      },
    };
  } catch (error) {
    await opened?.close().catch(() => undefined);
    if (error instanceof LockstepError) throw error;
    throw new LockstepError({
      code: 'LS_EMBEDDED_SERVE',
      message: `The embedded database could not be served to the app: ${error instanceof Error ? error.message : String(error)}.`,
      state: 'The migrations were applied to the embedded database; the app was not started.',
      recovery: [
        `Run \`lockstep ${command}\` again, or point the app at a PostgreSQL server with DATABASE_URL and deploy without --embedded.`,
      ],
      exitCode: ExitCode.Usage,
      cause: error,
    });
  }
}
