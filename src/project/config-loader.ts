import { fileURLToPath } from 'node:url';
import { usageError } from '../errors.js';
import type { ProjectEnv } from './env-file.js';
import { loadJiti, loadSucrase } from './cjs-packages.js';
import { loadErrorText } from './load-error.js';
import { inProjectDir } from './project-dir.js';
import { projectTsconfig, tsconfigForPaths } from './tsconfig.js';

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
      : {
          code: transform(options.source, {
            transforms: ['typescript', 'imports'],
            ...(options.filename ? { filePath: options.filename } : {}),
          }).code,
        };
}

/**
 * Evaluates a project's TypeScript or JavaScript config file the way the ORMs' own CLIs do when
 * started in the project's folder `root`: through a TypeScript-capable loader (jiti) that resolves
 * the project's tsconfig `paths` and `baseUrl`, without compiling the project, with `root` as the
 * working directory (see inProjectDir) and the project's .env values visible. Returns the default
 * export (awaited, and called if it is a function).
 */
export async function loadConfigModule(file: string, root: string, env: ProjectEnv, code: string): Promise<unknown> {
  const { createJiti } = loadJiti();
  const tsconfig = tsconfigForPaths(projectTsconfig(root));
  const jitiOptions = {
    alias: { ...CONFIG_SHIMS },
    fsCache: false,
    moduleCache: false,
    interopDefault: true,
    ...(tsconfig ? { tsconfigPaths: tsconfig } : {}),
  };
  const jiti = createJiti(import.meta.url, {
    ...jitiOptions,
    transform: configTransform(createJiti(import.meta.url, jitiOptions)),
  });
  try {
    return await inProjectDir(root, () =>
      env.withFileValues(async () => {
        let loaded: unknown = await jiti.import(file, { default: true });
        if (loaded instanceof Promise) loaded = await loaded;
        if (typeof loaded === 'function') loaded = await (loaded as () => unknown)();
        return loaded;
      }),
    );
  } catch (error) {
    throw usageError(code, `Could not load ${file}: ${loadErrorText(error, file, root)}`, [
      `Fix the error in ${file} (or install the packages it imports), then run the command again.`,
    ]);
  }
}
