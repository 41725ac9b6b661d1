import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import Module from 'node:module';
import type { Transform } from './compile-cache.js';
import { SourceSyntaxError } from './typescript-transform.js';

/** The parts of Node's CommonJS loader this module uses; not in @types/node's public types. */
interface NodeModule {
  require(id: string): unknown;
  _compile(code: string, filename: string): void;
}
type ExtensionHandler = (module: NodeModule, filename: string) => void;
const extensions = (Module as unknown as { _extensions: Record<string, ExtensionHandler | undefined> })._extensions;

/**
 * Errors that say Node's own loader could not do what jiti does (an ES module required from
 * CommonJS, a specifier that only jiti resolves, ESM syntax in a `.js` file): the file is then
 * loaded again through jiti. Anything else (an error the project's code throws, a syntax error the
 * compiler reports) is the project's, and is reported as it is.
 */
export function needsFullLoader(error: unknown): boolean {
  if (error instanceof SourceSyntaxError) return false;
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    code === 'ERR_REQUIRE_ESM' ||
    code === 'MODULE_NOT_FOUND' ||
    code === 'ERR_UNKNOWN_FILE_EXTENSION' ||
    code === 'ERR_REQUIRE_ASYNC_MODULE' ||
    error instanceof SyntaxError
  );
}

/**
 * `./entity/User.js` written for `./entity/User.ts` (what TypeScript's NodeNext resolution asks
 * for), when there is no such `.js` file: the `.ts` file, as TypeScript and jiti resolve it.
 */
function typescriptSibling(id: string, importer: string): string {
  if (!/^\.\.?\//.test(id) || !id.endsWith('.js')) return id;
  const asWritten = resolve(dirname(importer), id);
  if (existsSync(asWritten)) return id;
  return existsSync(`${asWritten.slice(0, -3)}.ts`) ? `${id.slice(0, -3)}.ts` : id;
}

/**
 * Loads a `.ts` file, and the `.ts` files it imports, with Node's own CommonJS loader, compiling
 * each through `transform` (the project's compiler behind the compile cache). When every file is
 * in the cache, this is what a no-op deploy pays for loading the project: no jiti, whose loading
 * and per-file resolution cost more than the files themselves. Node's module cache is shared, as
 * jiti's `moduleCache` shares it. `aliases` maps module names to files lockstep stands in with
 * (`dotenv/config`). Only for projects whose imports Node resolves itself (no tsconfig `paths`);
 * the `.ts` handler is in place only while the file is being required, and is put back after.
 */
export function nativeTsRequire(file: string, transform: Transform, aliases: Record<string, string>): unknown {
  const previous = extensions['.ts'];
  const handler: ExtensionHandler = (module, filename) => {
    const source = readFileSync(filename, 'utf8');
    // The input jiti gives the transform (async for the file imported, not for those it requires): both find the same cache entries.
    const { code } = transform({ source, filename, ts: true, async: filename === file, jsx: false, interopDefault: false });
    const requireFrom = module.require.bind(module);
    module.require = (id: string) => requireFrom(aliases[id] ?? typescriptSibling(id, filename));
    module._compile(code, filename);
  };
  extensions['.ts'] = handler;
  try {
    return createRequire(file)(file);
  } finally {
    if (previous) extensions['.ts'] = previous;
    else delete extensions['.ts'];
  }
}
