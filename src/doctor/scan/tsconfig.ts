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
  /**
   * Imports are emitted as written (`verbatimModuleSyntax`, `preserveValueImports`,
   * `importsNotUsedAsValues: "preserve"`); otherwise an import whose bindings are only used as
   * types is removed from the compiled code (by tsc, and by esbuild, swc and tsx alike).
   */
  preservesImports: boolean;
}

function readOptions(
  files: FileIndex,
  path: string,
  depth = 0,
): { options: Record<string, unknown>; dirs: Record<string, string> } {
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
  for (const key of ['outDir', 'rootDir', 'baseUrl']) {
    const value = own ? member(own, key) : undefined;
    if (value?.kind === 'string') dirs[key] = joinPath(dirOf(path), value.value);
  }
  // `paths` without a baseUrl are relative to the file that sets them.
  if (own && member(own, 'paths')) dirs.pathsBase = dirOf(path);
  return { options, dirs };
}

/** tsconfig's module aliases: `paths` patterns (at most one `*` each) and `baseUrl`. */
export interface ModuleAliases {
  /** Directory relative to the root that bare specifiers are also looked up in. */
  baseUrl: string | undefined;
  paths: Array<{ prefix: string; suffix: string; wildcard: boolean; targets: string[] }>;
}

/** The aliases a tsconfig file sets (following `extends`), with targets relative to the root; undefined when it sets none. */
export function readModuleAliases(files: FileIndex, tsconfig: string): ModuleAliases | undefined {
  const { options, dirs } = readOptions(files, tsconfig);
  const baseUrl = dirs.baseUrl;
  const raw = options.paths;
  const paths: ModuleAliases['paths'] = [];
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const base = baseUrl ?? dirs.pathsBase ?? dirOf(tsconfig);
    for (const [pattern, targets] of Object.entries(raw as Record<string, unknown>)) {
      if (!Array.isArray(targets)) continue;
      const star = pattern.indexOf('*');
      paths.push({
        prefix: star === -1 ? pattern : pattern.slice(0, star),
        suffix: star === -1 ? '' : pattern.slice(star + 1),
        wildcard: star !== -1,
        targets: targets.filter((t): t is string => typeof t === 'string').map((t) => joinPath(base, t)),
      });
    }
    // TypeScript picks the pattern with the longest prefix.
    paths.sort((a, b) => b.prefix.length - a.prefix.length);
  }
  return baseUrl === undefined && paths.length === 0 ? undefined : { baseUrl, paths };
}

/** Where an aliased specifier may point, in TypeScript's order; empty when no alias applies. */
export function aliasTargets(aliases: ModuleAliases, specifier: string): string[] {
  for (const entry of aliases.paths) {
    if (!entry.wildcard) {
      if (specifier === entry.prefix) return entry.targets;
      continue;
    }
    if (
      specifier.length >= entry.prefix.length + entry.suffix.length &&
      specifier.startsWith(entry.prefix) &&
      specifier.endsWith(entry.suffix)
    ) {
      const matched = specifier.slice(entry.prefix.length, specifier.length - entry.suffix.length);
      return entry.targets.map((t) => t.replace('*', matched));
    }
  }
  return aliases.baseUrl !== undefined ? [joinPath(aliases.baseUrl, specifier)] : [];
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
    preservesImports:
      options.verbatimModuleSyntax === true ||
      options.preserveValueImports === true ||
      (typeof options.importsNotUsedAsValues === 'string' && options.importsNotUsedAsValues.toLowerCase() === 'preserve'),
  };
}
