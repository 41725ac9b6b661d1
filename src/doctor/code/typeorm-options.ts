/**
 * TypeORM connection options in the project's code: the objects passed to `new DataSource(...)`,
 * `createConnection(...)`, NestJS's `TypeOrmModule.forRoot(...)` (and what `forRootAsync`'s
 * `useFactory` returns), objects typed `DataSourceOptions` and object literals that look like
 * options (`type: 'postgres'` with entities, migrations, synchronize...). Read statically, with
 * the branches that lead to each object, so that conditions on NODE_ENV can be evaluated.
 */
import { type AstNode, calleeName, memberPath, objectProperties, unwrapExpression, walk } from '../../js/estree.js';
import {
  evaluate,
  moduleBindings,
  PRODUCTION_SCENARIOS,
  reached,
  truthy,
  type EvalContext,
  type Scenario,
} from './static-eval.js';
import type { ParsedSource } from '../scan/source-index.js';
import type { ProjectScan } from '../scan/project-scan.js';

export interface TypeormOptions {
  source: ParsedSource;
  object: AstNode;
  ancestors: AstNode[];
  /** The object's properties, with those of a same-module object it spreads (`...base`) underneath. */
  props: Map<string, AstNode>;
  bindings: Pick<EvalContext, 'constants' | 'pathModule'>;
}

const DB_TYPES = new Set([
  'postgres',
  'mysql',
  'mariadb',
  'sqlite',
  'better-sqlite3',
  'mssql',
  'oracle',
  'cockroachdb',
  'sqljs',
  'aurora-postgres',
  'aurora-mysql',
  'sap',
  'spanner',
  'capacitor',
  'cordova',
  'expo',
  'nativescript',
  'react-native',
  'mongodb',
]);
const OPTION_KEYS = [
  'entities',
  'migrations',
  'synchronize',
  'dropSchema',
  'migrationsRun',
  'migrationsTableName',
  'subscribers',
];
const OPTION_TYPES =
  /^(DataSourceOptions|ConnectionOptions|TypeOrmModuleOptions|PostgresConnectionOptions|MysqlConnectionOptions|SqliteConnectionOptions)$/;
const DEV_NAME =
  /(^|[^a-z])(dev|development|local|test|testing|e2e|seed|spec)([^a-z]|$)|(Dev|Development|Local|Test|Testing|E2e|Seed)[A-Z]?/;

function resolveObject(node: AstNode | undefined, constants: Map<string, AstNode>): AstNode | undefined {
  const n = unwrapExpression(node);
  if (n?.type === 'ObjectExpression') return n;
  if (n?.type === 'Identifier') {
    const init = unwrapExpression(constants.get(n.name as string));
    return init?.type === 'ObjectExpression' ? init : undefined;
  }
  return undefined;
}

function looksLikeOptions(object: AstNode): boolean {
  const props = objectProperties(object);
  const type = props.get('type');
  const value = type ? unwrapExpression(type.value as AstNode) : undefined;
  const typed = value?.type === 'Literal' && typeof value.value === 'string' && DB_TYPES.has(value.value);
  return typed && OPTION_KEYS.some((k) => props.has(k));
}

/** The variable an object literal is assigned to, when it is one (`const devConfig = {...}`). */
function boundName(ancestors: readonly AstNode[], object: AstNode): string | undefined {
  const parent = ancestors[ancestors.length - 1];
  const candidate =
    parent && ['TSAsExpression', 'TSSatisfiesExpression', 'ParenthesizedExpression'].includes(parent.type)
      ? ancestors[ancestors.length - 2]
      : parent;
  if (
    candidate?.type === 'VariableDeclarator' &&
    (candidate.id as AstNode).type === 'Identifier' &&
    unwrapExpression(candidate.init as AstNode) === object
  )
    return (candidate.id as AstNode).name as string;
  return undefined;
}

