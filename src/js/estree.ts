/** Reading JavaScript and TypeScript: walking oxc-parser's ESTree, and the small questions doctor checks and config readers ask of it. */

// The ESTree as oxc-parser returns it, walked generically: every node has `type`, `start`, `end`.
export interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

export function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

const SKIP_KEYS = new Set(['type', 'start', 'end', 'range', 'loc']);

/** The child nodes of a node, in source order. */
export function children(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const key in node) {
    if (SKIP_KEYS.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) out.push(item);
    } else if (isNode(value)) out.push(value);
  }
  return out;
}

/**
 * Visits every node depth-first with its ancestors (nearest last). Returning `false` from
 * `enter` skips the node's children.
 */
export function walk(root: AstNode, enter: (node: AstNode, ancestors: readonly AstNode[]) => boolean | void): void {
  const ancestors: AstNode[] = [];
  const visit = (node: AstNode) => {
    if (enter(node, ancestors) === false) return;
    ancestors.push(node);
    for (const child of children(node)) visit(child);
    ancestors.pop();
  };
  visit(root);
}

export const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Strips parentheses, `as`, `!`, `satisfies` and type assertions. */
export function unwrapExpression(node: AstNode | null | undefined): AstNode | undefined {
  let current = node ?? undefined;
  while (
    current &&
    [
      'ParenthesizedExpression',
      'TSAsExpression',
      'TSNonNullExpression',
      'TSSatisfiesExpression',
      'TSTypeAssertion',
      'ChainExpression',
    ].includes(current.type)
  ) {
    current = current.expression as AstNode;
  }
  return current;
}

/** `a.b.c` as ['a', 'b', 'c'] (computed string keys included); undefined for anything else. */
export function memberPath(node: AstNode | undefined): string[] | undefined {
  const n = unwrapExpression(node);
  if (!n) return undefined;
  if (n.type === 'Identifier') return [n.name as string];
  if (n.type === 'MemberExpression') {
    const object = memberPath(n.object as AstNode);
    if (!object) return undefined;
    const property = n.property as AstNode;
    if (!n.computed && property.type === 'Identifier') return [...object, property.name as string];
    if (n.computed && property.type === 'Literal' && typeof property.value === 'string') return [...object, property.value];
    return undefined;
  }
  if (n.type === 'ThisExpression') return ['this'];
  return undefined;
}

/** The property name of an object property or class member (`a`, `'a'`, `["a"]`). */
export function propertyName(node: AstNode): string | undefined {
  const key = node.key as AstNode | undefined;
  if (!key) return undefined;
  if (key.type === 'Identifier' && !node.computed) return key.name as string;
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  return undefined;
}

/** The properties of an object literal by name (the last one wins, as in JavaScript). */
export function objectProperties(node: AstNode): Map<string, AstNode> {
  const out = new Map<string, AstNode>();
  for (const property of (node.properties as AstNode[]) ?? []) {
    if (property.type !== 'Property') continue;
    const name = propertyName(property);
    if (name !== undefined) out.set(name, property);
  }
  return out;
}

/** The name a call calls: `migrate` for `migrate(...)`, `listen` for `app.listen(...)`. */
export function calleeName(call: AstNode): string | undefined {
  const callee = unwrapExpression(call.callee as AstNode);
  if (!callee) return undefined;
  if (callee.type === 'Identifier') return callee.name as string;
  if (callee.type === 'MemberExpression' && !callee.computed && (callee.property as AstNode).type === 'Identifier')
    return (callee.property as AstNode).name as string;
  return undefined;
}

/** The nearest enclosing function of the last ancestor, or undefined at module level. */
export function enclosingFunction(ancestors: readonly AstNode[]): AstNode | undefined {
  for (let i = ancestors.length - 1; i >= 0; i--) if (FUNCTION_TYPES.has(ancestors[i]!.type)) return ancestors[i];
  return undefined;
}
