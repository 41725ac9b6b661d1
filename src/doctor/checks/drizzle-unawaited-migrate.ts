import { type AstNode, FUNCTION_TYPES, enclosingFunction, walk } from '../../js/estree.js';
import { drizzleImports, migrateCalls, type MigrateCall } from '../code/drizzle-code.js';
import { serverStarts, type ServerStart } from '../code/server-start.js';
import type { ParsedSource } from '../scan/source-index.js';
import type { ProjectScan } from '../scan/project-scan.js';
import type { DoctorCheck, TextEdit } from '../types.js';

function within(node: AstNode, outer: AstNode): boolean {
  return node.start >= outer.start && node.end <= outer.end;
}

/** The function or module body that runs the call, to compare with where the server starts. */
function scopeOf(ancestors: readonly AstNode[]): AstNode | undefined {
  return enclosingFunction(ancestors);
}

/** The binding name of a function and the node that declares it, when it has one. */
function functionBinding(fn: AstNode, ancestors: readonly AstNode[]): { name: string; declaration: AstNode } | undefined {
  if (fn.type === 'FunctionDeclaration' && (fn.id as AstNode | null)?.type === 'Identifier')
    return { name: (fn.id as AstNode).name as string, declaration: fn };
  const parent = ancestors[ancestors.indexOf(fn) - 1];
  if (parent?.type === 'VariableDeclarator' && (parent.id as AstNode).type === 'Identifier' && parent.init === fn)
    return { name: (parent.id as AstNode).name as string, declaration: parent };
  return undefined;
}

/**
 * Whether making `fn` async changes nothing for its callers: it is not exported, and every use
 * of its name calls it as a statement (`main();`, `void main();`), ignoring what it returns.
 */
function safeToMakeAsync(source: ParsedSource, fn: AstNode, ancestors: readonly AstNode[]): string | undefined {
  if (fn.generator) return 'it is a generator function';
  const binding = functionBinding(fn, ancestors);
  if (!binding) return 'it is not a named function whose callers can be checked (a callback or a method)';
  const exported = ancestors.some(
    (a) => (a.type === 'ExportNamedDeclaration' || a.type === 'ExportDefaultDeclaration') && within(binding.declaration, a),
  );
  if (exported) return `${binding.name}() is exported, so callers elsewhere may use what it returns`;
  let problem: string | undefined;
  walk(source.program as unknown as AstNode, (node, path) => {
    if (problem || node.type !== 'Identifier' || node.name !== binding.name) return;
    const parent = path[path.length - 1];
    if (!parent) return;
    if ((parent.type === 'FunctionDeclaration' || parent.type === 'VariableDeclarator') && parent.id === node) return;
    if (parent.type === 'MemberExpression' && parent.property === node && !parent.computed) return;
    if (parent.type === 'Property' && parent.key === node && !parent.computed && !parent.shorthand) return;
    if (parent.type === 'ExportSpecifier') {
      problem = `${binding.name}() is exported`;
      return;
    }
    const grand = path[path.length - 2];
    const statementCall =
      parent.type === 'CallExpression' &&
      parent.callee === node &&
      (grand?.type === 'ExpressionStatement' || (grand?.type === 'UnaryExpression' && grand.operator === 'void'));
    if (!statementCall)
      problem = `${binding.name} is used at line ${source.file.position(node.start).line} in a way that depends on what it returns`;
  });
  return problem;
}

function fixFor(
  scan: ProjectScan,
  source: ParsedSource,
  call: MigrateCall,
  starts: ServerStart[],
): { edits: TextEdit[] } | { refused: string } {
  const statement = call.statement;
  if (!statement) return { refused: 'the call is part of a larger expression; await it by hand' };
  const fn = scopeOf(call.ancestors);
  const earlier = starts.find((s) => scopeOf(s.ancestors) === fn && s.call.start < call.call.start);
  if (earlier)
    return {
      refused: `the server already starts at line ${source.file.position(earlier.call.start).line}, before this call: move the call above it and await it`,
    };
  const edits: TextEdit[] = [];
  const expression = statement.expression as AstNode;
  if (expression.type === 'UnaryExpression' && expression.operator === 'void')
    edits.push({ file: source.path, start: expression.start, end: (expression.argument as AstNode).start, text: 'await ' });
  else edits.push({ file: source.path, start: call.call.start, end: call.call.start, text: 'await ' });
  if (!fn) {
    if (!scan.isEsm(source.path))
      return {
        refused: `${source.path} is a CommonJS module, where top-level await is not allowed: move the startup into an async function and await migrate() there`,
      };
    return { edits };
  }
  if (fn.async) return { edits };
  const unsafe = safeToMakeAsync(source, fn, call.ancestors);
  if (unsafe) return { refused: `the enclosing function is not async and making it async is not safe: ${unsafe}` };
  edits.push({ file: source.path, start: fn.start, end: fn.start, text: 'async ' });
  return { edits };
}

