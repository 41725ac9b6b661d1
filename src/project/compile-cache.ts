import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';

/** What a jiti transform is given and returns. */
export interface TransformInput {
  source: string;
  filename?: string;
  async?: boolean;
  interopDefault?: boolean;
  jsx?: unknown;
  ts?: boolean;
}
export type Transform = (input: TransformInput) => { code: string };

/** Bumped when the cache's layout or what lockstep does around a transform changes. */
const FORMAT = 1;

/**
 * Compiled TypeScript kept between runs, so that a deploy or status with nothing new to compile
 * does not load the compiler at all (loading TypeScript and compiling 50 migrations cost about
 * 1.5 s on every start).
 *
 * The cache lives in `node_modules/.cache/lockstep/` of the project (the nearest node_modules
 * folder at or above it), where build tools keep theirs: it is ignored wherever node_modules is
 * (git, Docker builds), a clean install (which may bring another compiler) empties it, and it
 * never mixes with `.lockstep/`, which holds data (the embedded database). Without a node_modules
 * folder, or where it is read-only (a production image), nothing is cached and every run compiles.
 *
 * An entry is found by a SHA-256 of everything the output depends on: the transform and its
 * version, the compiler options, the file's extension, the loader's flags and the source text.
 * Any change to one of them is a different entry, so a stale output is never used. Entries are
 * written to a temporary name and renamed, so a reader never sees half a file.
 */
export class CompileCache {
  private constructor(readonly dir: string) {}

  static forProject(root: string): CompileCache | undefined {
    if (process.env.LOCKSTEP_COMPILE_CACHE === '0') return undefined;
    const nodeModules = nearestNodeModules(root);
    return nodeModules ? new CompileCache(join(nodeModules, '.cache', 'lockstep', 'compiled')) : undefined;
  }

  /**
   * `transform` with its results kept here. `identity` names the transform and everything besides
   * the input that changes its output (its version, the compiler options).
   */
  wrap(transform: Transform, identity: string): Transform {
    return (input) => {
      const key = this.key(identity, input);
      const cached = this.read(key);
      if (cached !== undefined) return { code: cached };
      const result = transform(input);
      // jiti's Babel transform reports a syntax error as code that throws it: compiled again next time.
      if (!result.code.includes('__JITI_ERROR__')) this.write(key, result.code);
      return result;
    };
  }

  private key(identity: string, input: TransformInput): string {
    const flags = JSON.stringify([
      input.filename ? extname(input.filename) : '',
      input.async,
      input.interopDefault,
      input.jsx,
      input.ts,
    ]);
    return createHash('sha256').update(`${FORMAT}\0${identity}\0${flags}\0${input.source}`).digest('hex');
  }

  private file(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key.slice(2)}.js`);
  }

  private read(key: string): string | undefined {
    try {
      return readFileSync(this.file(key), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Best effort: a cache that cannot be written (read-only, full) only means compiling next time too. */
  private write(key: string, code: string): void {
    const file = this.file(key);
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(temporary, code);
      renameSync(temporary, file);
    } catch {
      try {
        rmSync(temporary, { force: true });
      } catch {
        /* nothing more to do */
      }
    }
  }
}

function nearestNodeModules(root: string): string | undefined {
  let dir = resolve(root);
  for (;;) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
