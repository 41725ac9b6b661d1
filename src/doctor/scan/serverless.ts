/**
 * Serverless Framework services (`serverless.yml`): their functions and handlers, whether a
 * bundler builds the functions (then a function's package holds the bundle and only the files
 * `package.patterns` adds), and the package patterns, in the order the framework applies them.
 */
import { dirOf } from './file-index.js';
import { globMatcher } from './glob-match.js';
import type { TextFile } from './text-file.js';
import { get, mapEntries, parseYaml, scalarText, stringList, type YamlScalar } from './yaml.js';

export interface PackagePattern {
  /** The pattern without a leading `!`. */
  glob: string;
  exclude: boolean;
  node: YamlScalar;
  /** Compiled on first use, once per pattern. */
  test: (path: string) => boolean;
}

export interface ServerlessFunction {
  name: string;
  /** `src/handlers/migrate.handler`: a module path (relative to the service) and an export. */
  handler: YamlScalar;
  /** The handler's module as written, relative to the service directory (`src/handlers/migrate`). */
  module: string;
  /** The service's patterns, then the function's own. */
  patterns: PackagePattern[];
}

export interface ServerlessService {
  file: TextFile;
  /** The service directory, relative to the scan root. */
  dir: string;
  /** A plugin that bundles (or compiles) every function. */
  plugin: string | undefined;
  /** `build.esbuild` is set: the framework bundles every function itself. */
  esbuildBuild: boolean;
  /** `frameworkVersion` 4, which bundles TypeScript handlers with esbuild unless told otherwise. */
  v4: boolean;
  functions: ServerlessFunction[];
}

export const isServerlessFileName = (name: string): boolean => name === 'serverless.yml' || name === 'serverless.yaml';

const BUNDLER_PLUGINS = ['serverless-esbuild', 'serverless-webpack', 'serverless-bundle', 'serverless-plugin-typescript'];

function patterns(node: Parameters<typeof get>[0]): PackagePattern[] {
  const pkg = get(node, 'package');
  // `include`/`exclude` are the framework's older spelling of the same thing.
  const listed = [
    ...stringList(get(pkg, 'exclude')).map((n) => ({ node: n, exclude: true })),
    ...stringList(get(pkg, 'include')).map((n) => ({ node: n, exclude: false })),
  ];
  for (const n of stringList(get(pkg, 'patterns'))) listed.push({ node: n, exclude: n.text.startsWith('!') });
  return listed.map(({ node: n, exclude }) => {
    const glob = n.text.replace(/^!/, '').replace(/^\.\//, '');
    return { glob, exclude, node: n, test: (path) => globMatcher(glob)(path) };
  });
}

export function parseServerless(file: TextFile): ServerlessService | undefined {
  const root = parseYaml(file.text);
  if (root?.kind !== 'map') return undefined;
  const plugins = get(root, 'plugins');
  const pluginNames = stringList(plugins?.kind === 'map' ? get(plugins, 'modules') : plugins).map((p) => p.text);
  const esbuild = get(get(root, 'build'), 'esbuild');
  const frameworkVersion = scalarText(get(root, 'frameworkVersion')) ?? '';
  const servicePatterns = patterns(root);
  const functions: ServerlessFunction[] = [];
  const fns = get(root, 'functions');
  if (fns?.kind === 'map') {
    for (const { key, value } of mapEntries(fns)) {
      const handler = get(value, 'handler');
      if (handler?.kind !== 'scalar' || typeof handler.value !== 'string') continue;
      const module = handler.text.replace(/\.[^./]+$/, '').replace(/^\.\//, '');
      functions.push({ name: key, handler, module, patterns: [...servicePatterns, ...patterns(value)] });
    }
  }
  return {
    file,
    dir: dirOf(file.path),
    plugin: BUNDLER_PLUGINS.find((p) => pluginNames.includes(p)),
    esbuildBuild: esbuild !== undefined && !(esbuild.kind === 'scalar' && esbuild.value === false),
    v4: /^[\^~>=\s]*4/.test(frameworkVersion) && !(esbuild?.kind === 'scalar' && esbuild.value === false),
    functions,
  };
}

/** What bundles a function whose handler is `handlerPath`, or undefined when the service directory is packaged as it is. */
export function bundlerOf(service: ServerlessService, handlerPath: string): string | undefined {
  if (service.plugin) return service.plugin;
  if (service.esbuildBuild) return "the framework's esbuild build (build.esbuild)";
  if (service.v4 && /\.[cm]?tsx?$/.test(handlerPath))
    return 'Serverless Framework v4 (it bundles TypeScript handlers with esbuild)';
  return undefined;
}

/**
 * Whether `path` (relative to the service) is in a function's package: bundled functions start
 * from nothing, others from the whole service directory; then every pattern that matches decides,
 * the last one winning. Returns the deciding pattern too.
 */
export function packaged(
  fn: ServerlessFunction,
  path: string,
  bundled: boolean,
): { included: boolean; by: PackagePattern | undefined } {
  let included = !bundled;
  let by: PackagePattern | undefined;
  for (const pattern of fn.patterns) {
    if (!pattern.test(path)) continue;
    included = !pattern.exclude;
    by = pattern;
  }
  return { included, by };
}
