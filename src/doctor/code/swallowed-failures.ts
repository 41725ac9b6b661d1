/**
 * Migrations whose failure the code catches and ignores: a `try { await migrate(...) } catch (e)
 * { console.error(e) }` that goes on, or `migrate(...).catch(console.error)`. A handler ignores the
 * failure when all it does is log (console, a logger, an error reporter); one that rethrows,
 * returns, exits, sets `process.exitCode` or records the failure in a variable handles it, and so
 * does a `finally` block.
 */
import { type AstNode, calleeName, FUNCTION_TYPES, memberPath, unwrapExpression, walk } from '../../js/estree.js';
import { classifyCommand, MIGRATOR_KINDS } from '../scan/command-kinds.js';
import { parseShell } from '../scan/shell.js';
import type { ParsedSource } from '../scan/source-index.js';
import { migrateCalls } from './drizzle-code.js';
import { execCommands } from './exec-commands.js';

export interface SwallowedMigration {
  /** The migration call. */
  call: AstNode;
  /** What it is, in words: `migrate(db, ...)`, `runMigrations()`, `execSync('prisma migrate deploy')`. */
  what: string;
  /** Where the failure is ignored: the catch clause or the `.catch(...)` call. */
  handler: AstNode;
}

const TRANSPARENT = new Set([
  'ParenthesizedExpression',
  'TSAsExpression',
  'TSNonNullExpression',
  'TSSatisfiesExpression',
  'ChainExpression',
]);
const LOGGERS = /^(console|logger|log|logging|Sentry|sentry|bugsnag|Bugsnag|rollbar|Rollbar|debug|winston|pino|signale)$/;
const LOG_METHODS = new Set([
  'log',
  'info',
  'warn',
  'error',
  'debug',
  'trace',
  'fatal',
  'captureException',
  'captureMessage',
  'notify',
  'report',
]);

/** Whether a statement only logs: `console.error(e)`, `logger.warn(...)`, `Sentry.captureException(e)`. */
function onlyLogs(node: AstNode): boolean {
  if (node.type === 'EmptyStatement') return true;
  if (node.type === 'BlockStatement') return (node.body as AstNode[]).every(onlyLogs);
  const expression = node.type === 'ExpressionStatement' ? unwrapExpression(node.expression as AstNode) : unwrapExpression(node);
  if (!expression) return false;
  if (expression.type === 'AwaitExpression') return onlyLogs(expression.argument as AstNode);
  if (expression.type !== 'CallExpression') return false;
  const path = memberPath(expression.callee as AstNode);
  if (!path) return false;
  return (
    LOGGERS.test(path[0]!) ||
    (path.length === 1 && LOG_METHODS.has(path[0]!)) ||
    (path.length > 1 && LOG_METHODS.has(path[path.length - 1]!) && /log|report|sentry|error/i.test(path[0]!))
  );
}

/** A `.catch(handler)` argument that only logs: `console.error`, `() => {}`, `(e) => logger.error(e)`. */
function handlerOnlyLogs(handler: AstNode | undefined): boolean {
  const h = unwrapExpression(handler);
  if (!h) return false;
  const path = memberPath(h);
  if (path) return LOGGERS.test(path[0]!) || LOG_METHODS.has(path[path.length - 1]!);
  if (FUNCTION_TYPES.has(h.type)) {
    const body = h.body as AstNode;
    return body.type === 'BlockStatement'
      ? onlyLogs(body)
      : onlyLogs({ type: 'ExpressionStatement', start: body.start, end: body.end, expression: body });
  }
  return false;
}

