import { type AstNode, calleeName, walk } from '../../js/estree.js';
import { loadTimeUses, valueUses, type LoadTimeUse } from '../code/load-time.js';
import type { ProjectScan } from '../scan/project-scan.js';
import type { DoctorCheck } from '../types.js';

const ENTITY_DECORATORS = new Set(['Entity', 'ViewEntity', 'ChildEntity']);

interface Edge {
  to: string;
  /** The first load-time use of a binding imported along this edge, if any. */
  loadTime: LoadTimeUse | undefined;
}

function isEntityFile(scan: ProjectScan, path: string): boolean {
  const parsed = scan.sources.parse(path);
  if (!parsed?.imports.some((i) => i.specifier === 'typeorm')) return false;
  let found = false;
  walk(parsed.program as unknown as AstNode, (node) => {
    if (found) return false;
    if (node.type === 'Decorator') {
      const expression = node.expression as AstNode;
      const name =
        expression.type === 'CallExpression'
          ? calleeName(expression)
          : expression.type === 'Identifier'
            ? (expression.name as string)
            : undefined;
      if (name && ENTITY_DECORATORS.has(name)) found = true;
    }
  });
  return found;
}

/** The import graph reachable from the entity files, each edge marked with its first load-time use. */
function importGraph(scan: ProjectScan, entities: string[]): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  const queue = [...entities];
  while (queue.length > 0 && graph.size < 5000) {
    const path = queue.shift()!;
    if (graph.has(path)) continue;
    const parsed = scan.sources.parse(path);
    const edges: Edge[] = [];
    graph.set(path, edges);
    if (!parsed) continue;
    const pkg = scan.packageOf(path)?.dir ?? '';
    const build = scan.tsBuild(pkg);
    const typescript = /\.[cm]?tsx?$/.test(path);
    const decoratorMetadata = Boolean(build?.emitDecoratorMetadata) && scan.isEsm(path) && typescript;
    // The compiler drops an import whose bindings are only used as types: it is no edge at run time.
    const elides = typescript && !build?.preservesImports;
    const importedFrom = new Map<string, { target: string; imported: string }>();
    for (const imp of parsed.imports) {
      if (imp.typeOnly) continue;
      const target = scan.sources.resolve(path, imp.specifier);
      if (target) for (const b of imp.bindings) if (!b.typeOnly) importedFrom.set(b.local, { target, imported: b.imported });
    }
    const kept = elides
      ? valueUses(parsed.program as unknown as AstNode, new Set(importedFrom.keys()), {
          decoratorMetadata: Boolean(build?.emitDecoratorMetadata),
          isValue: (local) => !exportsOnlyType(scan, importedFrom.get(local)!.target, importedFrom.get(local)!.imported),
        })
      : undefined;
    const byTarget = new Map<string, Set<string>>();
    for (const imp of parsed.imports) {
      if (imp.typeOnly) continue;
      const target = scan.sources.resolve(path, imp.specifier);
      if (!target) continue;
      const values = imp.bindings.filter((b) => !b.typeOnly);
      // `import './x'` and re-exports always load the module; `import { A } from './a'` only when A is used as a value.
      if (kept && !imp.reexport && imp.bindings.length > 0 && !values.some((b) => kept.has(b.local))) continue;
      const locals = byTarget.get(target) ?? new Set<string>();
      for (const b of values) locals.add(b.local);
      byTarget.set(target, locals);
    }
    for (const [target, locals] of byTarget) {
      const uses = loadTimeUses(parsed.program as unknown as AstNode, locals, { decoratorMetadata });
      edges.push({ to: target, loadTime: uses.sort((a, b) => a.offset - b.offset)[0] });
      queue.push(target);
    }
  }
  return graph;
}