export function typeormOptionObjects(scan: ProjectScan): TypeormOptions[] {
  const out: TypeormOptions[] = [];
  for (const path of scan.sources.containing('typeorm')) {
    if (DEV_NAME.test(path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]+$/, ''))) continue;
    const source = scan.sources.parse(path);
    if (!source) continue;
    const program = source.program as unknown as AstNode;
    const bindings = moduleBindings(program);
    const found = new Map<AstNode, AstNode[]>();
    const positions = new Map<AstNode, AstNode[]>();
    walk(program, (node, ancestors) => {
      positions.set(node, [...ancestors]);
      if (node.type === 'ObjectExpression' && looksLikeOptions(node)) found.set(node, [...ancestors]);
      if (node.type === 'NewExpression' || node.type === 'CallExpression') {
        const name = node.type === 'NewExpression' ? memberPath(node.callee as AstNode)?.join('.') : calleeName(node);
        const full = memberPath(node.callee as AstNode)?.join('.');
        if (name === 'DataSource' || name === 'Connection' || name === 'createConnection' || full === 'TypeOrmModule.forRoot') {
          const object = resolveObject((node.arguments as AstNode[])[0], bindings.constants);
          if (object) found.set(object, found.get(object) ?? []);
        }
        if (full === 'TypeOrmModule.forRootAsync') {
          const arg = resolveObject((node.arguments as AstNode[])[0], bindings.constants);
          const factory = arg ? unwrapExpression(objectProperties(arg).get('useFactory')?.value as AstNode) : undefined;
          if (factory) {
            walk(factory, (inner) => {
              if (inner.type === 'ReturnStatement') {
                const object = resolveObject(inner.argument as AstNode, bindings.constants);
                if (object) found.set(object, found.get(object) ?? []);
              }
            });
            const body = unwrapExpression(factory.body as AstNode);
            if (body?.type === 'ObjectExpression') found.set(body, found.get(body) ?? []);
          }
        }
      }
      if (node.type === 'VariableDeclarator') {
        const annotation = ((node.id as AstNode).typeAnnotation as AstNode | null)?.typeAnnotation as AstNode | undefined;
        const typeName = annotation?.type === 'TSTypeReference' ? memberPath(annotation.typeName as AstNode)?.pop() : undefined;
        const object = resolveObject(node.init as AstNode, bindings.constants);
        if (typeName && OPTION_TYPES.test(typeName) && object) found.set(object, found.get(object) ?? []);
      }
    });
    for (const object of found.keys()) {
      const ancestors = positions.get(object) ?? [];
      const name = boundName(ancestors, object);
      if (name && DEV_NAME.test(name)) continue;
      const props = new Map<string, AstNode>();
      for (const property of (object.properties as AstNode[]) ?? []) {
        if (property.type !== 'SpreadElement') continue;
        const spread = resolveObject(property.argument as AstNode, bindings.constants);
        if (spread) for (const [k, v] of objectProperties(spread)) props.set(k, v);
      }
      for (const [k, v] of objectProperties(object)) props.set(k, v);
      out.push({ source, object, ancestors, props, bindings });
    }
  }
  return out;
}

export interface EnabledIn {
  scenario: Scenario;
  /** The property's value expression as written. */
  expression: string;
  property: AstNode;
  /** The value is a literal `true`. */
  literal: boolean;
}

/** Whether an option is true in a production scenario (NODE_ENV=production, or unset), and where. */
export function enabledInProduction(options: TypeormOptions, key: string, dirname?: string): EnabledIn | undefined {
  const property = options.props.get(key);
  if (!property) return undefined;
  const valueNode = property.value as AstNode;
  for (const scenario of PRODUCTION_SCENARIOS) {
    const ctx: EvalContext = { env: scenario.env, dirname, ...options.bindings };
    if (reached(options.ancestors, options.object, ctx) === false) continue;
    if (truthy(evaluate(valueNode, ctx)) === true) {
      const literal = unwrapExpression(valueNode)?.type === 'Literal';
      return {
        scenario,
        expression: options.source.file.text.slice(valueNode.start, valueNode.end).replace(/\s+/g, ' '),
        property,
        literal,
      };
    }
  }
  return undefined;
}
