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
}

const SKIPPED = new Set(['node_modules', 'dist', 'build', 'coverage', 'out', 'target', 'vendor', 'tmp']);
/** A project's own ORM folders are not packages of their own. */
const ORM_FOLDERS = new Set(['prisma', 'drizzle', 'migrations', 'migration']);
const MAX_DEPTH = 4;
const MAX_DIRECTORIES = 2000;

/**
 * Directories below `root` (a few levels deep, never node_modules, build output or hidden
 * directories) where `orm`'s own files are: a schema, a config file, a migrations folder. Used to
 * tell someone who ran lockstep at a monorepo's root which package to pass with --project.
 */
export function findSubProjects(root: string, orm: OrmName): SubProject[] {
  const found: SubProject[] = [];
  let visited = 0;
  const queue: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 0 }];
  while (queue.length > 0 && visited < MAX_DIRECTORIES) {
    const { dir, depth } = queue.shift()!;
    visited++;
    if (dir !== root) {
      const files = detectOrms(dir)
        .filter((d) => d.orm === orm)
        .flatMap((d) => d.evidence)
        .filter((e) => !e.startsWith('package.json'));
      if (files.length > 0) {
        found.push({ dir: relative(root, dir), evidence: files });
        continue;
      }
    }
    if (depth >= MAX_DEPTH) continue;
    let entries;
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
