import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** The project's tsconfig.json and its compiler options, merged along its `extends` chain. */
export interface ProjectTsconfig {
  file: string;
  /** Undefined when the file cannot be read as a tsconfig (the compiler then reports what is wrong). */
  compilerOptions: Record<string, unknown> | undefined;
}

/**
 * The tsconfig.json that a TypeScript loader started in the project's folder uses: the one in that
 * folder, else the nearest one above it (a monorepo's root), as tsc, ts-node (the typeorm CLI's
 * loader) and tsx find it. Its `extends` chain, `paths` and `baseUrl` apply to every file lockstep
 * loads from the project.
 */
export function projectTsconfig(root: string): ProjectTsconfig | undefined {
  const file = findTsconfig(root);
  if (!file) return undefined;
  const { parseTsconfig } = createRequire(import.meta.url)('get-tsconfig') as typeof import('get-tsconfig');
  try {
    return { file, compilerOptions: (parseTsconfig(file).compilerOptions ?? {}) as Record<string, unknown> };
  } catch {
    return { file, compilerOptions: undefined };
  }
}

/** What of the tsconfig decides compiled output, for a cache key: the merged compiler options, else the file's text. */
export function tsconfigIdentity(tsconfig: ProjectTsconfig | undefined): string {
  if (!tsconfig) return 'no tsconfig';
  return tsconfig.compilerOptions ? JSON.stringify(tsconfig.compilerOptions) : readFileSync(tsconfig.file, 'utf8');
}

/**
 * The tsconfig to resolve imports with (`paths`, `baseUrl`), when it has either. A loader told to
 * resolve through a tsconfig reads it again for every module it loads, so one without them is not
 * passed on.
 */
export function tsconfigForPaths(tsconfig: ProjectTsconfig | undefined): string | undefined {
  const options = tsconfig?.compilerOptions;
  if (!tsconfig || (options && options.paths === undefined && options.baseUrl === undefined)) return undefined;
  return tsconfig.file;
}

function findTsconfig(root: string): string | undefined {
  let dir = resolve(root);
  for (;;) {
    const file = join(dir, 'tsconfig.json');
    if (existsSync(file) && statSync(file).isFile()) return file;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
