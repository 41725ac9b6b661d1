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
  const { glob } = await import('tinyglobby');
  const absolute = isAbsolute(pattern) ? pattern : resolve(root, pattern);
  return (await glob(absolute.replace(/\\/g, '/'), { absolute: true, onlyFiles: true })).filter((file) => LOADABLE.has(extname(file)) && !file.endsWith('.d.ts')).sort();
}

/** An EntitySchema instance, as TypeORM's InstanceChecker recognises one. */
export function isEntitySchema(value: unknown): boolean {
  return Boolean(value) && typeof value === 'object' && (value as Record<string, unknown>)['@instanceof'] === Symbol.for('EntitySchema');
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