export const drizzleUnawaitedMigrate: DoctorCheck = {
  meta: {
    id: 'drizzle-unawaited-migrate',
    scope: 'drizzle',
    severity: 'error',
    title: 'drizzle-orm `migrate()` not awaited before the server starts',
    why: 'The server accepts requests while the schema is half migrated, and a failed migration becomes an unhandled rejection while the app keeps serving.',
    fix: 'Await the migration before the server listens: `await migrate(db, { migrationsFolder: "./drizzle" }); app.listen(port);`.',
    fixable: true,
    doc: {
      what: "A call of `migrate` imported from a drizzle-orm migrator (`drizzle-orm/<driver>/migrator`, by `import` or `require`, also through a namespace import) whose promise is neither awaited, returned, nor awaited later through the variable it is stored in. The migrators of better-sqlite3, bun:sqlite and sql.js are synchronous (the migration is done when `migrate()` returns) and are never flagged, nor changed by `--fix`. It is an error when the same module starts a server (`app.listen(...)`, `server.listen(...)`, Hono's `serve(...)`, `Bun.serve(...)`) outside a `.then()` callback of the migration, and a warning when nothing in the module waits for it at all. The code is parsed with a JavaScript/TypeScript parser; comments and strings never match.",
      why: 'Without `await` the call returns at once and the next line starts the server. Requests arrive while tables and columns are still being created, and queries for the new schema fail. If the migration fails, the rejection is unhandled (Node.js 15+ exits on it, possibly minutes into serving traffic) or, with a `.catch`, silently ignored, and the app runs against a schema it was not built for.',
      fix: 'Await the migration before the server listens. `lockstep doctor --fix` adds the `await` when it is mechanical and safe: in an async function, at the top level of an ES module, or in a non-exported function whose callers ignore its result (it then becomes `async`). Or let lockstep run migrations before the app starts: `lockstep deploy -- node dist/server.js`.',
      example: {
        file: 'src/server.ts',
        bad: "import { migrate } from 'drizzle-orm/node-postgres/migrator';\nimport { app } from './app.js';\nimport { db } from './db.js';\n\nmigrate(db, { migrationsFolder: './drizzle' });\napp.listen(3000);",
        good: "import { migrate } from 'drizzle-orm/node-postgres/migrator';\nimport { app } from './app.js';\nimport { db } from './db.js';\n\nawait migrate(db, { migrationsFolder: './drizzle' });\napp.listen(3000);",
      },
    },
  },
  run(scan, report) {
    for (const path of scan.sources.containing('drizzle-orm/')) {
      const source = scan.sources.parse(path);
      if (!source) continue;
      const imports = drizzleImports(source);
      if (!imports.some((i) => i.migrator)) continue;
      const starts = serverStarts(source);
      for (const call of migrateCalls(source, imports)) {
        // better-sqlite3's, bun:sqlite's and sql.js's migrate() finish before they return: there is nothing to await.
        if (call.synchronous || call.handling === 'awaited' || call.handling === 'returned') continue;
        const relevant = call.handling === 'then' ? starts.filter((s) => !within(s.call, call.thenCall!)) : starts;
        if (call.handling === 'then' && relevant.length === 0) continue;
        const inCallback = starts.find((s) =>
          call.ancestors.some((a) => FUNCTION_TYPES.has(a.type) && (s.call.arguments as AstNode[]).includes(a)),
        );
        const callText = source.file.text.slice(call.call.start, call.call.end).replace(/\s+/g, ' ');
        const shown = callText.length > 60 ? `${callText.slice(0, 57)}...` : callText;
        const start = relevant[0];
        const where = start ? `${path}:${source.file.position(start.call.start).line}` : undefined;
        let message: string;
        if (inCallback)
          message = `\`${shown}\` runs in the callback of ${inCallback.name}(...) at ${path}:${source.file.position(inCallback.call.start).line}: the server accepts requests before the migration even starts, and nothing waits for it.`;
        else if (call.handling === 'then')
          message = `\`${shown}\` continues in .then(), but ${start!.name}(...) at ${where} does not wait for it: the server accepts requests while the migration runs.`;
        else if (start)
          message = `\`${shown}\` (${call.module}) is not awaited, and ${start.name}(...) at ${where} starts the server before the migration finishes.`;
        else
          message = `\`${shown}\` (${call.module}) is not awaited: nothing waits for the migration, and its failure is an unhandled rejection.`;
        report({
          file: source.file,
          offset: call.call.start,
          message,
          ...(start || inCallback ? {} : { severity: 'warning' as const }),
          ...(call.handling === 'none' && !inCallback
            ? { autofix: fixFor(scan, source, call, starts) }
            : inCallback
              ? { autofix: { refused: 'the call runs after the server started; move it before the listen call and await it' } }
              : {}),
          ...(start
            ? { related: [{ file: source.file, offset: start.call.start, message: `the server starts here (${start.name})` }] }
            : {}),
        });
      }
    }
  },
};
