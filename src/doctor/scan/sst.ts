/**
 * SST functions: `new sst.aws.Function(name, props)` (SST v3, in sst.config.ts) and
 * `new Function(stack, id, props)` from `sst/constructs` (SST v2 stacks), with the `function` or
 * `job` props of the v3 components that wrap one (Cron, queue and bucket subscribers are plain
 * handlers). SST bundles every Node.js function with esbuild: its package is the bundle plus the
 * files `copyFiles` names.
 */
import { type AstNode, memberPath, objectProperties, unwrapExpression, walk } from '../../js/estree.js';
import { dirOf, joinPath } from './file-index.js';
import type { ParsedSource } from './source-index.js';
import type { TextFile } from './text-file.js';

export interface SstFunction {
  file: TextFile;
  /** The construct's name (`"Migrator"`). */
  name: string;
  /** The handler string as written, and where it is. */
  handler: { text: string; start: number };
  /** The directory SST resolves the handler and copyFiles against (the one holding sst.config.*), relative to the scan root. */
  appDir: string;
  /** The handler's module, relative to the scan root (`src/migrator` for `src/migrator.handler`). */
  module: string;
  /** The folders and files `copyFiles` puts in the package (`from`, relative to the scan root); undefined when they are not literals. */
  copied: string[] | undefined;
}

/** A cheap filter: the sources that may declare SST functions. */
export const SST_SOURCE = /sst\.aws\.|['"]sst\/constructs['"]/;

function stringValue(node: AstNode | undefined): string | undefined {
  const n = unwrapExpression(node);
  if (n?.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n?.type === 'TemplateLiteral' && (n.expressions as AstNode[]).length === 0)
    return ((n.quasis as AstNode[])[0]?.value as { cooked?: string })?.cooked;
  return undefined;
}

function propValue(props: Map<string, AstNode>, name: string): AstNode | undefined {
  return unwrapExpression(props.get(name)?.value as AstNode | undefined);
}

/** `copyFiles: [{ from: 'drizzle' }, ...]`: the `from` paths, or undefined when any is not a literal. */
function copiedFrom(node: AstNode | undefined, appDir: string): string[] | undefined {
  if (!node) return [];
  if (node.type !== 'ArrayExpression') return undefined;
  const out: string[] = [];
  for (const element of node.elements as Array<AstNode | null>) {
    const item = unwrapExpression(element);
    if (item?.type !== 'ObjectExpression') return undefined;
    const from = stringValue(propValue(objectProperties(item), 'from'));
    if (from === undefined) return undefined;
    out.push(joinPath(appDir, from));
  }
  return out;
}

/** The directory SST resolves handlers and copyFiles against: the one holding the nearest sst.config.*, else the file's. */
function appDirOf(path: string, exists: (path: string) => boolean): string {
  for (let dir = dirOf(path); ; dir = dirOf(dir)) {
    if (['ts', 'mts', 'js', 'mjs'].some((ext) => exists(joinPath(dir, `sst.config.${ext}`)))) return dir;
    if (dir === '') return dirOf(path);
  }
}

function functionFrom(parsed: ParsedSource, name: string, props: AstNode | undefined, appDir: string): SstFunction | undefined {
  if (props?.type !== 'ObjectExpression') return undefined;
  const properties = objectProperties(props);
  const handlerNode = propValue(properties, 'handler');
  const handler = stringValue(handlerNode);
  if (!handler || !handlerNode) return undefined;
  const dot = handler.lastIndexOf('.');
  const module = joinPath(appDir, dot > handler.lastIndexOf('/') ? handler.slice(0, dot) : handler);
  return {
    file: parsed.file,
    name,
    appDir,
    handler: { text: handler, start: handlerNode.start as number },
    module,
    copied: copiedFrom(propValue(properties, 'copyFiles'), appDir),
  };
}

/** The SST functions a source declares. */
export function sstFunctions(parsed: ParsedSource, exists: (path: string) => boolean): SstFunction[] {
  const v2Function = new Set(
    parsed.imports
      .filter((i) => i.specifier === 'sst/constructs')
      .flatMap((i) => i.bindings.filter((b) => b.imported === 'Function').map((b) => b.local)),
  );
  const appDir = appDirOf(parsed.path, exists);
  const out: SstFunction[] = [];
  walk(parsed.program as unknown as AstNode, (node) => {
    if (node.type !== 'NewExpression') return;
    const callee = memberPath(node.callee as AstNode)?.join('.');
    const args = (node.arguments as AstNode[]).map((a) => unwrapExpression(a));
    if (callee === 'sst.aws.Function') {
      const fn = functionFrom(parsed, stringValue(args[0]) ?? 'Function', args[1], appDir);
      if (fn) out.push(fn);
    } else if (callee?.startsWith('sst.aws.') && args[1]?.type === 'ObjectExpression') {
      // Components that take a function's props (`new sst.aws.Cron("Migrate", { function: {...} })`).
      const props = objectProperties(args[1]);
      for (const key of ['function', 'job']) {
        const fn = functionFrom(parsed, `${stringValue(args[0]) ?? callee} (${key})`, propValue(props, key), appDir);
        if (fn) out.push(fn);
      }
    } else if (callee !== undefined && v2Function.has(callee)) {
      const fn = functionFrom(parsed, stringValue(args[1]) ?? 'Function', args[2], appDir);
      if (fn) out.push(fn);
    }
  });
  return out;
}
