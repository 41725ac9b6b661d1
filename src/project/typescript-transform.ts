import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompileCache, Transform, TransformInput } from './compile-cache.js';
import { tsconfigIdentity, type ProjectTsconfig } from './tsconfig.js';

type TypeScript = typeof import('typescript');

/** A file the compiler cannot parse: the message and where, as tsc reports it. */
export class SourceSyntaxError extends SyntaxError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly text: string,
  ) {
    super(`${text} (${basename(file)}:${line}:${column})`);
    this.name = 'SyntaxError';
  }
}

/**
 * A jiti transform that compiles with the project's own TypeScript compiler and tsconfig.json
 * (found as `projectTsconfig` finds it, `extends` included), as ts-node (the typeorm CLI's loader)
 * does, so that decorators and their emitted metadata behave exactly as in the project's build. A
 * file with a syntax error is refused with the compiler's message, line and column, instead of
 * being run as whatever the compiler could make of it. Undefined when the project has no TypeScript
 * installed (a production image running compiled JavaScript), in which case jiti's own transform is
 * used. With a cache, output compiled by an earlier run is reused and the compiler is not loaded.
 */
export function projectTypescriptTransform(
  root: string,
  tsconfig: ProjectTsconfig | undefined,
  cache?: CompileCache,
): Transform | undefined {
  const require = createRequire(join(root, 'package.json'));
  let version: string;
  try {
    version = (JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
  // The compiler is large: it is loaded on the first file that needs compiling, not for compiled
  // projects, nor when every file is in the cache.
  let compile: Transform | undefined;
  const transform: Transform = (input) => {
    compile ??= typescriptCompiler(require('typescript') as TypeScript, root, tsconfig?.file);
    return compile(input);
  };
  return cache
    ? cache.wrap(transform, `typescript@${version}\0${tsconfigIdentity(tsconfig)}\0${transformIdentity()}`)
    : transform;
}

/** This module's own code, which decides the options and the rewriting around the compiler: a new lockstep build is a new cache key. */
let ownSource: string | undefined;
function transformIdentity(): string {
  ownSource ??= createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex');
  return ownSource;
}

function typescriptCompiler(ts: TypeScript, root: string, tsconfig: string | undefined): Transform {
  let compilerOptions: import('typescript').CompilerOptions = {
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    target: ts.ScriptTarget.ES2021,
  };
  if (tsconfig) {
    const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
    if (!read.error) compilerOptions = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfig)).options;
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
  const transformers = { before: [importMetaAsCommonJs(ts)] };
  return ({ source, filename }: TransformInput) => {
    const fileName = filename ?? join(root, 'module.ts');
    const output = ts.transpileModule(source, { fileName, compilerOptions: options, reportDiagnostics: true, transformers });
    const error = output.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error && d.file && d.start !== undefined);
    if (error) {
      const { line, character } = error.file!.getLineAndCharacterOfPosition(error.start!);
      throw new SourceSyntaxError(fileName, line + 1, character + 1, ts.flattenDiagnosticMessageText(error.messageText, '\n'));
    }
    return { code: output.outputText };
  };
}

/**
 * The output is CommonJS, where `import.meta` does not exist: an ES module project's data source
 * (`dirname(fileURLToPath(import.meta.url))`) gets the same values from the module's file, as
 * ts-node's ESM loader gives them.
 */
function importMetaAsCommonJs(ts: TypeScript): import('typescript').TransformerFactory<import('typescript').SourceFile> {
  return (context) => (sourceFile) => {
    const f = context.factory;
    const isImportMeta = (node: import('typescript').Node) =>
      ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword;
    const url = () =>
      f.createPropertyAccessExpression(
        f.createCallExpression(
          f.createPropertyAccessExpression(
            f.createCallExpression(f.createIdentifier('require'), undefined, [f.createStringLiteral('node:url')]),
            'pathToFileURL',
          ),
          undefined,
          [f.createIdentifier('__filename')],
        ),
        'href',
      );
    const visit = (node: import('typescript').Node): import('typescript').Node => {
      if (ts.isPropertyAccessExpression(node) && isImportMeta(node.expression)) {
        if (node.name.text === 'url') return url();
        if (node.name.text === 'dirname') return f.createIdentifier('__dirname');
        if (node.name.text === 'filename') return f.createIdentifier('__filename');
      }
      if (isImportMeta(node)) {
        return f.createObjectLiteralExpression([
          f.createPropertyAssignment('url', url()),
          f.createPropertyAssignment('dirname', f.createIdentifier('__dirname')),
          f.createPropertyAssignment('filename', f.createIdentifier('__filename')),
        ]);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(sourceFile, visit) as import('typescript').SourceFile;
  };
}
