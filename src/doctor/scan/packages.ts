/**
 * The project's package.json files: the root and its workspace packages (package.json
 * `workspaces`, pnpm-workspace.yaml), each with its scripts and where they are written.
 */
import { dirOf, type FileIndex } from './file-index.js';
import { member, parseJsonText, plain, type JsonNode } from './json-text.js';
import type { TextFile } from './text-file.js';
import { get, parseYaml, stringList } from './yaml.js';

export interface PackageScript {
  name: string;
  command: string;
  /** The file offset of an offset inside `command`. */
  fileOffset(at: number): number;
}

export interface PackageInfo {
  /** The package's directory relative to the root ('' for the root). */
  dir: string;
  file: TextFile;
  name: string | undefined;
  /** `"type": "module"`. */
  esm: boolean;
  dependencies: Record<string, string>;
  scripts: Map<string, PackageScript>;
  packageManager: string | undefined;
}

export function readPackage(files: FileIndex, dir: string): PackageInfo | undefined {
  const path = dir ? `${dir}/package.json` : 'package.json';
  const file = files.read(path);
  if (!file) return undefined;
  let root: JsonNode;
  try {
    root = parseJsonText(file.text);
  } catch {
    return undefined;
  }
  const scripts = new Map<string, PackageScript>();
  const scriptsNode = member(root, 'scripts');
  if (scriptsNode?.kind === 'object') {
    for (const entry of scriptsNode.entries) {
      if (entry.value.kind !== 'string') continue;
      const value = entry.value;
      scripts.set(entry.key, { name: entry.key, command: value.value, fileOffset: (at) => value.fileOffset(at) });
    }
  }
  const json = plain(root) as Record<string, unknown>;
  const deps = {
    ...(json.devDependencies as Record<string, string> | undefined),
    ...(json.dependencies as Record<string, string> | undefined),
  };
  return {
    dir,
    file,
    name: typeof json.name === 'string' ? json.name : undefined,
    esm: json.type === 'module',
    dependencies: deps,
    scripts,
    packageManager: typeof json.packageManager === 'string' ? json.packageManager : undefined,
  };
}

/** Workspace globs from package.json (`workspaces`) and pnpm-workspace.yaml. */
function workspaceGlobs(files: FileIndex, root: PackageInfo | undefined): string[] {
  const globs: string[] = [];
  if (root) {
    try {
      const json = JSON.parse(root.file.text) as { workspaces?: unknown };
      const ws = json.workspaces;
      const list = Array.isArray(ws)
        ? ws
        : ws && typeof ws === 'object' && Array.isArray((ws as { packages?: unknown }).packages)
          ? (ws as { packages: unknown[] }).packages
          : [];
      for (const item of list) if (typeof item === 'string') globs.push(item);
    } catch {
      /* an invalid package.json has no workspaces */
    }
  }
  const pnpm = files.read('pnpm-workspace.yaml') ?? files.read('pnpm-workspace.yml');
  if (pnpm) {
    try {
      for (const item of stringList(get(parseYaml(pnpm.text), 'packages'))) globs.push(item.text);
    } catch {
      /* not YAML we can read */
    }
  }
  return globs;
}

function workspaceRegex(glob: string): RegExp {
  const body = glob
    .replace(/^\.\//, '')
    .replace(/\/+$/, '')
    .split('/')
    .map((segment) =>
      segment === '**'
        ? '.*'
        : segment
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
    )
    .join('/');
  return new RegExp(`^${body}$`);
}

/** The root package and the workspace packages, root first. */
export function readPackages(files: FileIndex): PackageInfo[] {
  const root = readPackage(files, '');
  const out: PackageInfo[] = root ? [root] : [];
  const globs = workspaceGlobs(files, root);
  const include = globs.filter((g) => !g.startsWith('!')).map(workspaceRegex);
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => workspaceRegex(g.slice(1)));
  if (include.length === 0) return out;
  const dirs = files
    .named((name) => name === 'package.json')
    .map(dirOf)
    .filter((d) => d !== '');
  for (const dir of dirs.sort()) {
    if (!include.some((r) => r.test(dir)) || exclude.some((r) => r.test(dir))) continue;
    const pkg = readPackage(files, dir);
    if (pkg) out.push(pkg);
  }
  return out;
}
