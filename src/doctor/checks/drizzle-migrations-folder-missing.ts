import { buildCopiesFolder, moduleGraph } from '../check-helpers.js';
import { type AstNode, objectProperties, unwrapExpression } from '../../js/estree.js';
import { migrateCalls } from '../code/drizzle-code.js';
import { evaluate, moduleBindings, PRODUCTION_SCENARIOS } from '../code/static-eval.js';
import { dirOf, joinPath } from '../scan/file-index.js';
import type { ProductionCommand } from '../scan/pipelines.js';
import type { ProjectScan } from '../scan/project-scan.js';
import type { DoctorCheck } from '../types.js';

/** Marks an absolute path in evaluated values (`__dirname` is absolute, a plain string is relative to the working directory). */
const ROOT = '\u0000/';
const TS_FILE = /\.[cm]?tsx?$/;

/** Where a source file runs: itself, or its compiled file under tsconfig's outDir when the command runs compiled JavaScript. */
function runtimePath(scan: ProjectScan, command: ProductionCommand, source: string): string | undefined {
  const written = command.command.file;
  const compiled = written !== undefined && !TS_FILE.test(written) && TS_FILE.test(source);
  if (!compiled) return source;
  const build = scan.tsBuild(command.packageDir);
  if (!build?.outDir) return source;
  if (!source.startsWith(`${build.rootDir}/`) && build.rootDir !== '') return undefined;
  const rest = build.rootDir === '' ? source : source.slice(build.rootDir.length + 1);
  return joinPath(build.outDir, rest.replace(/\.([cm]?)tsx?$/, '.$1js'));
}

export const drizzleMigrationsFolderMissing: DoctorCheck = {
  meta: {
    id: 'drizzle-migrations-folder-missing',
    scope: 'drizzle',
    severity: 'error',
    title: "migrate()'s migrationsFolder is not where production runs it",
    why: 'drizzle-orm\'s migrate() throws "Can\'t find meta/_journal.json file" and the app never starts (or the migration job fails) on every deploy.',
    fix: 'Point migrationsFolder at the folder as production sees it: a path relative to the working directory (`./drizzle`), or one that holds for the compiled file (`path.join(__dirname, "../../drizzle")`), or copy the folder into the build output.',
    fixable: false,
    doc: {
      what: "A drizzle-orm `migrate(db, { migrationsFolder })` call in a file that a production command runs (directly, or through the modules it imports), whose `migrationsFolder` has no `meta/_journal.json` where the command runs it. The value is evaluated statically: string literals, `path.join`/`resolve`/`dirname`, `__dirname`, `import.meta.dirname` and `fileURLToPath(import.meta.url)`, with `__dirname` being the compiled file's directory under tsconfig's `outDir` when the command runs compiled JavaScript (`node dist/server.js`), and relative paths taken from the package directory. A build step that copies the folder itself (`cp -r drizzle dist/`) counts as putting it there.",
      why: 'A path built from `__dirname` in `src/db/migrate.ts` points into `src/db/` while developing with tsx, but into `dist/db/` once compiled, where tsc never copies the SQL files and the journal. drizzle-orm then throws "Can\'t find meta/_journal.json file" at start-up: every deploy fails, or a migration job exits with an error while the app keeps running on the old schema.',
      fix: 'Use a path relative to the working directory the app starts in (`migrationsFolder: "./drizzle"`), compute it from the compiled location (`path.join(__dirname, "../../drizzle")` for `dist/db/migrate.js`), or copy the folder into the build output (`"build": "tsc && cp -r drizzle dist/"`).',
      example: {
        file: 'src/server.ts',
        bad: "const here = path.dirname(fileURLToPath(import.meta.url));\nawait migrate(db, { migrationsFolder: path.join(here, 'drizzle') });\napp.listen(3000);",
        good: "await migrate(db, { migrationsFolder: './drizzle' });\napp.listen(3000);",
      },
    },
  },
  run(scan, report) {
    const reported = new Set<string>();
    for (const command of scan.commands) {
      // A file that node (or tsx, ts-node) runs, mapped back to its source.
      if (!command.source || command.command.file === undefined) continue;
      for (const path of moduleGraph(scan, command.source)) {
        const parsed = scan.sources.parse(path);
        if (!parsed?.file.text.includes('drizzle-orm')) continue;
        const runsAs = runtimePath(scan, command, path);
        if (!runsAs) continue;
        for (const call of migrateCalls(parsed)) {
          const options = unwrapExpression((call.call.arguments as AstNode[])[1]);
          const property = options?.type === 'ObjectExpression' ? objectProperties(options).get('migrationsFolder') : undefined;
          const expression = property ? (property.value as AstNode) : undefined;
          if (!expression) continue;
          const ctx = {
            env: PRODUCTION_SCENARIOS[0]!.env,
            dirname: `${ROOT}${dirOf(runsAs)}`,
            filename: `${ROOT}${runsAs}`,
            ...moduleBindings(parsed.program as unknown as AstNode),
          };
          const value = evaluate(expression, ctx);
          if (typeof value !== 'string') continue;
          const folder = value.startsWith(ROOT) ? joinPath(value.slice(ROOT.length)) : joinPath(command.packageDir, value);
          if (scan.files.has(joinPath(folder, 'meta', '_journal.json'))) continue;
          const name = folder.slice(folder.lastIndexOf('/') + 1);
          if (runsAs !== path && buildCopiesFolder(scan, name)) continue;
          const key = `${path}:${expression.start}:${folder}`;
          if (reported.has(key)) continue;
          reported.add(key);
          const out = scan.orms.find((o) => o.dir === command.packageDir)?.drizzle?.out;
          const compiledNote = runsAs !== path ? ` (${path} runs as ${runsAs}, compiled)` : '';
          report({
            file: parsed.file,
            offset: expression.start,
            message: `migrationsFolder is ${folder || '.'}/ when \`${command.command.words.map((w) => w.value).join(' ')}\` runs this file${compiledNote}, and there is no meta/_journal.json there: migrate() throws "Can't find meta/_journal.json file".${out && out !== folder ? ` The migrations are in ${out}/.` : ''}`,
            related: [{ file: command.site.file, offset: command.site.start, message: 'the production command that runs it' }],
          });
        }
      }
    }
  },
};
