/**
 * The allowed imports of docs/architecture.md, checked on the source: a new import that points up
 * the layers (an ORM format reaching into a command, a command into another command's internals, a
 * database folder into an ORM) fails here instead of waiting for a review. The imports that break
 * the layering today are listed one by one below; the dialect-seam work removes them, and this test
 * fails when one is gone and still listed, so the list only shrinks.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/project.js';

const SRC = join(REPO_ROOT, 'src');
const COMMANDS = ['deploy', 'lint', 'doctor', 'drift'];

/** Which top-level folders a folder must not import. */
const NEVER: Record<string, string[]> = {
  orm: [...COMMANDS, 'cli', 'report'],
  lint: ['orm', 'deploy', 'doctor', 'drift', 'cli'],
  drift: ['deploy', 'doctor', 'lint', 'cli'],
  doctor: ['deploy', 'drift', 'cli'],
  db: ['orm', 'project', ...COMMANDS, 'cli', 'report'],
  sql: ['orm', 'project', ...COMMANDS, 'cli', 'report'],
  project: [...COMMANDS, 'cli', 'report'],
  util: ['orm', 'project', 'db', 'sql', ...COMMANDS, 'cli', 'report', 'audit', 'config'],
};

/** Database drivers and parsers: only the PostgreSQL folders speak to them. */
const DRIVER = /^(pg|pg-[a-z-]+|@electric-sql\/pglite(\/.*)?|libpg-query(\/.*)?)$/;
const DRIVER_FOLDERS = ['db/postgres/', 'sql/postgres/'];

/** Today's exceptions, each an import `from -> to` (paths below src/). */
const KNOWN = new Set([
  'orm/adapter.ts -> deploy/apply-migration.ts',
  'orm/adapter.ts -> deploy/events.ts',
  'orm/adapter.ts -> deploy/settings.ts',
  'orm/drizzle/history.ts -> deploy/apply-migration.ts',
  'orm/prisma/history.ts -> deploy/apply-migration.ts',
  'orm/typeorm/adapter.ts -> deploy/apply-migration.ts',
  'orm/typeorm/connection-lost.ts -> deploy/apply-migration.ts',
  'orm/typeorm/connection-lost.ts -> deploy/retry.ts',
  'orm/typeorm/history.ts -> deploy/apply-migration.ts',
  'orm/typeorm/runner.ts -> deploy/apply-migration.ts',
  'orm/typeorm/runner.ts -> deploy/events.ts',
  'orm/typeorm/runner.ts -> deploy/prepare.ts',
  'orm/typeorm/runner.ts -> deploy/retry.ts',
  'orm/typeorm/runner.ts -> deploy/settings.ts',
  'lint/lint.ts -> orm/adapter.ts',
  'lint/project-files.ts -> deploy/options.ts',
  'lint/project-files.ts -> deploy/workspace.ts',
  'lint/project-files.ts -> orm/adapter.ts',
  'drift/drift.ts -> deploy/options.ts',
  'drift/drift.ts -> deploy/workspace.ts',
  'drift/settings.ts -> deploy/options.ts',
  'drift/verify.ts -> deploy/options.ts',
  'drift/verify.ts -> deploy/workspace.ts',
  'lint/file-linter.ts -> libpg-query',
  'lint/parse.ts -> libpg-query',
  'lint/rule.ts -> libpg-query',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every static import, re-export and dynamic import of a string, as `from -> to`. */
function imports(): Array<{ from: string; to: string; isPackage: boolean }> {
  const found: Array<{ from: string; to: string; isPackage: boolean }> = [];
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file);
    for (const match of readFileSync(file, 'utf8').matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      const spec = (match[1] ?? match[2])!;
      if (spec.startsWith('.'))
        found.push({ from, to: relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'), isPackage: false });
      else found.push({ from, to: spec, isPackage: true });
    }
  }
  return found;
}

const top = (path: string) => path.split('/')[0]!.replace(/\.ts$/, '');

describe('the layering of docs/architecture.md', () => {
  const all = imports();
  const violations = new Set<string>();
  for (const { from, to, isPackage } of all) {
    if (isPackage) {
      if (DRIVER.test(to) && !DRIVER_FOLDERS.some((folder) => from.startsWith(folder))) violations.add(`${from} -> ${to}`);
    } else if (NEVER[top(from)]?.includes(top(to))) {
      violations.add(`${from} -> ${to}`);
    }
  }

  it('reads the imports of the source', () => {
    expect(all.length).toBeGreaterThan(500);
  });

  it('has no import that points up the layers, other than the listed ones', () => {
    const unlisted = [...violations].filter((v) => !KNOWN.has(v));
    expect(unlisted, 'move the shared piece down a layer (see docs/architecture.md) instead of importing up').toEqual([]);
  });

  it('lists no exception that is gone (remove it from KNOWN)', () => {
    expect([...KNOWN].filter((k) => !violations.has(k))).toEqual([]);
  });
});
