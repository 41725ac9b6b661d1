import { at, commandText } from '../check-helpers.js';
import { type AstNode, unwrapExpression } from '../../js/estree.js';
import { evaluate, PRODUCTION_SCENARIOS } from '../code/static-eval.js';
import { enabledInProduction, typeormOptionObjects, type TypeormOptions } from '../code/typeorm-options.js';
import { dirOf, joinPath } from '../scan/file-index.js';
import type { ProjectScan } from '../scan/project-scan.js';
import type { DoctorCheck } from '../types.js';

type Runtime = 'compiled' | 'typescript';

interface Runner {
  runtime: Runtime;
  /** The data source as production loads it: the source file, and where it runs from. */
  dataSource: string;
  /** `__dirname` of the data source when it runs. */
  runsFrom: string;
  what: string;
}

const ROOT = '\u0000/';
const TS = /\.(ts|mts|cts|tsx)$/;

/** A glob as tinyglobby matches it: `*`, `?`, `**`, `{a,b}`, `[abc]`. */
function globRegex(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      out += `(?:${glob
        .slice(i + 1, close)
        .split(',')
        .map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
        .join('|')})`;
      i = close;
    } else if (c === '[') {
      const close = glob.indexOf(']', i);
      out += glob.slice(i, close + 1);
      i = close;
    } else out += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function compiledPath(scan: ProjectScan, packageDir: string, source: string): string {
  const build = scan.tsBuild(packageDir);
  if (!build?.outDir) return source.replace(TS, (ext) => ext.replace('ts', 'js'));
  const rest =
    build.rootDir && source.startsWith(`${build.rootDir}/`)
      ? source.slice(build.rootDir.length + 1)
      : build.rootDir === ''
        ? source
        : source;
  return joinPath(build.outDir, rest).replace(TS, (ext) => ext.replace('ts', 'js'));
}

