import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TextFile } from './text-file.js';

/** Directories that are never part of what the project ships or configures (test fixtures are other projects). */
const SKIPPED_DIRS = new Set([
  'node_modules',
  'fixtures',
  '__fixtures__',
  '.git',
  '.hg',
  '.svn',
  '.lockstep',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.cache',
  '.vercel',
  '.netlify',
  '.sst',
  '.serverless',
  '.yarn',
  '.pnpm-store',
  'coverage',
  '.nyc_output',
  '.idea',
  '.vscode',
]);
const MAX_FILES = 200_000;
/** Files larger than this are not read as text (bundles, dumps). */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;

/**
 * Every file and directory under the scanned root, listed once (paths relative to the root,
 * `/`-separated), and each text file read at most once.
 */
export class FileIndex {
  readonly files: string[] = [];
  readonly dirs = new Set<string>(['']);
  private readonly fileSet = new Set<string>();
  private readonly texts = new Map<string, TextFile | undefined>();

  constructor(readonly root: string) {
    this.walk('');
    this.files.sort();
  }

  private walk(dir: string): void {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(join(this.root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (this.files.length >= MAX_FILES) return;
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name)) continue;
        this.dirs.add(rel);
        this.walk(rel);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        this.files.push(rel);
        this.fileSet.add(rel);
      }
    }
  }

  has(path: string): boolean {
    return this.fileSet.has(path);
  }

  isDir(path: string): boolean {
    return this.dirs.has(path);
  }

  exists(path: string): boolean {
    return this.fileSet.has(path) || this.dirs.has(path);
  }

  /** Files under a directory ('' for all). */
  under(dir: string): string[] {
    if (dir === '') return this.files;
    const prefix = `${dir}/`;
    return this.files.filter((f) => f.startsWith(prefix));
  }

  /** The file's text, read once; undefined when it is missing, unreadable, binary or too large. */
  read(path: string): TextFile | undefined {
    if (this.texts.has(path)) return this.texts.get(path);
    let text: TextFile | undefined;
    try {
      const full = join(this.root, path);
      if (statSync(full).size <= MAX_TEXT_BYTES) {
        const content = readFileSync(full, 'utf8');
        if (!content.includes('\u0000')) text = new TextFile(path, content);
      }
    } catch {
      text = undefined;
    }
    this.texts.set(path, text);
    return text;
  }

  /** Files whose base name matches. */
  named(test: (name: string, path: string) => boolean): string[] {
    return this.files.filter((path) => test(path.slice(path.lastIndexOf('/') + 1), path));
  }
}

export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

export function joinPath(...parts: string[]): string {
  const out: string[] = [];
  for (const part of parts.join('/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
