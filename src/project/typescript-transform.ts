import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

type TypeScript = typeof import('typescript');
type JitiTransform = (options: { source: string; filename?: string }) => { code: string };

/**
 * A jiti transform that compiles with the project's own TypeScript compiler and tsconfig.json, as
 * ts-node (the typeorm CLI's loader) does, so that decorators and their emitted metadata behave
 * exactly as in the project's build. Undefined when the project has no TypeScript installed (a
 * production image running compiled JavaScript), in which case jiti's own transform is used.
 */
export function projectTypescriptTransform(root: string): JitiTransform | undefined {
  const require = createRequire(join(root, 'package.json'));
  try {
    require.resolve('typescript');
  } catch {
    return undefined;
  }
  // The compiler is large: it is loaded on the first file that needs it, not for compiled projects.
  let compile: JitiTransform | undefined;
  return (input) => {
    compile ??= typescriptCompiler(require('typescript') as TypeScript, root);
    return compile(input);
  };
}

function typescriptCompiler(ts: TypeScript, root: string): JitiTransform {
  const tsconfig = join(root, 'tsconfig.json');
  let compilerOptions: import('typescript').CompilerOptions = { experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true, target: ts.ScriptTarget.ES2021 };
  if (existsSync(tsconfig)) {
    const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
    if (!read.error) compilerOptions = ts.parseJsonConfigFileContent(read.config, ts.sys, root).options;
  }
  const options: import('typescript').CompilerOptions = {
    ...compilerOptions,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    allowJs: true,
    esModuleInterop: true,
    sourceMap: false,
    inlineSourceMap: false,
    declaration: false,
    noEmit: false,
    verbatimModuleSyntax: false,
  };
  return ({ source, filename }) => ({ code: ts.transpileModule(source, { fileName: filename ?? 'module.ts', compilerOptions: options }).outputText });
}
