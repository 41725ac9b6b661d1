/**
 * drizzle-orm in the project's code: which drivers and migrators it imports, and every call of
 * a migrator's `migrate(...)` with what happens to the promise it returns.
 */
import {
  type AstNode,
  calleeName,
  enclosingFunction,
  FUNCTION_TYPES,
  memberPath,
  unwrapExpression,
  walk,
} from '../../js/estree.js';
import type { ParsedSource } from '../scan/source-index.js';

/** drizzle-orm driver entry points (and schema builders) and the SQL dialect each speaks. */
export const DRIZZLE_DRIVER_DIALECTS: Record<string, string> = {
  'node-postgres': 'postgresql',
  'postgres-js': 'postgresql',
  'neon-http': 'postgresql',
  'neon-serverless': 'postgresql',
  neon: 'postgresql',
  'vercel-postgres': 'postgresql',
  'xata-http': 'postgresql',
  pglite: 'postgresql',
  'pg-proxy': 'postgresql',
  'aws-data-api/pg': 'postgresql',
  'bun-sql': 'postgresql',
  supabase: 'postgresql',
  mysql2: 'mysql',
  'planetscale-serverless': 'mysql',
  'tidb-serverless': 'mysql',
  'mysql-proxy': 'mysql',
  singlestore: 'singlestore',
  'singlestore-proxy': 'singlestore',
  'better-sqlite3': 'sqlite',
  'bun-sqlite': 'sqlite',
  libsql: 'sqlite',
  d1: 'sqlite',
  'expo-sqlite': 'sqlite',
  'op-sqlite': 'sqlite',
  'sqlite-proxy': 'sqlite',
  'durable-sqlite': 'sqlite',
  'sql-js': 'sqlite',
  gel: 'gel',
  // The schema builders: a table defined with pg-core is PostgreSQL whatever the driver.
  'pg-core': 'postgresql',
  'mysql-core': 'mysql',
  'sqlite-core': 'sqlite',
  'singlestore-core': 'singlestore',
  'gel-core': 'gel',
};

/** Drivers whose migrator's `migrate()` runs synchronously and returns nothing to await (better-sqlite3, bun:sqlite, sql.js). */
export const SYNCHRONOUS_MIGRATORS: ReadonlySet<string> = new Set(['better-sqlite3', 'bun-sqlite', 'sql-js']);

/** drizzle.config's `dialect` (and the old `driver`) as the dialect family. */
export function configDialectFamily(dialect: string | undefined): string | undefined {
  if (!dialect) return undefined;
  if (['postgresql', 'postgres', 'pg'].includes(dialect)) return 'postgresql';
  if (['mysql', 'mysql2'].includes(dialect)) return 'mysql';
  if (['sqlite', 'turso', 'libsql', 'better-sqlite', 'd1-http', 'expo'].includes(dialect)) return 'sqlite';
  return dialect;
}

export interface DrizzleImport {
  module: string;
  driver: string;
  dialect: string | undefined;
  migrator: boolean;
  start: number;
  /** Local names of `migrate` (or of the namespace, for `import * as m`). */
  migrateLocals: string[];
  namespaceLocals: string[];
}

export type PromiseHandling = 'awaited' | 'returned' | 'then' | 'none';

export interface MigrateCall {
  call: AstNode;
  ancestors: AstNode[];
  module: string;
  /** The migrator runs synchronously (better-sqlite3...): when the call returns, the migration is done. */
  synchronous: boolean;
  handling: PromiseHandling;
  /** The `.then(...)` call when handling is `then`. */
  thenCall: AstNode | undefined;
  /** The statement that holds the call when nothing handles its promise (`migrate(...);` or `void migrate(...)`). */
  statement: AstNode | undefined;
}

const MODULE = /^drizzle-orm\/(.+?)(\/migrator)?$/;

export function drizzleImports(source: ParsedSource): DrizzleImport[] {
  const out: DrizzleImport[] = [];
  const add = (specifier: string, start: number, bindings: Array<{ local: string; imported: string }>) => {
    const match = MODULE.exec(specifier);
    if (!match) return;
    const driver = match[1]!;
    if (!(driver in DRIZZLE_DRIVER_DIALECTS)) return;
    out.push({
      module: specifier,
      driver,
      dialect: DRIZZLE_DRIVER_DIALECTS[driver],
      migrator: Boolean(match[2]),
      start,
      migrateLocals: bindings.filter((b) => b.imported === 'migrate').map((b) => b.local),
      namespaceLocals: bindings.filter((b) => b.imported === '*').map((b) => b.local),
    });
  };
  for (const imp of source.imports)
    if (!imp.typeOnly && !imp.reexport)
      add(
        imp.specifier,
        imp.start,
        imp.bindings.filter((b) => !b.typeOnly),
      );
  // CommonJS: const { migrate } = require('drizzle-orm/node-postgres/migrator')
  walk(source.program as unknown as AstNode, (node) => {
    if (node.type !== 'VariableDeclarator') return;
    const init = unwrapExpression(node.init as AstNode);
    if (init?.type !== 'CallExpression' || calleeName(init) !== 'require') return;
    const arg = (init.arguments as AstNode[])[0];
    if (arg?.type !== 'Literal' || typeof arg.value !== 'string') return;
    const id = node.id as AstNode;
    const bindings: Array<{ local: string; imported: string }> = [];
    if (id.type === 'Identifier') bindings.push({ local: id.name as string, imported: '*' });
    if (id.type === 'ObjectPattern') {
      for (const p of id.properties as AstNode[]) {
        const key = p.key as AstNode | undefined;
        const value = p.value as AstNode | undefined;
        if (key?.type === 'Identifier' && value?.type === 'Identifier')
          bindings.push({ local: value.name as string, imported: key.name as string });
      }
    }
    add(arg.value, node.start, bindings);
    return false;
  });
  return out;
}

