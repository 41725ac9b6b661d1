import { readdirSync, type Dirent } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';

/**
 * How TypeORM reads the `entities`, `subscribers` and `migrations` options of a data source: each
 * is a list (or an object whose values are the entries) of classes and glob strings; a glob is
 * expanded against the working directory, which lockstep makes the project's folder, and every
 * class (or entity schema) that a matched file exports is taken.
 */

/** TypeORM's MixedList: an array, or an object whose values are the entries. */
export function mixedList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') return Object.values(value);
  return [];
}

/** The extensions TypeORM loads from a glob; declaration files are skipped. */
const LOADABLE = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

/** The loadable files a glob string matches, absolute and sorted, as TypeORM expands it. */
export async function globFiles(pattern: string, root: string): Promise<string[]> {
  const absolute = (isAbsolute(pattern) ? pattern : resolve(root, pattern)).replace(/\\/g, '/');
  let files = oneFolderGlob(absolute);
  if (!files) {
    const { glob } = await import('tinyglobby');
    files = await glob(absolute, { absolute: true, onlyFiles: true });
  }
  return files.filter((file) => LOADABLE.has(extname(file)) && !file.endsWith('.d.ts')).sort();
}

/** Characters that make a path segment a pattern, besides `*`. */
const PATTERN_SYNTAX = /[?[\]{}()!+@\\]/;

/**
 * The usual pattern, `src/migration/*.ts`: a plain folder and a name with `*` wildcards, answered
 * by listing that one folder, as the glob library would (`*` matches any characters but `/`, and
 * not a leading dot; only files). Undefined for anything else (`**`, braces, classes, a folder
 * with wildcards, symbolic links, an unreadable folder), which the glob library answers: it is
 * only loaded for those.
 */
function oneFolderGlob(absolute: string): string[] | undefined {
  const slash = absolute.lastIndexOf('/');
  const dir = absolute.slice(0, slash) || '/';
  const name = absolute.slice(slash + 1);
  if (
    !name.includes('*') ||
    name.includes('**') ||
    name.startsWith('.') ||
    PATTERN_SYNTAX.test(name) ||
    PATTERN_SYNTAX.test(dir) ||
    dir.includes('*')
  )
    return undefined;
  const matcher = new RegExp(
    `^${name
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  );
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || !matcher.test(entry.name)) continue;
    if (entry.isSymbolicLink() || (!entry.isFile() && !entry.isDirectory())) return undefined;
    if (entry.isFile()) files.push(`${dir === '/' ? '' : dir}/${entry.name}`);
  }
  return files;
}

/** An EntitySchema instance, as TypeORM's InstanceChecker recognises one. */
export function isEntitySchema(value: unknown): boolean {
  return (
    Boolean(value) &&
    typeof value === 'object' &&
    (value as Record<string, unknown>)['@instanceof'] === Symbol.for('EntitySchema')
  );
}

/**
 * What TypeORM takes from a loaded file: every exported function (a class) and entity schema,
 * looking into exported arrays and objects; each once.
 */
export function exportedClasses(exported: unknown): unknown[] {
  const found = new Set<unknown>();
  const seen = new Set<unknown>();
  const visit = (value: unknown) => {
    if (typeof value === 'function' || isEntitySchema(value)) {
      found.add(value);
    } else if (value && typeof value === 'object' && !seen.has(value)) {
      seen.add(value);
      for (const inner of Array.isArray(value) ? value : Object.values(value)) visit(inner);
    }
  };
  visit(exported);
  return [...found];
}
