/**
 * Vercel projects: a directory with vercel.json, or a package that depends on or runs the `vercel`
 * CLI. Vercel packages each function with the files its imports reach (file tracing) plus what
 * `functions.<glob>.includeFiles` in vercel.json adds; a migrations folder is read at run time
 * through a computed path, so tracing never finds it.
 */
import picomatch from 'picomatch';
import { dirOf, joinPath, type FileIndex } from './file-index.js';
import { globMatcher } from './glob-match.js';
import { member, parseJsonText, type JsonNode } from './json-text.js';
import type { PackageInfo } from './packages.js';
import type { TextFile } from './text-file.js';

export interface VercelFunctionConfig {
  /** The key of `functions`: a glob of function sources, relative to the project. */
  glob: string;
  /** `includeFiles`: a glob of files to add, relative to the project. */
  includeFiles: string | undefined;
  /** `excludeFiles`. */
  excludeFiles: string | undefined;
}

export interface VercelProject {
  /** The project directory, relative to the scan root. */
  dir: string;
  /** vercel.json, when there is one. */
  file: TextFile | undefined;
  functions: VercelFunctionConfig[];
  /** A Next.js app: its route handlers and API routes are functions, and next.config's outputFileTracingIncludes adds files. */
  nextjs: boolean;
}

const SOURCE = '*.{js,mjs,cjs,ts,mts,cts,jsx,tsx}';
/** Function sources: `api/` (any framework), and a Next.js app's route handlers and API routes. */
const API_FUNCTIONS = [`api/**/${SOURCE}`];
const NEXT_FUNCTIONS = [`{src/,}app/**/route.{js,ts,jsx,tsx,mjs}`, `{src/,}pages/api/**/${SOURCE}`];

function readFunctions(root: JsonNode | undefined): VercelFunctionConfig[] {
  const functions = member(root, 'functions');
  if (functions?.kind !== 'object') return [];
  return functions.entries.map(({ key, value }) => {
    const text = (name: string) => {
      const node = member(value, name);
      return node?.kind === 'string' ? node.value : undefined;
    };
    return { glob: key.replace(/^\.?\//, ''), includeFiles: text('includeFiles'), excludeFiles: text('excludeFiles') };
  });
}

/** The Vercel projects under the scan root. */
export function vercelProjects(files: FileIndex, packages: PackageInfo[]): VercelProject[] {
  const byDir = new Map<string, VercelProject>();
  const nextjs = (dir: string) => Boolean(packages.find((p) => p.dir === dir)?.dependencies.next);
  for (const path of files.named((name) => name === 'vercel.json')) {
    const file = files.read(path);
    if (!file) continue;
    let root: JsonNode | undefined;
    try {
      root = parseJsonText(file.text);
    } catch {
      root = undefined;
    }
    const dir = dirOf(path);
    byDir.set(dir, { dir, file, functions: readFunctions(root), nextjs: nextjs(dir) });
  }
  for (const pkg of packages) {
    if (byDir.has(pkg.dir)) continue;
    const usesVercel =
      'vercel' in pkg.dependencies ||
      [...pkg.scripts.entries()].some(
        ([name, script]) => name === 'vercel-build' || /(^|[\s;&|])vercel(\s|$)/.test(script.command),
      );
    if (usesVercel) byDir.set(pkg.dir, { dir: pkg.dir, file: undefined, functions: [], nextjs: nextjs(pkg.dir) });
  }
  return [...byDir.values()];
}

/** The project's function sources, relative to the scan root. */
export function vercelFunctionSources(project: VercelProject, sources: string[]): string[] {
  const isFunction = picomatch(project.nextjs ? [...API_FUNCTIONS, ...NEXT_FUNCTIONS] : API_FUNCTIONS);
  const prefix = project.dir ? `${project.dir}/` : '';
  return sources.filter(
    (path) => path.startsWith(prefix) && isFunction(path.slice(prefix.length)) && !/(^|\/)_[^/]*$/.test(path),
  );
}

/** Whether vercel.json adds `file` (relative to the scan root) to the package of the function whose source is `source`. */
export function vercelIncludes(project: VercelProject, source: string, file: string): boolean {
  const inProject = (path: string) => (project.dir ? path.slice(project.dir.length + 1) : path);
  return project.functions.some((fn) => {
    if (!fn.includeFiles || !globMatcher(fn.glob)(inProject(source))) return false;
    const excluded = fn.excludeFiles !== undefined && globMatcher(fn.excludeFiles)(inProject(file));
    const included = globMatcher(fn.includeFiles)(inProject(file));
    return included && !excluded;
  });
}

/** A Next.js config that names the folder in outputFileTracingIncludes traces it into the functions. */
export function nextTracingIncludes(files: FileIndex, project: VercelProject, folder: string): boolean {
  if (!project.nextjs) return false;
  const name = folder.slice(folder.lastIndexOf('/') + 1);
  return ['js', 'mjs', 'cjs', 'ts', 'mts'].some((ext) => {
    const text = files.read(joinPath(project.dir, `next.config.${ext}`))?.text;
    return text?.includes('outputFileTracingIncludes') && text.includes(name);
  });
}