const TRANSPARENT = new Set([
  'ParenthesizedExpression',
  'TSAsExpression',
  'TSNonNullExpression',
  'TSSatisfiesExpression',
  'ChainExpression',
]);

/** What the code does with the promise a call returns. */
export function promiseHandling(
  call: AstNode,
  ancestors: readonly AstNode[],
): { handling: PromiseHandling; thenCall?: AstNode; statement?: AstNode } {
  let child: AstNode = call;
  let thenCall: AstNode | undefined;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const parent = ancestors[i]!;
    if (TRANSPARENT.has(parent.type)) {
      child = parent;
      continue;
    }
    if (parent.type === 'AwaitExpression' || parent.type === 'YieldExpression') return { handling: 'awaited' };
    if (parent.type === 'ReturnStatement') return { handling: 'returned' };
    if (parent.type === 'ArrowFunctionExpression' && parent.body === child) return { handling: 'returned' };
    if (parent.type === 'MemberExpression' && parent.object === child && !parent.computed) {
      const name = (parent.property as AstNode).name;
      const grand = ancestors[i - 1];
      if (
        grand?.type === 'CallExpression' &&
        grand.callee === parent &&
        (name === 'then' || name === 'catch' || name === 'finally')
      ) {
        if (name === 'then') thenCall = grand;
        child = grand;
        i--;
        continue;
      }
      return { handling: 'none' };
    }
    if (parent.type === 'ArrayExpression') {
      const grand = ancestors[i - 1];
      const path = grand?.type === 'CallExpression' ? memberPath(grand.callee as AstNode) : undefined;
      if (grand && path?.[0] === 'Promise') {
        child = grand;
        i--;
        continue;
      }
      return { handling: 'none' };
    }
    if (parent.type === 'VariableDeclarator' && (parent.id as AstNode).type === 'Identifier') {
      const name = (parent.id as AstNode).name as string;
      const scope = enclosingFunction(ancestors.slice(0, i)) ?? ancestors[0]!;
      let awaited = false;
      walk(scope, (node) => {
        if (node.type === 'AwaitExpression') {
          const arg = unwrapExpression(node.argument as AstNode);
          if (arg?.type === 'Identifier' && arg.name === name) awaited = true;
          if (
            arg?.type === 'CallExpression' &&
            (arg.arguments as AstNode[]).some(
              (a) =>
                a.type === 'ArrayExpression' &&
                (a.elements as AstNode[]).some((e) => e?.type === 'Identifier' && e.name === name),
            )
          )
            awaited = true;
        }
        if (
          node.type === 'ReturnStatement' &&
          unwrapExpression(node.argument as AstNode)?.type === 'Identifier' &&
          unwrapExpression(node.argument as AstNode)!.name === name
        )
          awaited = true;
      });
      return { handling: awaited ? 'awaited' : 'none' };
    }
    if (parent.type === 'ExpressionStatement')
      return thenCall ? { handling: 'then', thenCall } : { handling: 'none', statement: parent };
    if (parent.type === 'UnaryExpression' && parent.operator === 'void') {
      const grand = ancestors[i - 1];
      return thenCall
        ? { handling: 'then', thenCall }
        : { handling: 'none', ...(grand?.type === 'ExpressionStatement' ? { statement: grand } : {}) };
    }
    if (FUNCTION_TYPES.has(parent.type)) break;
    return thenCall ? { handling: 'then', thenCall } : { handling: 'none' };
  }
  return thenCall ? { handling: 'then', thenCall } : { handling: 'none' };
}

/** Every call of a drizzle migrator's migrate() in the module. */
export function migrateCalls(source: ParsedSource, imports = drizzleImports(source)): MigrateCall[] {
  const direct = new Map<string, string>();
  const namespaces = new Map<string, string>();
  for (const imp of imports) {
    if (!imp.migrator) continue;
    for (const local of imp.migrateLocals) direct.set(local, imp.module);
    for (const local of imp.namespaceLocals) namespaces.set(local, imp.module);
  }
  if (direct.size === 0 && namespaces.size === 0) return [];
  const calls: MigrateCall[] = [];
  walk(source.program as unknown as AstNode, (node, ancestors) => {
    if (node.type !== 'CallExpression') return;
    const path = memberPath(node.callee as AstNode);
    if (!path) return;
    const module =
      path.length === 1
        ? direct.get(path[0]!)
        : path.length === 2 && path[1] === 'migrate'
          ? namespaces.get(path[0]!)
          : undefined;
    if (!module) return;
    const { handling, thenCall, statement } = promiseHandling(node, ancestors);
    const driver = MODULE.exec(module)?.[1] ?? '';
    calls.push({
      call: node,
      ancestors: [...ancestors],
      module,
      synchronous: SYNCHRONOUS_MIGRATORS.has(driver),
      handling,
      thenCall,
      statement,
    });
  });
  return calls;
}
