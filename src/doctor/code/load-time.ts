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
const TS_VALUE_NODES = new Set([
  'TSAsExpression',
  'TSSatisfiesExpression',
  'TSNonNullExpression',
  'TSTypeAssertion',
  'TSEnumDeclaration',
  'TSEnumBody',
  'TSEnumMember',
  'TSModuleDeclaration',
  'TSModuleBlock',
  'TSExportAssignment',
  'TSParameterProperty',
  'TSInstantiationExpression',
]);

export interface LoadTimeUse {
  local: string;
  /** Offset of the use. */
  offset: number;
  /** How it is used: `extends Customer`, `@ManyToOne(Customer)`, `design:type of customer`... */
  how: string;
}

export function loadTimeUses(
  program: AstNode,
  locals: ReadonlySet<string>,
  options: { decoratorMetadata: boolean },
): LoadTimeUse[] {
  const uses: LoadTimeUse[] = [];
  if (locals.size === 0) return uses;
  walk(program, (node, ancestors) => {
    if (FUNCTION_TYPES.has(node.type)) return false;
    // Instance fields run in the constructor, not at load time.
    if ((node.type === 'PropertyDefinition' || node.type === 'AccessorProperty') && !node.static) {
      if (options.decoratorMetadata && Array.isArray(node.decorators) && node.decorators.length > 0) {
        const annotation = (node.typeAnnotation as AstNode | null)?.typeAnnotation as AstNode | undefined;
        if (annotation?.type === 'TSTypeReference' && !annotation.typeArguments) {
          const name =
            (annotation.typeName as AstNode).type === 'Identifier'
              ? ((annotation.typeName as AstNode).name as string)
              : undefined;
          const key = (node.key as AstNode).name ?? '?';
          if (name && locals.has(name))
            uses.push({
              local: name,
              offset: annotation.start,
              how: `the decorated property ${String(key)}: ${name} (its design:type metadata)`,
            });
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
      if (
        (parent?.type === 'Property' || parent?.type === 'MethodDefinition' || parent?.type === 'PropertyDefinition') &&
        parent.key === node &&
        !parent.computed
      )
        return;
      if (parent?.type === 'ExportSpecifier' || parent?.type === 'ImportSpecifier') return;
      const cls = [...ancestors].reverse().find((a) => a.type === 'ClassDeclaration' || a.type === 'ClassExpression');
      const how =
        cls?.superClass && within(node, cls.superClass as AstNode)
          ? `extends ${node.name as string}`
          : ancestors.some((a) => a.type === 'Decorator')
            ? `a decorator argument (${node.name as string})`
            : `${node.name as string} at module level`;
      uses.push({ local: node.name as string, offset: node.start, how });
    }
  });
  return uses;

  function visitExpression(expression: AstNode, how: string): void {
    walk(expression, (inner) => {
      if (FUNCTION_TYPES.has(inner.type)) return false;
      const n = unwrapExpression(inner) ?? inner;
      if (n.type === 'Identifier' && locals.has(n.name as string))
        uses.push({ local: n.name as string, offset: n.start, how: `${how} (${n.name as string})` });
    });
  }
}

function within(node: AstNode, outer: AstNode): boolean {
  return node.start >= outer.start && node.end <= outer.end;
}

/**
 * The imported bindings a TypeScript module uses as values anywhere (not only at load time):
 * TypeScript, esbuild and swc remove an import none of whose bindings is used as a value (one
 * used only in types, `implements` clauses or type arguments), so such an import is no edge of
 * the module graph at run time. With `emitDecoratorMetadata`, a class named by the type of a
 * decorated property, or of a parameter of a decorated method or of a decorated class's
 * constructor, is a value use too (`design:type` and `design:paramtypes` read it); `isValue`
 * says whether an imported name is a class or other value (not an interface or type alias).
 */
export function valueUses(
  program: AstNode,
  locals: ReadonlySet<string>,
  options: { decoratorMetadata: boolean; isValue: (local: string) => boolean },
): Set<string> {
  const used = new Set<string>();
  if (locals.size === 0) return used;
  const typeUse = (annotation: AstNode | null | undefined) => {
    const name = metadataTypeName((annotation as AstNode | undefined)?.typeAnnotation as AstNode | undefined);
    if (name && locals.has(name) && options.isValue(name)) used.add(name);
  };
  walk(program, (node, ancestors) => {
    if (options.decoratorMetadata) {
      const decorated = Array.isArray(node.decorators) && node.decorators.length > 0;
      if ((node.type === 'PropertyDefinition' || node.type === 'AccessorProperty') && decorated)
        typeUse(node.typeAnnotation as AstNode);
      if (node.type === 'MethodDefinition') {
        const cls = [...ancestors].reverse().find((a) => a.type === 'ClassDeclaration' || a.type === 'ClassExpression');
        const classDecorated = Array.isArray(cls?.decorators) && (cls!.decorators as AstNode[]).length > 0;
        const fn = node.value as AstNode;
        const params = (fn?.params as AstNode[]) ?? [];
        const paramDecorated = params.some((p) => Array.isArray(p.decorators) && p.decorators.length > 0);
        if (decorated || paramDecorated || (node.kind === 'constructor' && classDecorated)) {
          for (const param of params)
            typeUse((param.type === 'TSParameterProperty' ? (param.parameter as AstNode) : param).typeAnnotation as AstNode);
          if (decorated) typeUse(fn?.returnType as AstNode);
        }
      }
    }
    if (node.type === 'ImportDeclaration' || (node.type.startsWith('TS') && !TS_VALUE_NODES.has(node.type))) return false;
    if (node.type === 'ExportNamedDeclaration' && node.source) return false;
    if ((node.type === 'Identifier' || node.type === 'JSXIdentifier') && locals.has(node.name as string)) {
      const parent = ancestors[ancestors.length - 1];
      if (parent?.type === 'MemberExpression' && parent.property === node && !parent.computed) return;
      if (parent?.type === 'JSXMemberExpression' && parent.property === node) return;
      if (parent?.type === 'JSXAttribute' && parent.name === node) return;
      if (
        (parent?.type === 'Property' || parent?.type === 'MethodDefinition' || parent?.type === 'PropertyDefinition') &&
        parent.key === node &&
        !parent.computed &&
        !parent.shorthand
      )
        return;
      if (parent?.type === 'ImportSpecifier') return;
      used.add(node.name as string);
    }
  });
  return used;
}

/** The class a `design:type` reads for a type: `Customer`, or `Customer | null`; undefined for arrays, generics and other types. */
function metadataTypeName(type: AstNode | undefined): string | undefined {
  if (!type) return undefined;
  if (type.type === 'TSTypeReference' && !type.typeArguments && (type.typeName as AstNode).type === 'Identifier')
    return (type.typeName as AstNode).name as string;
  if (type.type === 'TSUnionType') {
    const rest = (type.types as AstNode[]).filter((t) => t.type !== 'TSNullKeyword' && t.type !== 'TSUndefinedKeyword');
    return rest.length === 1 ? metadataTypeName(rest[0]) : undefined;
  }
  return undefined;
}
