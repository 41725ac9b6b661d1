/**
 * Static evaluation of configuration expressions (`synchronize`, `migrations` globs...) for a given
 * environment, without running the project: literals, `process.env.X`, comparisons, `!`, `&&`,
 * `||`, `??`, `?:`, template literals, `__dirname`, `__filename`, `import.meta.dirname`/`filename`,
 * `fileURLToPath(import.meta.url)`, `path.join`/`resolve`/`dirname`, `Boolean()`/`String()`, and
 * `const` bindings of the same module. Anything else is UNKNOWN.
 */
import { posix } from 'node:path';
import { type AstNode, memberPath, unwrapExpression, walk } from '../../js/estree.js';

export const UNKNOWN = Symbol('unknown');
export type Value = string | number | boolean | null | undefined | typeof UNKNOWN;

export interface Scenario {
  /** How the scenario is described: `NODE_ENV=production`, `NODE_ENV unset`. */
  name: string;
  env: Record<string, string | undefined>;
}

/** The environments production may run in: NODE_ENV=production, or nothing set at all; other variables unset. */
export const PRODUCTION_SCENARIOS: readonly Scenario[] = [
  { name: 'NODE_ENV=production', env: { NODE_ENV: 'production' } },
  { name: 'NODE_ENV is unset', env: {} },
];

export interface EvalContext {
  env: Record<string, string | undefined>;
  /** `__dirname` (and `import.meta.dirname`) as a project-relative directory. */
  dirname?: string | undefined;
  /** `__filename` (and `import.meta.filename`, `fileURLToPath(import.meta.url)`) as a project-relative path. */
  filename?: string | undefined;
  /** `const` declarations of the module, by name. */
  constants: Map<string, AstNode>;
  /** Local names bound to node's path module (`path`, or `join` / `resolve` / `dirname` imported from it) and to url's fileURLToPath. */
  pathModule: {
    namespaces: Set<string>;
    join: Set<string>;
    resolve: Set<string>;
    dirname: Set<string>;
    fileURLToPath: Set<string>;
    urlNamespaces: Set<string>;
  };
}

/** The `const` declarations and the path-module bindings of a module, for `evaluate`. */
export function moduleBindings(program: AstNode): Pick<EvalContext, 'constants' | 'pathModule'> {
  const constants = new Map<string, AstNode>();
  const pathModule = {
    namespaces: new Set<string>(),
    join: new Set<string>(),
    resolve: new Set<string>(),
    dirname: new Set<string>(),
    fileURLToPath: new Set<string>(),
    urlNamespaces: new Set<string>(),
  };
  walk(program, (node) => {
    if (node.type === 'VariableDeclaration' && node.kind === 'const') {
      for (const d of node.declarations as AstNode[]) {
        const id = d.id as AstNode;
        if (id.type === 'Identifier' && d.init && !constants.has(id.name as string))
          constants.set(id.name as string, d.init as AstNode);
      }
    }
    if (node.type === 'ImportDeclaration') {
      const source = (node.source as AstNode).value;
      if (source === 'url' || source === 'node:url') {
        for (const s of node.specifiers as AstNode[]) {
          const local = (s.local as AstNode).name as string;
          if (s.type === 'ImportDefaultSpecifier' || s.type === 'ImportNamespaceSpecifier') pathModule.urlNamespaces.add(local);
          else if (((s.imported as AstNode).name ?? (s.imported as AstNode).value) === 'fileURLToPath')
            pathModule.fileURLToPath.add(local);
        }
        return false;
      }
      if (source !== 'path' && source !== 'node:path') return false;
      for (const s of node.specifiers as AstNode[]) {
        const local = (s.local as AstNode).name as string;
        if (s.type === 'ImportDefaultSpecifier' || s.type === 'ImportNamespaceSpecifier') pathModule.namespaces.add(local);
        else {
          const imported = (s.imported as AstNode).name ?? (s.imported as AstNode).value;
          if (imported === 'join') pathModule.join.add(local);
          if (imported === 'resolve') pathModule.resolve.add(local);
          if (imported === 'dirname') pathModule.dirname.add(local);
        }
      }
      return false;
    }
  });
  return { constants, pathModule };
}

export function truthy(value: Value): boolean | undefined {
  return value === UNKNOWN ? undefined : Boolean(value);
}

