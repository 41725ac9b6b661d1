/**
 * Most ORM config files are data: `export default defineConfig({ dialect, out, dbCredentials: {
 * url: process.env.DATABASE_URL! } })`. Such a file is read without running it: oxc-parser parses
 * it and the exported object is built from the syntax tree, with `process.env` as the file would
 * see it (the environment, then the project's .env). That is what the ORM's CLI would get by
 * running it, in a few milliseconds instead of the tens that loading a TypeScript transform costs.
 *
 * A file that does anything else (imports another module, calls a function, spreads, computes
 * a value from something that is not a literal, an environment variable or a `const` of the same
 * file) is not data: `readStaticConfig` returns undefined and the caller runs the file.
 */
import { unwrapExpression, type AstNode } from '../js/estree.js';

export interface StaticConfigOptions {
  /** What `process.env.NAME` is while the file runs (undefined when unset). */
  env: (name: string) => string | undefined;
  /** Modules the file may import, and the functions of each that return their argument (`drizzle-kit`: `defineConfig`). */
  identityImports: Record<string, readonly string[]>;
  /** Modules imported only for their side effect that change nothing lockstep reads (`dotenv/config`: the .env is already visible). */
  sideEffectImports?: readonly string[];
}

/** Thrown inside the evaluator when the file is not plain data. */
class NotData extends Error {}
const notData = (): never => {
  throw new NotData();
};

/** The default export of `source` when it is plain data; undefined when the file must be run. */
export async function readStaticConfig(filename: string, source: string, options: StaticConfigOptions): Promise<unknown> {
  let program: AstNode;
  try {
    // Loaded here, not with the module: only a command that reads such a file pays for it.
    const { parseSync } = await import('oxc-parser');
    const parsed = parseSync(filename, source, { sourceType: 'module' });
    if (parsed.errors.length > 0) return undefined;
    program = parsed.program as unknown as AstNode;
  } catch {
    return undefined;
  }
  try {
    return new Evaluator(options).module(program.body as AstNode[]);
  } catch (error) {
    if (error instanceof NotData) return undefined;
    throw error;
  }
}

const TYPE_ONLY = new Set(['TSTypeAliasDeclaration', 'TSInterfaceDeclaration', 'EmptyStatement']);

class Evaluator {
  /** `const` bindings of the file, by name, evaluated on first use. */
  private readonly constants = new Map<string, AstNode>();
  /** Local names bound to a function that returns its argument. */
  private readonly identities = new Set<string>();
  private depth = 0;

  constructor(private readonly options: StaticConfigOptions) {}

  module(body: AstNode[]): unknown {
    let exported: AstNode | undefined;
    for (const statement of body) {
      if (TYPE_ONLY.has(statement.type)) continue;
      if (statement.type === 'ImportDeclaration') this.importDeclaration(statement);
      else if (statement.type === 'VariableDeclaration' && statement.kind === 'const') this.constDeclaration(statement);
      else if (statement.type === 'ExportDefaultDeclaration' && !exported) exported = statement.declaration as AstNode;
      else notData();
    }
    return exported ? this.value(exported) : notData();
  }

  private importDeclaration(node: AstNode): void {
    if (node.importKind === 'type') return;
    const source = (node.source as AstNode).value as string;
    const specifiers = node.specifiers as AstNode[];
    if (specifiers.length === 0 && this.options.sideEffectImports?.includes(source)) return;
    const identity = this.options.identityImports[source];
    if (!identity) notData();
    for (const specifier of specifiers) {
      if (specifier.importKind === 'type') continue;
      if (specifier.type !== 'ImportSpecifier') notData();
      const imported = specifier.imported as AstNode;
      const name = (imported.name ?? imported.value) as string;
      if (!identity!.includes(name)) notData();
      this.identities.add((specifier.local as AstNode).name as string);
    }
  }

  private constDeclaration(node: AstNode): void {
    for (const declarator of node.declarations as AstNode[]) {
      const id = declarator.id as AstNode;
      if (id.type !== 'Identifier' || !declarator.init) notData();
      this.constants.set(id.name as string, declarator.init as AstNode);
    }
  }