/** Who runs the migrations of a package in production, with the runtime and the data source they load. */
function runners(scan: ProjectScan, packageDir: string, dataSource: string, options: TypeormOptions[]): Runner[] {
  const out: Runner[] = [];
  const add = (runtime: Runtime, ds: string, what: string) => {
    const runsFrom = runtime === 'compiled' ? dirOf(compiledPath(scan, packageDir, ds)) : dirOf(ds);
    if (!out.some((r) => r.runtime === runtime && r.dataSource === ds)) out.push({ runtime, dataSource: ds, runsFrom, what });
  };
  const inPackage = (dir: string) => dir === packageDir || packageDir === '';
  for (const command of scan.commands) {
    if (!inPackage(command.packageDir)) continue;
    const text = commandText(command);
    if (command.kind === 'lockstep-deploy')
      add(TS.test(dataSource) ? 'typescript' : 'compiled', dataSource, `\`${text}\` (${at(command)})`);
    if (command.kind === 'typeorm-migration-run') {
      const words = command.command.words.map((w) => w.value);
      const flag = words.findIndex((w) => /^(-d|--dataSource|--data-source)$/.test(w));
      const file =
        flag !== -1 ? words[flag + 1] : words.find((w) => /^(-d|--dataSource|--data-source)=/.test(w))?.replace(/^[^=]+=/, '');
      const path = file ? joinPath(command.packageDir, file) : dataSource;
      const source = scan.sourceOf(command.packageDir, path) ?? dataSource;
      const runtime: Runtime = TS.test(path) || /ts-node/.test(words[0] ?? '') ? 'typescript' : 'compiled';
      add(runtime, source, `\`${text}\` (${at(command)})`);
    }
    if (
      command.kind === 'migrate-script' ||
      (command.kind === 'app-start' && options.some((o) => enabledInProduction(o, 'migrationsRun')))
    ) {
      const tool = command.command.words[0]?.value.replace(/^.*\//, '') ?? '';
      const file = command.command.file ?? '';
      const runtime: Runtime =
        TS.test(file) || /^(ts-node|tsx|bun|ts-node-esm|esno|vite-node)$/.test(tool) ? 'typescript' : 'compiled';
      add(runtime, dataSource, `\`${text}\` (${at(command)})${command.kind === 'app-start' ? ' with migrationsRun' : ''}`);
    }
  }
  return out;
}

export const typeormMigrationsGlob: DoctorCheck = {
  meta: {
    id: 'typeorm-migrations-glob',
    scope: 'typeorm',
    severity: 'error',
    title: 'TypeORM `migrations` glob finds nothing (or TypeScript) in production',
    why: 'TypeORM finds no migration and reports "No migrations are pending", or tries to load .ts files with plain node and fails: the new code runs against the old schema.',
    fix: 'Point the glob at the files production runs, next to the data source: ``migrations: [`${__dirname}/migration/*.{ts,js}`]``.',
    fixable: false,
    doc: {
      what: "A `migrations` pattern of a TypeORM data source, evaluated for each way production runs migrations: `lockstep deploy` (which loads the TypeScript data source), `typeorm migration:run -d <file>` (TypeScript through typeorm-ts-node-* or ts-node, compiled JavaScript through typeorm), a script that calls `runMigrations()`, or the app itself with `migrationsRun`. `__dirname` is the data source's directory where it runs (its compiled location under tsconfig's `outDir` for compiled JavaScript); relative patterns are relative to the package. The pattern is flagged when it matches no file there (the compiled files are predicted from the sources, `rootDir` and `outDir`), when compiled JavaScript would load `.ts` files, or when the TypeScript data source would load compiled files of an earlier build.",
      why: 'TypeORM resolves the pattern when the data source initializes. A pattern that matches nothing is not an error: `migration:run` prints "No migrations are pending" and exits 0, and the app starts on the old schema. `.ts` files under plain node fail with "Cannot use import statement outside a module". Compiled files from an old build silently miss every migration added since.',
      fix: "Use a pattern relative to the data source that matches both forms: ``migrations: [`${__dirname}/migration/*.{ts,js}`]`` (or `path.join(__dirname, 'migration', '*.{ts,js}')`), and keep tsconfig's `outDir`/`rootDir` so that the compiled migrations land next to the compiled data source.",
      example: {
        file: 'src/data-source.ts',
        bad: "export const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  migrations: ['src/migration/*.ts'],\n});",
        good: "export const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  migrations: [`${__dirname}/migration/*.{ts,js}`],\n});",
      },
    },
  },
  run(scan, report) {
    const all = typeormOptionObjects(scan);
    for (const { dir, typeorm } of scan.orms) {
      if (!typeorm) continue;
      const options = all.filter((o) => (scan.packageOf(o.source.path)?.dir ?? '') === dir && o.props.has('migrations'));
      if (options.length === 0) continue;
      const who = runners(scan, dir, typeorm.dataSourceFile ?? options[0]!.source.path, options);
      if (who.length === 0) continue;
      const build = scan.tsBuild(dir);
      const sources = scan.sources.files.filter((f) => dir === '' || f.startsWith(`${dir}/`));
      const migrationSources = scan.sources.containing('MigrationInterface').filter((f) => dir === '' || f.startsWith(`${dir}/`));
      for (const option of options) {
        const array = unwrapExpression(option.props.get('migrations')!.value as AstNode);
        const elements = array?.type === 'ArrayExpression' ? (array.elements as AstNode[]) : array ? [array] : [];
        for (const element of elements) {
          if (!element) continue;
          const reported = new Set<string>();
          for (const runner of who) {
            const ctx = { env: PRODUCTION_SCENARIOS[0]!.env, dirname: `${ROOT}${runner.runsFrom}`, ...option.bindings };
            const value = evaluate(element, ctx);
            if (typeof value !== 'string') continue;
            const pattern = value.startsWith(ROOT) ? joinPath(value.slice(ROOT.length)) : joinPath(dir, value);
            const regex = globRegex(pattern);
            const candidates = new Set<string>(scan.files.files);
            if (runner.runtime === 'compiled') for (const f of sources) candidates.add(compiledPath(scan, dir, f));
            const matched = [...candidates].filter((f) => regex.test(f) && !/\.d\.[cm]?ts$/.test(f) && /\.(c|m)?(j|t)s$/.test(f));
            let problem: string | undefined;
            if (matched.length === 0) {
              const where = migrationSources[0]
                ? ` The migration classes are in ${dirOf(migrationSources[0])}/${runner.runtime === 'compiled' && build?.outDir ? `, compiled to ${dirOf(compiledPath(scan, dir, migrationSources[0]))}/` : ''}.`
                : '';
              problem = `matches no file when ${runner.what} runs them (${runner.runtime === 'compiled' ? 'compiled JavaScript' : 'TypeScript'}, pattern ${pattern}): TypeORM will report no pending migrations.${where}`;
            } else if (
              runner.runtime === 'compiled' &&
              matched.some((f) => TS.test(f)) &&
              !matched.some((f) => /\.(c|m)?js$/.test(f))
            ) {
              problem = `matches TypeScript files (${matched.find((f) => TS.test(f))}) when ${runner.what} runs compiled JavaScript: plain node cannot load them ("Cannot use import statement outside a module").`;
            } else if (
              runner.runtime === 'typescript' &&
              build?.outDir &&
              matched.every((f) => f.startsWith(`${build.outDir}/`))
            ) {
              problem = `matches only compiled files in ${build.outDir}/ when ${runner.what} loads the TypeScript data source: migrations added since the last build are missing.`;
            }
            if (!problem || reported.has(problem)) continue;
            reported.add(problem);
            const text = option.source.file.text.slice(element.start, element.end);
            report({ file: option.source.file, offset: element.start, message: `The migrations pattern ${text} ${problem}` });
          }
        }
      }
    }
  },
};
