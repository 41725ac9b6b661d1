import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The tsconfig.json that a TypeScript loader started in the project's folder uses: the one in that
 * folder, else the nearest one above it (a monorepo's root), as tsc, ts-node (the typeorm CLI's
 * loader) and tsx find it. Its `extends` chain, `paths` and `baseUrl` apply to every file lockstep
 * loads from the project.
 */
export function projectTsconfig(root: string): string | undefined {
  let dir = resolve(root);
  for (;;) {
    const file = join(dir, 'tsconfig.json');
    if (existsSync(file) && statSync(file).isFile()) return file;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