export function evaluate(node: AstNode | null | undefined, ctx: EvalContext, depth = 0): Value {
  const n = unwrapExpression(node);
  if (!n || depth > 20) return UNKNOWN;
  const ev = (child: unknown) => evaluate(child as AstNode, ctx, depth + 1);
  switch (n.type) {
    case 'Literal':
      return typeof n.value === 'object' && n.value !== null ? UNKNOWN : (n.value as Value);
    case 'TemplateLiteral': {
      const quasis = n.quasis as AstNode[];
      const expressions = n.expressions as AstNode[];
      let out = '';
      for (let i = 0; i < quasis.length; i++) {
        out += (quasis[i]!.value as { cooked?: string; raw: string }).cooked ?? (quasis[i]!.value as { raw: string }).raw;
        if (i < expressions.length) {
          const v = ev(expressions[i]);
          if (v === UNKNOWN) return UNKNOWN;
          out += String(v);
        }
      }
      return out;
    }
    case 'Identifier': {
      const name = n.name as string;
      if (name === 'undefined') return undefined;
      if (name === '__dirname') return ctx.dirname ?? UNKNOWN;
      if (name === '__filename') return ctx.filename ?? UNKNOWN;
      const init = ctx.constants.get(name);
      return init ? ev(init) : UNKNOWN;
    }
    case 'MemberExpression': {
      const path = memberPath(n);
      if (path && path.length === 3 && path[0] === 'process' && path[1] === 'env') return ctx.env[path[2]!];
      if (path && path.join('.') === 'import.meta.dirname') return ctx.dirname ?? UNKNOWN;
      if ((n.object as AstNode).type === 'MetaProperty' && !n.computed && (n.property as AstNode).name === 'dirname')
        return ctx.dirname ?? UNKNOWN;
      if ((n.object as AstNode).type === 'MetaProperty' && !n.computed && (n.property as AstNode).name === 'filename')
        return ctx.filename ?? UNKNOWN;
      return UNKNOWN;
    }
    case 'UnaryExpression': {
      const v = ev(n.argument);
      if (v === UNKNOWN) return UNKNOWN;
      switch (n.operator) {
        case '!':
          return !v;
        case '-':
          return -(v as number);
        case '+':
          return Number(v);
        case 'typeof':
          return typeof v;
        case 'void':
          return undefined;
        default:
          return UNKNOWN;
      }
    }
    case 'LogicalExpression': {
      const left = ev(n.left);
      if (n.operator === '&&')
        return left === UNKNOWN ? (ev(n.right) === UNKNOWN || truthy(ev(n.right)) ? UNKNOWN : false) : left ? ev(n.right) : left;
      if (n.operator === '||')
        return left === UNKNOWN ? (truthy(ev(n.right)) === true ? true : UNKNOWN) : left ? left : ev(n.right);
      if (n.operator === '??') return left === UNKNOWN ? UNKNOWN : left === null || left === undefined ? ev(n.right) : left;
      return UNKNOWN;
    }
    case 'ConditionalExpression': {
      const test = truthy(ev(n.test));
      if (test === undefined) {
        const a = ev(n.consequent);
        const b = ev(n.alternate);
        return a === b ? a : UNKNOWN;
      }
      return test ? ev(n.consequent) : ev(n.alternate);
    }
    case 'BinaryExpression': {
      const left = ev(n.left);
      const right = ev(n.right);
      if (left === UNKNOWN || right === UNKNOWN) return UNKNOWN;
      const l = left as never;
      const r = right as never;
      switch (n.operator) {
        case '===':
          return left === right;
        case '!==':
          return left !== right;
        case '==':
          // biome-ignore lint/suspicious/noDoubleEquals: evaluates JavaScript's loose equality as written
          return left == right;
        case '!=':
          // biome-ignore lint/suspicious/noDoubleEquals: evaluates JavaScript's loose inequality as written
          return left != right;
        case '+':
          return typeof left === 'string' || typeof right === 'string'
            ? String(left) + String(right)
            : (l as number) + (r as number);
        case '<':
          return l < r;
        case '>':
          return l > r;
        case '<=':
          return l <= r;
        case '>=':
          return l >= r;
        default:
          return UNKNOWN;
      }
    }
    case 'CallExpression': {
      const path = memberPath(n.callee as AstNode);
      const args = (n.arguments as AstNode[]).map(ev);
      if (!path) return UNKNOWN;
      const name = path.join('.');
      if (name === 'Boolean' && args.length === 1) return args[0] === UNKNOWN ? UNKNOWN : Boolean(args[0]);
      if (name === 'String' && args.length === 1) return args[0] === UNKNOWN ? UNKNOWN : String(args[0]);
      if (name === 'Number' && args.length === 1) return args[0] === UNKNOWN ? UNKNOWN : Number(args[0]);
      const isJoin =
        (path.length === 2 && ctx.pathModule.namespaces.has(path[0]!) && path[1] === 'join') ||
        (path.length === 1 && ctx.pathModule.join.has(path[0]!));
      const isResolve =
        (path.length === 2 && ctx.pathModule.namespaces.has(path[0]!) && path[1] === 'resolve') ||
        (path.length === 1 && ctx.pathModule.resolve.has(path[0]!));
      if (isJoin || isResolve) {
        if (args.some((a) => typeof a !== 'string')) return UNKNOWN;
        return posix.join(...(args as string[]));
      }
      const isDirname =
        (path.length === 2 && ctx.pathModule.namespaces.has(path[0]!) && path[1] === 'dirname') ||
        (path.length === 1 && ctx.pathModule.dirname.has(path[0]!));
      if (isDirname) return args.length === 1 && typeof args[0] === 'string' ? posix.dirname(args[0]) : UNKNOWN;
      const isFileUrlToPath =
        (path.length === 2 && ctx.pathModule.urlNamespaces.has(path[0]!) && path[1] === 'fileURLToPath') ||
        (path.length === 1 && ctx.pathModule.fileURLToPath.has(path[0]!));
      if (isFileUrlToPath) {
        const argument = unwrapExpression((n.arguments as AstNode[])[0]);
        const isMetaUrl =
          argument?.type === 'MemberExpression' &&
          (argument.object as AstNode).type === 'MetaProperty' &&
          !argument.computed &&
          (argument.property as AstNode).name === 'url';
        return isMetaUrl ? (ctx.filename ?? UNKNOWN) : UNKNOWN;
      }
      // `x.toLowerCase()`, `x.trim()` on a known string.
      const callee = unwrapExpression(n.callee as AstNode);
      if (callee?.type === 'MemberExpression' && !callee.computed && args.length === 0) {
        const target = ev(callee.object);
        const method = (callee.property as AstNode).name;
        if (typeof target === 'string' && (method === 'toLowerCase' || method === 'toUpperCase' || method === 'trim'))
          return target[method]();
        if (target === undefined && (method === 'toLowerCase' || method === 'trim')) return UNKNOWN;
      }
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

/**
 * Whether the branches that lead to `node` are taken in a scenario: the conditions of enclosing
 * `?:`, `if`, `&&`/`||` and `switch` cases are evaluated. `false` when some branch is known not to
 * be taken, `true` when all are, undefined when one is unknown.
 */
export function reached(ancestors: readonly AstNode[], node: AstNode, ctx: EvalContext): boolean | undefined {
  let child = node;
  let result: boolean | undefined = true;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const parent = ancestors[i]!;
    let taken: boolean | undefined = true;
    if (parent.type === 'ConditionalExpression' && parent.test !== child) {
      const test = truthy(evaluate(parent.test as AstNode, ctx));
      taken = test === undefined ? undefined : parent.consequent === child ? test : !test;
    } else if (parent.type === 'IfStatement' && parent.test !== child) {
      const test = truthy(evaluate(parent.test as AstNode, ctx));
      taken = test === undefined ? undefined : parent.consequent === child ? test : !test;
    } else if (parent.type === 'LogicalExpression' && parent.right === child) {
      const left = truthy(evaluate(parent.left as AstNode, ctx));
      taken = left === undefined ? undefined : parent.operator === '&&' ? left : parent.operator === '||' ? !left : undefined;
    } else if (parent.type === 'SwitchCase' && parent.test) {
      const statement = ancestors[i - 1];
      const discriminant = statement ? evaluate(statement.discriminant as AstNode, ctx) : UNKNOWN;
      const test = evaluate(parent.test as AstNode, ctx);
      taken = discriminant === UNKNOWN || test === UNKNOWN ? undefined : discriminant === test;
    }
    if (taken === false) return false;
    if (taken === undefined) result = undefined;
    child = parent;
  }
  return result;
}