/** Whether a module exports `name` only as a type (an interface or type alias), following re-exports a few levels. */
function exportsOnlyType(scan: ProjectScan, path: string, name: string, depth = 0): boolean {
  if (name === 'default' || name === '*' || depth > 4) return false;
  const parsed = scan.sources.parse(path);
  if (!parsed) return false;
  const body = (parsed.program as unknown as AstNode).body as AstNode[];
  const declared = (id: string): 'type' | 'value' | undefined => {
    for (const statement of body) {
      const declaration =
        statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration'
          ? (statement.declaration as AstNode | null)
          : statement;
      if (!declaration) continue;
      if (
        (declaration.type === 'TSInterfaceDeclaration' || declaration.type === 'TSTypeAliasDeclaration') &&
        (declaration.id as AstNode).name === id
      )
        return 'type';
      if (
        (declaration.type === 'ClassDeclaration' ||
          declaration.type === 'FunctionDeclaration' ||
          declaration.type === 'TSEnumDeclaration' ||
          declaration.type === 'TSModuleDeclaration') &&
        (declaration.id as AstNode | null)?.name === id
      )
        return 'value';
      if (
        declaration.type === 'VariableDeclaration' &&
        (declaration.declarations as AstNode[]).some((d) => (d.id as AstNode).name === id)
      )
        return 'value';
    }
    return undefined;
  };
  const own = declared(name);
  if (own) return own === 'type';
  for (const statement of body) {
    if (statement.type === 'ExportNamedDeclaration') {
      for (const specifier of (statement.specifiers as AstNode[]) ?? []) {
        const exported = (specifier.exported as AstNode).name ?? (specifier.exported as AstNode).value;
        if (exported !== name) continue;
        if (specifier.exportKind === 'type' || statement.exportKind === 'type') return true;
        const local = ((specifier.local as AstNode).name ?? (specifier.local as AstNode).value) as string;
        const source = (statement.source as AstNode | null)?.value as string | undefined;
        if (!source) return declared(local) === 'type';
        const target = scan.sources.resolve(path, source);
        return target ? exportsOnlyType(scan, target, local, depth + 1) : false;
      }
    }
  }
  for (const statement of body) {
    if (statement.type !== 'ExportAllDeclaration' || statement.exported) continue;
    const target = scan.sources.resolve(path, (statement.source as AstNode).value as string);
    if (target && exportsOnlyType(scan, target, name, depth + 1)) return true;
  }
  return false;
}

/** Strongly connected components (Tarjan), iteratively. */
function components(graph: Map<string, Edge[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const start of graph.keys()) {
    if (indices.has(start)) continue;
    const work: Array<{ node: string; edge: number }> = [{ node: start, edge: 0 }];
    indices.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const next = edges[frame.edge++]!.to;
        if (!graph.has(next)) continue;
        if (!indices.has(next)) {
          indices.set(next, index);
          low.set(next, index++);
          stack.push(next);
          onStack.add(next);
          work.push({ node: next, edge: 0 });
        } else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node)!, indices.get(next)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === indices.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        out.push(component);
      }
    }
  }
  return out;
}

/** The shortest path from `from` to `to` inside a component. */
function shortestPath(graph: Map<string, Edge[]>, members: Set<string>, from: string, to: string): string[] | undefined {
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node === to) break;
    for (const edge of graph.get(node) ?? []) {
      if (!members.has(edge.to) || previous.has(edge.to)) continue;
      previous.set(edge.to, node);
      queue.push(edge.to);
    }
  }
  if (!previous.has(to)) return undefined;
  const path = [to];
  while (path[0] !== from) path.unshift(previous.get(path[0]!)!);
  return path;
}

