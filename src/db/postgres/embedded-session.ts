import { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LockstepError, ExitCode } from '../../errors.js';
import type { PGlite } from '@electric-sql/pglite';
import { pgliteStartParams, restoreInitdbArchive } from './pglite-initdb-archive.js';
import { pgliteSession } from './pglite-session.js';
import type { PgSession } from './session.js';

/** Where the embedded database of a project lives. */
export function embeddedDataDir(projectRoot: string): string {
  return join(projectRoot, '.lockstep', 'pglite');
}

/**
 * The embedded database is a directory that one process may open at a time. A lock file with the
 * owner's pid keeps a second lockstep process out; a lock left by a dead process is taken over.
 */
function takeDirectoryLock(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new LockstepError({
          code: 'LS_EMBEDDED_BUSY',
          message: `The embedded database in ${dataDir} is in use by another lockstep process (pid ${owner}).`,
          state: 'Unchanged: lockstep did not open the embedded database.',
          recovery: [`Wait for process ${owner} to finish, then run the command again.`],
          exitCode: ExitCode.Blocked,
        });
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not take the lock file ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The project's embedded database, opened by this process alone until `close`. */
export interface OpenEmbeddedDatabase {
  db: PGlite;
  close(): Promise<void>;
}

export async function openEmbeddedDatabase(dataDir: string): Promise<OpenEmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const release = takeDirectoryLock(dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    // A new database is restored from the initdb archive shipped with lockstep instead of running
    // initdb (pglite-initdb-archive.ts); without the archive PGlite runs initdb as usual.
    if (!existsSync(join(dataDir, 'PG_VERSION')) && readdirSync(dataDir).length === 0) restoreInitdbArchive(dataDir);
    const db = await PGlite.create(dataDir, { startParams: pgliteStartParams(PGlite.defaultStartParams) });
    return {
      db,
      async close() {
        try {
          await db.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

export async function openEmbeddedSession(dataDir: string): Promise<PgSession> {
  const embedded = await openEmbeddedDatabase(dataDir);
  try {
    return await pgliteSession(embedded.db, () => embedded.close());
  } catch (error) {
    await embedded.close().catch(() => undefined);
    throw error;
  }
}
