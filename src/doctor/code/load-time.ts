/**
 * Which imported bindings a module reads while it is being evaluated (at load time), as opposed
 * to inside functions that run later. A binding is read at load time when it appears outside any
 * function body: in top-level statements, a class's `extends`, decorator arguments (not inside an
 * arrow function such as TypeORM's `() => Other`), static property initializers and static blocks,
 * computed member names. With `emitDecoratorMetadata`, the type of a decorated property is
 * evaluated too (`design:type`), when it names an imported class directly (not `Other[]`,
 * `Relation<Other>`, a union, or a type-only import).
 */
import { type AstNode, FUNCTION_TYPES, unwrapExpression, walk } from '../../js/estree.js';

/** TypeScript nodes that hold runtime expressions; every other TS node is a type and evaluates nothing. */
const TS_VALUE_NODES = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion', 'TSEnumDeclaration', 'TSEnumBody', 'TSEnumMember', 'TSModuleDeclaration', 'TSModuleBlock', 'TSExportAssignment', 'TSParameterProperty', 'TSInstantiationExpression']);

export interface LoadTimeUse {
  local: string;
  /** Offset of the use. */
  offset: number;
  /** How it is used: `extends Customer`, `@ManyToOne(Customer)`, `design:type of customer`... */
  how: string;
}

export function loadTimeUses(program: AstNode, locals: ReadonlySet<string>, options: { decoratorMetadata: boolean }): LoadTimeUse[] {
  const uses: LoadTimeUse[] = [];
  if (locals.size === 0) return uses;
  walk(program, (node, ancestors) => {
    if (FUNCTION_TYPES.has(node.type)) return false;
    // Instance fields run in the constructor, not at load time.
    if ((node.type === 'PropertyDefinition' || node.type === 'AccessorProperty') && !node.static) {
      if (options.decoratorMetadata && Array.isArray(node.decorators) && node.decorators.length > 0) {
        const annotation = (node.typeAnnotation as AstNode | null)?.typeAnnotation as AstNode | undefined;
        if (annotation?.type === 'TSTypeReference' && !annotation.typeArguments) {
          const name = (annotation.typeName as AstNode).type === 'Identifier' ? ((annotation.typeName as AstNode).name as string) : undefined;
          const key = (node.key as AstNode).name ?? '?';
          if (name && locals.has(name)) uses.push({ local: name, offset: annotation.start, how: `the decorated property ${String(key)}: ${name} (its design:type metadata)` });
        }
      }
      for (const decorator of (node.decorators as AstNode[]) ?? []) visitExpression(decorator, 'a decorator');
      if (node.computed) visitExpression(node.key as AstNode, 'a computed member name');
      return false;
    }
    if (node.type === 'ImportDeclaration' || (node.type.startsWith('TS') && !TS_VALUE_NODES.has(node.type))) return false;
    if (node.type === 'ExportNamedDeclaration' && node.source) return false;
    if (node.type === 'Identifier' && locals.has(node.name as string)) {
      const parent = ancestors[ancestors.length - 1];
      if (parent?.type === 'MemberExpression' && parent.property === node && !parent.computed) return;
      if ((parent?.type === 'Property' || parent?.type === 'MethodDefinition' || parent?.type === 'PropertyDefinition') && parent.key === node && !parent.computed) return;
      if (parent?.type === 'ExportSpecifier' || parent?.type === 'ImportSpecifier') return;
      const cls = [...ancestors].reverse().find((a) => a.type === 'ClassDeclaration' || a.type === 'ClassExpression');
      const how = cls && cls.superClass && within(node, cls.superClass as AstNode) ? `extends ${node.name as string}` : ancestors.some((a) => a.type === 'Decorator') ? `a decorator argument (${node.name as string})` : `${node.name as string} at module level`;
      uses.push({ local: node.name as string, offset: node.start, how });
    }
  });
  return uses;

  function visitExpression(expression: AstNode, how: string): void {
    walk(expression, (inner) => {
      if (FUNCTION_TYPES.has(inner.type)) return false;
      const n = unwrapExpression(inner) ?? inner;
      if (n.type === 'Identifier' && locals.has(n.name as string)) uses.push({ local: n.name as string, offset: n.start, how: `${how} (${n.name as string})` });
    });
  }
}

function within(node: AstNode, outer: AstNode): boolean {
  return node.start >= outer.start && node.end <= outer.end;
}