export const typeormEntityImportCycle: DoctorCheck = {
  meta: {
    id: 'typeorm-entity-import-cycle',
    scope: 'typeorm',
    severity: 'error',
    title: 'An import cycle among entity files that evaluates an import at load time',
    why: 'In a cycle, one module runs before the other has finished loading: a class it uses at load time is `undefined` (CommonJS: "Class extends value undefined") or in its temporal dead zone (ES modules: "Cannot access \'Customer\' before initialization").',
    fix: 'Break the load-time use: wrap the reference in an arrow function (`@ManyToOne(() => Customer)`), type relations as `Relation<Customer>` in ES modules, use `import type` for type-only imports, or move the shared base class to a module outside the cycle.',
    fixable: false,
    doc: {
      what: "A cycle in the import graph of TypeORM entity files (files with an `@Entity`, `@ViewEntity` or `@ChildEntity` class, and the modules they import, such as barrel `index.ts` files), printed once as `a.ts → b.ts → a.ts`, when at least one import along the cycle is used at load time. Load time means outside any function body: a class's `extends`, decorator arguments that are not wrapped in an arrow function (`@ManyToOne(Customer)`), static property initializers, top-level statements. In ES modules compiled with `emitDecoratorMetadata`, the type of a decorated property that names an imported class directly (`customer: Customer`) counts too, because TypeScript emits `design:type` metadata that reads it. An import whose bindings a TypeScript file only uses as types (`implements IFlow`, `kind: FlowKind`) is no edge: tsc, esbuild, swc and tsx remove it from the compiled code (unless tsconfig sets `verbatimModuleSyntax` or `preserveValueImports`), except that with `emitDecoratorMetadata` a class named as the type of a decorated property or parameter is kept. Not flagged: `import type`, type-only bindings, relation callbacks `() => Other`, `Relation<Other>`, array and union types, and cycles whose imports are only used inside functions. Relative imports are resolved as TypeScript does (`./a.js` to `./a.ts`, directories to `index.ts`).",
      why: 'Node evaluates a cycle in import order: the module that is reached second finishes first, and while it runs, the first one has not defined its classes yet. Which module comes first depends on which file production loads first (the data source, a glob of entities, a test), so a cycle that works in development can fail in production: `TypeError: Class extends value undefined is not a constructor`, `ReferenceError: Cannot access \'Customer\' before initialization`, or a relation whose target is `undefined` ("Entity metadata for Invoice#customer was not found").',
      fix: "Make every reference along the cycle lazy: TypeORM's relation decorators take a function (`@ManyToOne(() => Customer, (c) => c.invoices)`) for this reason; in ES modules type relation properties as `Relation<Customer>` (from typeorm) so no design:type metadata reads the class; import types with `import type`; move a shared base class or enum into a module that imports no entity.",
      example: {
        file: 'src/entity/Invoice.ts',
        bad: "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';\nimport { Customer } from './Customer';\n\n@Entity()\nexport class Invoice {\n  @PrimaryGeneratedColumn() id: number;\n  @ManyToOne(Customer as never) customer: Customer;\n}",
        good: "import { Entity, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';\nimport { Customer } from './Customer';\n\n@Entity()\nexport class Invoice {\n  @PrimaryGeneratedColumn() id: number;\n  @ManyToOne(() => Customer, (customer) => customer.invoices) customer: Relation<Customer>;\n}",
      },
    },
  },
  run(scan, report) {
    if (!scan.orms.some((o) => o.typeorm)) return;
    const entities = scan.sources.containing('Entity').filter((f) => isEntityFile(scan, f));
    if (entities.length === 0) return;
    const graph = importGraph(scan, entities);
    const entitySet = new Set(entities);
    const seen = new Set<string>();
    for (const component of components(graph)) {
      if (component.length < 2 || !component.some((m) => entitySet.has(m))) continue;
      const members = new Set(component);
      let reported = 0;
      for (const from of [...component].sort()) {
        for (const edge of graph.get(from) ?? []) {
          if (!edge.loadTime || !members.has(edge.to) || reported >= 10) continue;
          const back = shortestPath(graph, members, edge.to, from);
          if (!back) continue;
          const cycle = [from, ...back];
          const ring = cycle.slice(0, -1);
          const min = ring.indexOf([...ring].sort()[0]!);
          const key = [...ring.slice(min), ...ring.slice(0, min)].join('>');
          if (seen.has(key)) continue;
          seen.add(key);
          reported++;
          const file = scan.sources.text(from)!;
          report({
            file,
            offset: edge.loadTime.offset,
            message: `Import cycle ${cycle.join(' → ')}: ${from} uses ${edge.loadTime.local} from ${edge.to} at load time (${edge.loadTime.how}), which is undefined when ${edge.to} is loaded first.`,
          });
        }
      }
    }
  },
};
