import { mkdirSync, openAsBlob, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgliteStartParams, pgliteVersion, shippedInitdbTar } from './pglite-initdb-archive.js';
import { pgliteSession } from './pglite-session.js';
import type { PgSession } from './session.js';

import type { Extension as PGliteExtension, PGlite } from '@electric-sql/pglite';

type PGliteModule = typeof import('@electric-sql/pglite');

/** Where lockstep keeps files it can rebuild at any time: LOCKSTEP_CACHE_DIR, else $XDG_CACHE_HOME/lockstep or ~/.cache/lockstep. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LOCKSTEP_CACHE_DIR) return env.LOCKSTEP_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : join(tmpdir(), 'lockstep-cache'));
  return join(base, 'lockstep');
}

/**
 * A freshly initialised PGlite data directory, as a tar archive. Creating an in-memory PGlite runs
 * initdb (seconds); loading this archive instead takes a fraction of that. The archive is kept,
 * uncompressed, in the cache directory, once per PGlite version: taken from the one shipped in dist
 * (compressed), or without it (a source checkout) made by running initdb once. When the cache cannot
 * be written, every start decompresses the shipped archive or pays for initdb, and nothing else
 * changes.
 */
async function initialDataDir(pglite: PGliteModule): Promise<Blob | undefined> {
  const file = join(cacheDir(), `pglite-${pgliteVersion()}-initdb.tar`);
  try {
    // Backed by the file, not copied into memory: PGlite reads it once, while it unpacks it.
    return await openAsBlob(file);
  } catch {
    /* not cached yet */
  }
  const keep = (bytes: Buffer) => {
    try {
      mkdirSync(cacheDir(), { recursive: true });
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, bytes);
      renameSync(partial, file);
    } catch {
      rmSync(`${file}.${process.pid}.tmp`, { force: true });
    }
    return new Blob([bytes]);
  };
  const shipped = shippedInitdbTar();
  if (shipped) return keep(shipped);
  const db = await pglite.PGlite.create();
  try {
    const dump = await db.dumpDataDir('none');
    return keep(Buffer.from(await dump.arrayBuffer()));
  } catch {
    return undefined;
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** The name of PGlite's module for an extension (`uuid-ossp` → `uuid_ossp`), as its contrib folder names them. */
const moduleName = (extension: string) => extension.replace(/-/g, '_');

/** Extensions built into every PostgreSQL, which need no module. */
const BUILT_IN = new Set(['plpgsql']);

/**
 * Loads PGlite's module for each extension; returns the loaded ones and the names PGlite does not
 * ship (those need a real server: `--shadow-url`).
 */
export async function pgliteExtensions(
  names: Iterable<string>,
): Promise<{ loaded: Record<string, PGliteExtension>; unavailable: string[] }> {
  const loaded: Record<string, PGliteExtension> = {};
  const unavailable: string[] = [];
  for (const name of new Set(names)) {
    if (BUILT_IN.has(name)) continue;
    const module = moduleName(name);
    try {
      const exported = (await import(`@electric-sql/pglite/contrib/${module}`)) as Record<string, PGliteExtension>;
      const extension = exported[module];
      if (extension) loaded[module] = extension;
      else unavailable.push(name);
    } catch {
      unavailable.push(name);
    }
  }
  return { loaded, unavailable: unavailable.sort() };
}

/**
 * The scratch database holds a replayed schema and no data, and is thrown away: its buffer cache
 * is small (PostgreSQL's default of 128 MB would be allocated inside this process). Added to
 * PGlite's own start parameters; nothing here changes what the replayed statements do.
 */
const SCRATCH_PARAMETERS = ['-c', 'shared_buffers=16MB'];

/**
 * An empty PostgreSQL running in this process (PGlite, in memory), for replaying migrations: no
 * server, no CREATEDB privilege, gone when closed.
 */
export async function openScratchPglite(extensions: Record<string, PGliteExtension> = {}): Promise<PgSession> {
  const pglite = await import('@electric-sql/pglite');
  const loadDataDir = await initialDataDir(pglite);
  const db: PGlite = await pglite.PGlite.create({
    ...(loadDataDir ? { loadDataDir } : {}),
    extensions,
    // The scratch database's own, smaller cache comes last and wins.
    startParams: [...pgliteStartParams(pglite.PGlite.defaultStartParams), ...SCRATCH_PARAMETERS],
  });
  return pgliteSession(db, async () => {
    await db.close().catch(() => undefined);
  });
}
