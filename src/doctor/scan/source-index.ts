/**
 * The project's JavaScript and TypeScript sources (not tests, build output or files git ignores), each read and parsed at most once with
 * oxc-parser, and imports resolved the way TypeScript and Node resolve them (`./a.js` to `./a.ts`,
 * directories to their index file, tsconfig's `paths` and `baseUrl`).
 */
import { parseSync, type Program } from 'oxc-parser';
import { dirOf, joinPath, type FileIndex } from './file-index.js';
import type { TextFile } from './text-file.js';
import { aliasTargets, type ModuleAliases } from './tsconfig.js';

export interface StaticImport {
  specifier: string;
  /** Offset of the import statement. */
  start: number;
  /** Imported bindings: local name, imported name (`default`, `*` for a namespace), type-only. */
  bindings: Array<{ local: string; imported: string; typeOnly: boolean }>;
  /** `import type {...}` or every binding type-only (`import { type A }`): nothing is evaluated... */
  typeOnly: boolean;
  /** `export ... from`: a re-export. */
  reexport: boolean;
}

export interface ParsedSource {
  path: string;
  file: TextFile;
  program: Program;
  imports: StaticImport[];
  /** Parse errors: a file with errors is still analysed as far as it parsed. */
  errors: number;
}

const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const TEST_FILE =
  /(^|\/)(__tests__|__mocks__|test|tests|e2e|cypress|playwright|fixtures|__fixtures__|stories)\/|\.(test|spec|stories|e2e-spec)\.[cm]?[jt]sx?$/;
const BUILD_DIRS = /(^|\/)(dist|build|out|\.output|lib-cov|storybook-static|public|static|vendor)\//;
const RESOLVE_EXT = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export class SourceIndex {
  /** Source files that production code may load: not tests, not build output, not declarations. */
  readonly files: string[];
  private readonly parsed = new Map<string, ParsedSource | undefined>();

  constructor(
    private readonly index: FileIndex,
    outDirs: string[],
    /** Files git ignores are generated or local, not the project's code. */
    ignored: (path: string) => boolean = () => false,
    /** The tsconfig aliases that apply to a file (its nearest tsconfig.json's). */
    private readonly aliasesFor: (path: string) => ModuleAliases | undefined = () => undefined,
  ) {
    const skipOut = outDirs.filter(Boolean).map((d) => `${d}/`);
    this.files = index.files.filter(
      (f) =>
        SOURCE_EXT.test(f) &&
        !f.endsWith('.d.ts') &&
        !/\.d\.[cm]ts$/.test(f) &&
        !TEST_FILE.test(f) &&
        !BUILD_DIRS.test(f) &&
        !skipOut.some((d) => f.startsWith(d)) &&
        !ignored(f),
    );
  }

  text(path: string): TextFile | undefined {
    return this.index.read(path);
  }

  /** Sources whose text contains `needle` (a cheap filter before parsing). */
  containing(needle: string | RegExp): string[] {
    return this.files.filter((f) => {
      const text = this.index.read(f)?.text;
      return text !== undefined && (typeof needle === 'string' ? text.includes(needle) : needle.test(text));
    });
  }

  parse(path: string): ParsedSource | undefined {
    if (this.parsed.has(path)) return this.parsed.get(path);
    const file = this.index.read(path);
    let result: ParsedSource | undefined;
    if (file) {
      try {
        const parsed = parseSync(path, file.text, { sourceType: 'unambiguous' });
        const imports: StaticImport[] = parsed.module.staticImports.map((s) => {
          const bindings = s.entries.map((e) => ({
            local: e.localName.value,
            imported:
              (e.importName.kind as string) === 'Default'
                ? 'default'
                : (e.importName.kind as string) === 'NamespaceObject'
                  ? '*'
                  : (e.importName.name ?? 'default'),
            typeOnly: e.isType,
          }));
          const statementText = file.text.slice(s.start, s.start + 12);
          return {
            specifier: s.moduleRequest.value,
            start: s.start,
            bindings,
            typeOnly: /^import\s+type\b/.test(statementText) || (bindings.length > 0 && bindings.every((b) => b.typeOnly)),
            reexport: false,
          };
        });
        for (const e of parsed.module.staticExports) {
          for (const entry of e.entries) {
            if (!entry.moduleRequest) continue;
            imports.push({
              specifier: entry.moduleRequest.value,
              start: e.start,
              bindings: [],
              typeOnly: entry.isType,
              reexport: true,
            });
          }
        }
        result = { path, file, program: parsed.program, imports, errors: parsed.errors.length };
      } catch {
        result = undefined;
      }
    }
    this.parsed.set(path, result);
    return result;
  }

  /** An import from `from` resolved to a file of the project (relative, or through a tsconfig alias), or undefined. */
  resolve(from: string, specifier: string): string | undefined {
    if (specifier.startsWith('.')) return this.resolvePath(joinPath(dirOf(from), specifier));
    if (specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
    const aliases = this.aliasesFor(from);
    if (!aliases) return undefined;
    for (const target of aliasTargets(aliases, specifier)) {
      const found = this.resolvePath(target);
      if (found) return found;
    }
    return undefined;
  }

  /** A path as node or TypeScript would find it: as is, `.js` as `.ts`, with an extension, or a directory's index. */
  resolvePath(target: string): string | undefined {
    if (this.index.has(target) && SOURCE_EXT.test(target)) return target;
    const js = /\.(m|c)?jsx?$/.exec(target);
    if (js) {
      const stem = target.slice(0, -js[0].length);
      const tsExt = js[1] === 'm' ? ['.mts', '.ts'] : js[1] === 'c' ? ['.cts', '.ts'] : ['.ts', '.tsx'];
      for (const ext of tsExt) if (this.index.has(stem + ext)) return stem + ext;
    }
    for (const ext of RESOLVE_EXT) if (this.index.has(target + ext)) return target + ext;
    for (const ext of RESOLVE_EXT) if (this.index.has(`${target}/index${ext}`)) return `${target}/index${ext}`;
    return undefined;
  }
}