  private value(node: AstNode | undefined): unknown {
    const n = unwrapExpression(node);
    if (!n || ++this.depth > 64) notData();
    try {
      return this.evaluate(n!);
    } finally {
      this.depth--;
    }
  }

  private evaluate(n: AstNode): unknown {
    switch (n.type) {
      case 'Literal':
        return n.value !== null && typeof n.value === 'object' ? notData() : n.value;
      case 'TemplateLiteral': {
        const quasis = n.quasis as AstNode[];
        const expressions = n.expressions as AstNode[];
        let out = '';
        quasis.forEach((quasi, i) => {
          const text = quasi.value as { cooked?: string | null };
          if (typeof text.cooked !== 'string') notData();
          out += text.cooked;
          if (i < expressions.length) out += String(this.value(expressions[i]));
        });
        return out;
      }
      case 'ObjectExpression': {
        const out: Record<string, unknown> = {};
        for (const property of n.properties as AstNode[]) {
          if (property.type !== 'Property' || property.kind !== 'init' || property.method || property.computed) notData();
          const key = property.key as AstNode;
          const name =
            key.type === 'Identifier'
              ? key.name
              : key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')
                ? String(key.value)
                : notData();
          out[name as string] = this.value(property.value as AstNode);
        }
        return out;
      }
      case 'ArrayExpression':
        return (n.elements as Array<AstNode | null>).map((element) =>
          element && element.type !== 'SpreadElement' ? this.value(element) : notData(),
        );
      case 'Identifier': {
        if (n.name === 'undefined') return undefined;
        const init = this.constants.get(n.name as string);
        return init ? this.value(init) : notData();
      }
      case 'MemberExpression':
        return this.environmentVariable(n);
      case 'CallExpression': {
        const callee = unwrapExpression(n.callee as AstNode);
        const args = n.arguments as AstNode[];
        if (
          callee?.type !== 'Identifier' ||
          !this.identities.has(callee.name as string) ||
          args.length !== 1 ||
          args[0]!.type === 'SpreadElement'
        )
          notData();
        return this.value(args[0]);
      }
      case 'LogicalExpression': {
        const left = this.value(n.left as AstNode);
        if (n.operator === '??') return left ?? this.value(n.right as AstNode);
        if (n.operator === '||') return left || this.value(n.right as AstNode);
        return left && this.value(n.right as AstNode);
      }
      case 'ConditionalExpression':
        return this.value(n.test as AstNode) ? this.value(n.consequent as AstNode) : this.value(n.alternate as AstNode);
      case 'UnaryExpression': {
        const argument = this.value(n.argument as AstNode);
        if (n.operator === '!') return !argument;
        if (n.operator === '-' && typeof argument === 'number') return -argument;
        return notData();
      }
      case 'BinaryExpression': {
        const left = this.value(n.left as AstNode);
        const right = this.value(n.right as AstNode);
        if (n.operator === '===') return left === right;
        if (n.operator === '!==') return left !== right;
        if (n.operator === '+' && typeof left === 'string' && typeof right === 'string') return left + right;
        return notData();
      }
      default:
        return notData();
    }
  }

  /** `process.env.NAME` and `process.env['NAME']`. */
  private environmentVariable(n: AstNode): unknown {
    const object = unwrapExpression(n.object as AstNode);
    const property = n.property as AstNode;
    const name =
      !n.computed && property.type === 'Identifier'
        ? property.name
        : n.computed && property.type === 'Literal' && typeof property.value === 'string'
          ? property.value
          : undefined;
    if (
      typeof name === 'string' &&
      object?.type === 'MemberExpression' &&
      !object.computed &&
      (object.object as AstNode).type === 'Identifier' &&
      (object.object as AstNode).name === 'process' &&
      (object.property as AstNode).name === 'env'
    ) {
      return this.options.env(name);
    }
    return notData();
  }
}
