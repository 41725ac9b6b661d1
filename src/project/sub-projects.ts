import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { OrmName } from '../orm/adapter.js';
import { detectOrms } from './detect.js';

/** A directory below the project that holds a project of the same ORM (a package of a monorepo). */
export interface SubProject {
  /** Relative to the searched directory, e.g. `packages/db`. */
  dir: string;
  /** Its schema, config and migration files (not mere dependencies). */
  evidence: string[];
  /** The ORM those files belong to. */
  orm: OrmName;
}

const SKIPPED = new Set(['node_modules', 'dist', 'build', 'coverage', 'out', 'target', 'vendor', 'tmp']);
/** A project's own ORM folders are not packages of their own. */
const ORM_FOLDERS = new Set(['prisma', 'drizzle', 'migrations', 'migration']);
const MAX_DEPTH = 4;
const MAX_DIRECTORIES = 2000;

/**
 * Directories below `root` (a few levels deep, never node_modules, build output or hidden
 * directories) where `orm`'s own files are (any ORM's when `orm` is not given): a schema, a config
 * file, a migrations folder. Used to tell someone who ran lockstep at a monorepo's root which
 * package to pass with --project.
 */
export function findSubProjects(root: string, orm?: OrmName): SubProject[] {
  const found: SubProject[] = [];
  let visited = 0;
  const queue: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 0 }];
  while (queue.length > 0 && visited < MAX_DIRECTORIES) {
    const { dir, depth } = queue.shift()!;
    visited++;
    if (dir !== root) {
      const held = detectOrms(dir)
        .filter((d) => orm === undefined || d.orm === orm)
        .map((d) => ({ orm: d.orm, evidence: d.evidence.filter((e) => !e.startsWith('package.json')) }))
        .filter((d) => d.evidence.length > 0);
      for (const d of held) found.push({ dir: relative(root, dir), evidence: d.evidence, orm: d.orm });
      if (held.length > 0) continue;
    }
    if (depth >= MAX_DEPTH) continue;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
      if (ORM_FOLDERS.has(entry.name)) continue;
      queue.push({ dir: join(dir, entry.name), depth: depth + 1 });
    }
  }
  return found;
}