/** The migration calls of a module (drizzle-orm's migrate(), TypeORM's runMigrations(), lockstep's deploy(), a migrator started as a child process). */
function migrationCalls(source: ParsedSource): Map<AstNode, string> {
  const calls = new Map<AstNode, string>();
  const text = source.file.text;
  const shown = (node: AstNode) => {
    const written = text.slice(node.start, node.end).replace(/\s+/g, ' ');
    return written.length > 60 ? `${written.slice(0, 57)}...` : written;
  };
  // An unawaited drizzle migrate() is drizzle-unawaited-migrate's finding, `.catch` or not.
  for (const call of migrateCalls(source))
    if (call.synchronous || call.handling === 'awaited' || call.handling === 'returned') calls.set(call.call, shown(call.call));
  const deployLocals = new Set(
    source.imports
      .filter((i) => i.specifier === 'lockstep' || i.specifier.startsWith('lockstep/'))
      .flatMap((i) => i.bindings.filter((b) => b.imported === 'deploy').map((b) => b.local)),
  );
  const execOffsets = new Set(
    execCommands(source)
      .filter((c) =>
        (c.source.kind === 'words' ? [{ words: c.source.words }] : parseShell(c.source.text)).some((s) =>
          MIGRATOR_KINDS.has(classifyCommand(s.words).kind),
        ),
      )
      .map((c) => c.offset),
  );
  walk(source.program as unknown as AstNode, (node) => {
    if (node.type !== 'CallExpression' && node.type !== 'TaggedTemplateExpression') return;
    if (execOffsets.has(node.start)) calls.set(node, shown(node));
    if (node.type !== 'CallExpression') return;
    const name = calleeName(node);
    const callee = unwrapExpression(node.callee as AstNode);
    if (name === 'runMigrations' || (callee?.type === 'Identifier' && deployLocals.has(name!))) calls.set(node, shown(node));
  });
  return calls;
}

export function swallowedMigrations(source: ParsedSource): SwallowedMigration[] {
  const calls = migrationCalls(source);
  if (calls.size === 0) return [];
  const out: SwallowedMigration[] = [];
  walk(source.program as unknown as AstNode, (node, ancestors) => {
    const what = calls.get(node);
    if (!what) return;
    // migrate(...).catch(console.error), also through .then() callbacks that return the migration's promise
    let child: AstNode = node;
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const parent = ancestors[i]!;
      if (TRANSPARENT.has(parent.type) || parent.type === 'AwaitExpression') {
        child = parent;
        continue;
      }
      if (parent.type === 'MemberExpression' && parent.object === child && !parent.computed) {
        const method = (parent.property as AstNode).name;
        const call = ancestors[i - 1];
        if (call?.type !== 'CallExpression' || call.callee !== parent) break;
        if (method === 'catch') {
          if (handlerOnlyLogs((call.arguments as AstNode[])[0])) out.push({ call: node, what, handler: call });
          return;
        }
        if (method !== 'then' && method !== 'finally') break;
        child = call;
        i--;
        continue;
      }
      // `.then((ds) => ds.runMigrations())`: the callback returns the migration's promise into the chain.
      const returned = (parent.type === 'ArrowFunctionExpression' && parent.body === child) || parent.type === 'ReturnStatement';
      if (!returned) break;
      const fnIndex =
        parent.type === 'ReturnStatement'
          ? ancestors
              .slice(0, i)
              .map((a) => FUNCTION_TYPES.has(a.type))
              .lastIndexOf(true)
          : i;
      const fn = ancestors[fnIndex];
      const call = ancestors[fnIndex - 1];
      const callee = call?.type === 'CallExpression' ? unwrapExpression(call.callee as AstNode) : undefined;
      if (
        !fn ||
        callee?.type !== 'MemberExpression' ||
        (callee.property as AstNode).name !== 'then' ||
        !(call!.arguments as AstNode[]).includes(fn)
      )
        break;
      child = call!;
      i = fnIndex - 1;
    }
    // try { ...migration... } catch { log } with no finally, in the same function
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const a = ancestors[i]!;
      if (FUNCTION_TYPES.has(a.type)) break;
      if (a.type !== 'TryStatement' || ancestors[i + 1] !== a.block) continue;
      const handler = a.handler as AstNode | null;
      if (handler && !a.finalizer && onlyLogs(handler.body as AstNode)) out.push({ call: node, what, handler });
      break;
    }
  });
  return out;
}
