/** The TypeScript build settings that decide where compiled files land and how modules load. */
import { dirOf, joinPath, type FileIndex } from './file-index.js';
import { member, parseJsonText, plain, type JsonNode } from './json-text.js';

export interface TsBuild {
  /** The tsconfig file that applies (relative to the root). */
  file: string;
  /** Directory relative to the root, or undefined when tsc writes next to the sources. */
  outDir: string | undefined;
  /** Directory relative to the root (default: the tsconfig's directory). */
  rootDir: string;
  module: string | undefined;
  emitDecoratorMetadata: boolean;
}

function readOptions(files: FileIndex, path: string, depth = 0): { options: Record<string, unknown>; dirs: Record<string, string> } {
  const text = files.read(path);
  if (!text || depth > 5) return { options: {}, dirs: {} };
  let root: JsonNode;
  try {
    root = parseJsonText(text.text);
  } catch {
    return { options: {}, dirs: {} };
  }
  let inherited: { options: Record<string, unknown>; dirs: Record<string, string> } = { options: {}, dirs: {} };
  const extend = member(root, 'extends');
  if (extend?.kind === 'string' && extend.value.startsWith('.')) {
    const target = joinPath(dirOf(path), extend.value.endsWith('.json') ? extend.value : `${extend.value}.json`);
    inherited = readOptions(files, target, depth + 1);
  }
  const own = member(root, 'compilerOptions');
  const options = { ...inherited.options, ...(own ? (plain(own) as Record<string, unknown>) : {}) };
  const dirs = { ...inherited.dirs };
  // Paths in a tsconfig are relative to the file that sets them.
  for (const key of ['outDir', 'rootDir']) {
    const value = own ? member(own, key) : undefined;
    if (value?.kind === 'string') dirs[key] = joinPath(dirOf(path), value.value);
  }
  return { options, dirs };
}

/**
 * The tsconfig that builds a package: the one its build script passes with `-p`/`--project`,
 * else tsconfig.build.json, else tsconfig.json.
 */
export function readTsBuild(files: FileIndex, dir: string, buildScript: string | undefined): TsBuild | undefined {
  const candidates: string[] = [];
  const flag = buildScript ? /(?:^|\s)(?:-p|--project)[\s=]+(\S+)/.exec(buildScript) : null;
  if (flag) candidates.push(joinPath(dir, flag[1]!.endsWith('.json') ? flag[1]! : `${flag[1]}/tsconfig.json`));
  candidates.push(joinPath(dir, 'tsconfig.build.json'), joinPath(dir, 'tsconfig.json'));
  const file = candidates.find((c) => files.has(c));
  if (!file) return undefined;
  const { options, dirs } = readOptions(files, file);
  return {
    file,
    outDir: dirs.outDir,
    rootDir: dirs.rootDir ?? dirOf(file),
    module: typeof options.module === 'string' ? options.module.toLowerCase() : undefined,
    emitDecoratorMetadata: options.emitDecoratorMetadata === true,
  };
}
