/**
 * Netlify sites: a directory with netlify.toml, or one with a `netlify/functions` folder. Netlify
 * bundles each function with the files its imports reach, plus what `included_files` adds
 * (`[functions]` for every function, `[functions."name"]` or a glob of names for some).
 */
import { parse as parseToml } from 'smol-toml';
import { dirOf, joinPath, type FileIndex } from './file-index.js';
import { globMatcher } from './glob-match.js';
import type { TextFile } from './text-file.js';

export interface NetlifySite {
  /** The base directory (where netlify.toml is), relative to the scan root. */
  dir: string;
  file: TextFile | undefined;
  /** The functions directory, relative to the scan root. */
  functionsDir: string;
  /** `[functions]` and `[functions."<name or glob>"]` settings: the name pattern and its included_files. */
  included: Array<{ functions: string; patterns: string[] }>;
}

export interface NetlifyFunction {
  name: string;
  /** Its entry source, relative to the scan root. */
  source: string;
}

const SOURCE_EXT = /\.(js|mjs|cjs|ts|mts|cts|jsx|tsx)$/;
const DEFAULT_FUNCTIONS_DIR = 'netlify/functions';

const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

function readSite(dir: string, file: TextFile, notes: string[]): NetlifySite {
  let config: Record<string, unknown> = {};
  try {
    config = parseToml(file.text) as Record<string, unknown>;
  } catch (error) {
    notes.push(
      `${file.path} could not be read as TOML (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); its function settings were skipped.`,
    );
  }
  const functions = (config.functions ?? {}) as Record<string, unknown>;
  const build = (config.build ?? {}) as Record<string, unknown>;
  const directory =
    typeof functions.directory === 'string'
      ? functions.directory
      : typeof build.functions === 'string'
        ? build.functions
        : DEFAULT_FUNCTIONS_DIR;
  const included: NetlifySite['included'] = [{ functions: '*', patterns: strings(functions.included_files) }];
  for (const [key, value] of Object.entries(functions)) {
    if (value && typeof value === 'object' && !Array.isArray(value))
      included.push({ functions: key, patterns: strings((value as Record<string, unknown>).included_files) });
  }
  return { dir, file, functionsDir: joinPath(dir, directory), included };
}

/** The Netlify sites under the scan root. */
export function netlifySites(files: FileIndex, notes: string[]): NetlifySite[] {
  const sites = new Map<string, NetlifySite>();
  for (const path of files.named((name) => name === 'netlify.toml')) {
    const file = files.read(path);
    if (file) sites.set(dirOf(path), readSite(dirOf(path), file, notes));
  }
  for (const path of files.files) {
    const at = path.indexOf(`${DEFAULT_FUNCTIONS_DIR}/`);
    if (at !== 0 && (at === -1 || path[at - 1] !== '/')) continue;
    const dir = at === 0 ? '' : path.slice(0, at - 1);
    if (!sites.has(dir))
      sites.set(dir, { dir, file: undefined, functionsDir: joinPath(dir, DEFAULT_FUNCTIONS_DIR), included: [] });
  }
  return [...sites.values()];
}

/** The site's functions: `<dir>/<name>.ts`, or `<dir>/<name>/<name>.ts` or `<dir>/<name>/index.ts`. */
export function netlifyFunctions(site: NetlifySite, sources: string[]): NetlifyFunction[] {
  const prefix = `${site.functionsDir}/`;
  const out: NetlifyFunction[] = [];
  for (const path of sources) {
    if (!path.startsWith(prefix)) continue;
    const parts = path.slice(prefix.length).split('/');
    const base = parts.at(-1)!.replace(SOURCE_EXT, '');
    if (parts.length === 1) out.push({ name: base, source: path });
    else if (parts.length === 2 && (base === parts[0] || base === 'index')) out.push({ name: parts[0]!, source: path });
  }
  return out;
}

/** Whether the site's included_files add `file` (relative to the scan root) to the function's package; patterns apply in order, `!` excludes. */
export function netlifyIncludes(site: NetlifySite, fn: NetlifyFunction, file: string): boolean {
  const inSite = site.dir ? file.slice(site.dir.length + 1) : file;
  let included = false;
  for (const { functions, patterns } of site.included) {
    if (!globMatcher(functions)(fn.name)) continue;
    for (const pattern of patterns) {
      const exclude = pattern.startsWith('!');
      if (globMatcher(pattern.replace(/^!/, ''))(inSite)) included = !exclude;
    }
  }
  return included;
}
