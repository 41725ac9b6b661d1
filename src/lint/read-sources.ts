/**
 * Reads the files `lockstep lint` was given: paths, directories (their `.sql` files, recursively)
 * and `-` for stdin. A file that is missing, unreadable, not UTF-8 or holds a NUL byte stops the run with a usage
 * error (exit 2) that names every such file; nothing is linted half.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { nulByteProblem } from '../util/sql-text.js';
import { firstInvalidUtf8 } from '../util/sql-text.js';
import type { LintSource } from './types.js';

export const STDIN = '-';

export interface ReadOptions {
  /** The content of stdin, when `-` is among the paths. */
  stdin?: () => Promise<Buffer>;
  stdinFilename?: string;
  /** Directory that relative paths are resolved against (default: the current directory). */
  cwd?: string;
}

export async function readSources(paths: string[], options: ReadOptions = {}): Promise<LintSource[]> {
  const cwd = options.cwd ?? process.cwd();
  const sources: LintSource[] = [];
  const problems: string[] = [];
  for (const given of paths) {
    if (given === STDIN) {
      const name = options.stdinFilename ?? '<stdin>';
      const bytes = options.stdin ? await options.stdin() : Buffer.alloc(0);
      const text = decode(bytes, name, problems);
      if (text !== undefined) sources.push({ path: name, sql: text });
      continue;
    }
    const absolute = isAbsolute(given) ? given : resolve(cwd, given);
    let files: string[];
    try {
      files = statSync(absolute).isDirectory() ? sqlFilesUnder(absolute) : [absolute];
    } catch (error) {
      problems.push(
        `${given} ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`}`,
      );
      continue;
    }
    if (files.length === 0) problems.push(`${given} is a directory with no .sql files`);
    for (const file of files) {
      const shown = displayPath(file, cwd);
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        problems.push(`${shown} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        continue;
      }
      const text = decode(bytes, shown, problems);
      if (text !== undefined) sources.push({ path: shown, sql: text });
    }
  }
  if (problems.length > 0) {
    throw usageError(
      'LS_LINT_FILE',
      problems.length === 1
        ? `Cannot lint: ${problems[0]}.`
        : `Cannot lint ${problems.length} files:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      ['Fix the paths or the files named above (save SQL files as UTF-8), then run `lockstep lint` again.'],
      { problems },
    );
  }
  return sources;
}

function decode(bytes: Buffer, name: string, problems: string[]): string | undefined {
  const text = bytes.toString('utf8');
  const invalid = firstInvalidUtf8(bytes, text);
  if (invalid === undefined) {
    const nul = nulByteProblem(name, text);
    if (nul) problems.push(nul);
    return nul ? undefined : text;
  }
  let line = 1;
  for (let i = 0; i < invalid; i++) if (bytes[i] === 10) line++;
  problems.push(
    `${name} is not valid UTF-8: the first invalid byte is at offset ${invalid} (line ${line}); save the file as UTF-8`,
  );
  return undefined;
}

/** The `.sql` files under a directory, in path order (by code unit, as Prisma orders a migrations folder). */
function sqlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const visit = (current: string) => {
    const entries = readdirSync(current, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() && entry.name.endsWith('.sql')) out.push(path);
    }
  };
  visit(dir);
  return out;
}

/** A path as findings show it: relative to the current directory when below it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
