import { fileURLToPath } from 'node:url';
import { usageError } from '../errors.js';
import { redact } from '../util/redact.js';
import type { ProjectEnv } from './env-file.js';
import { loadJiti, loadSucrase } from './cjs-packages.js';

const shim = (name: string) => fileURLToPath(new URL(`./shims/${name}.js`, import.meta.url));

/** Modules a config file may import that lockstep stands in for. */
export const CONFIG_SHIMS = {
  'prisma/config': shim('prisma-config'),
  '@prisma/config': shim('prisma-config'),
  'drizzle-kit': shim('drizzle-kit'),
  'dotenv/config': shim('dotenv-config'),
} as const;

type JitiTransform = (options: import('jiti').TransformOptions) => { code: string };

/**
 * jiti's transform, done by sucrase (TypeScript and ES modules to CommonJS) where it can be: sucrase
 * loads in a tenth of the time of jiti's own Babel transform, and a deploy pays for it on every
 * start. A file that uses `import.meta` or `await` (top-level await) goes to Babel, whose output
 * jiti knows how to run.
 */
function configTransform(babel: import('jiti').Jiti): JitiTransform {
  const { transform } = loadSucrase();
  return (options) =>
    /\bimport\s*\.\s*meta\b|\bawait\b/.test(options.source)
      ? { code: babel.transform(options) }
      : { code: transform(options.source, { transforms: ['typescript', 'imports'], ...(options.filename ? { filePath: options.filename } : {}) }).code };
}

/**
 * Evaluates a project's TypeScript or JavaScript config file the way the ORMs' own CLIs do,
 * through a TypeScript-capable loader (jiti), without compiling the project. The project's .env
 * values are visible while it runs. Returns the default export (awaited, and called if it is a
 * function), or the whole module when `whole` is set.
 */
export async function loadConfigModule(file: string, env: ProjectEnv, code: string, options: { whole?: boolean } = {}): Promise<unknown> {
  const { createJiti } = loadJiti();
  const jitiOptions = { alias: { ...CONFIG_SHIMS }, fsCache: false, moduleCache: false, interopDefault: !options.whole };
  const jiti = createJiti(import.meta.url, { ...jitiOptions, transform: configTransform(createJiti(import.meta.url, jitiOptions)) });
  try {
    if (options.whole) return await env.withFileValues(() => jiti.import(file));
    let loaded: unknown = await env.withFileValues(() => jiti.import(file, { default: true }));
    if (loaded instanceof Promise) loaded = await loaded;
    if (typeof loaded === 'function') loaded = await (loaded as () => unknown)();
    return loaded;
  } catch (error) {
    throw usageError(code, `Could not load ${file}: ${redact(error instanceof Error ? error.message : String(error))}`, [
      `Fix the error in ${file} (or install the packages it imports), then run the command again.`,
    ]);
  }
}
