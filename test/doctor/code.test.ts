import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';
import type { AstNode } from '../../src/js/estree.js';
import { drizzleImports, migrateCalls } from '../../src/doctor/code/drizzle-code.js';
import { loadTimeUses } from '../../src/doctor/code/load-time.js';
import { serverStarts } from '../../src/doctor/code/server-start.js';
import type { ParsedSource, StaticImport } from '../../src/doctor/scan/source-index.js';
import { TextFile } from '../../src/doctor/scan/text-file.js';

function source(code: string, path = 'src/server.ts'): ParsedSource {
  const parsed = parseSync(path, code, { sourceType: 'unambiguous' });
  const imports: StaticImport[] = parsed.module.staticImports.map((s) => ({
    specifier: s.moduleRequest.value,
    start: s.start,
    bindings: s.entries.map((e) => ({
      local: e.localName.value,
      imported: (e.importName.kind as string) === 'NamespaceObject' ? '*' : (e.importName.name ?? 'default'),
      typeOnly: e.isType,
    })),
    typeOnly: false,
    reexport: false,
  }));
  return { path, file: new TextFile(path, code), program: parsed.program, imports, errors: parsed.errors.length };
}

const handling = (code: string) => migrateCalls(source(code)).map((c) => c.handling);

describe('drizzle migrate() calls', () => {
  it('tells awaited, returned, then-chained and unhandled calls apart, through imports, namespaces and require', () => {
    const head = "import { migrate } from 'drizzle-orm/node-postgres/migrator';\n";
    expect(handling(`${head}await migrate(db, {});`)).toEqual(['awaited']);
    expect(handling(`${head}await migrate(db, {}).catch(() => process.exit(1));`)).toEqual(['awaited']);
    expect(handling(`${head}export const run = () => migrate(db, {});`)).toEqual(['returned']);
    expect(handling(`${head}async function f() { const p = migrate(db, {}); log(); await p; }`)).toEqual(['awaited']);
    expect(handling(`${head}await Promise.all([migrate(db, {}), warm()]);`)).toEqual(['awaited']);
    expect(handling(`${head}migrate(db, {}).then(() => app.listen(3000));`)).toEqual(['then']);
    expect(handling(`${head}migrate(db, {});\nvoid migrate(db, {});\nmigrate(db, {}).catch(console.error);`)).toEqual([
      'none',
      'none',
      'none',
    ]);
    expect(handling("import * as m from 'drizzle-orm/postgres-js/migrator';\nm.migrate(db, {});")).toEqual(['none']);
    expect(handling("const { migrate: run } = require('drizzle-orm/node-postgres/migrator');\nrun(db, {});")).toEqual(['none']);
    // Not drizzle's migrate: a local function of the same name, or a comment.
    expect(handling('function migrate() {}\nmigrate();\n// migrate(db)')).toEqual([]);
  });

  it('knows the dialect of drivers, schema builders and migrators', () => {
    const imports = drizzleImports(
      source(
        "import { drizzle } from 'drizzle-orm/mysql2';\nimport { pgTable } from 'drizzle-orm/pg-core';\nimport { migrate } from 'drizzle-orm/libsql/migrator';\nimport { sql } from 'drizzle-orm';\n",
      ),
    );
    expect(imports.map((i) => [i.module, i.dialect, i.migrator])).toEqual([
      ['drizzle-orm/mysql2', 'mysql', false],
      ['drizzle-orm/pg-core', 'postgresql', false],
      ['drizzle-orm/libsql/migrator', 'sqlite', true],
    ]);
  });
});

describe('server starts', () => {
  it('finds app.listen, Hono serve and Bun.serve, not process.on or other listen-like names', () => {
    const starts = serverStarts(
      source(
        "import { serve } from '@hono/node-server';\napp.listen(3000);\nserve({ fetch: app.fetch });\nBun.serve({ fetch });\nprocess.on('SIGTERM', stop);\nemitter.on('listen', f);\n",
      ),
    );
    expect(starts.map((s) => s.name)).toEqual(['app.listen', 'serve', 'Bun.serve']);
  });
});

describe('load-time uses of imports', () => {
  const uses = (code: string, locals: string[], decoratorMetadata = false) =>
    loadTimeUses(parseSync('x.ts', code).program as unknown as AstNode, new Set(locals), { decoratorMetadata }).map((u) => u.how);

  it('extends, decorator arguments, static initializers and top-level code are load time; arrows, methods, types and instance fields are not', () => {
    expect(uses('class A extends B {}', ['B'])).toEqual(['extends B']);
    expect(uses('@Entity(B.name) class A {}', ['B'])).toEqual(['a decorator argument (B)']);
    expect(uses('class A { @ManyToOne(B) b: B; }', ['B'])).toEqual(['a decorator (B)']);
    expect(uses('class A { static repo = B.create(); }', ['B'])).toEqual(['B at module level']);
    expect(uses('register(B);', ['B'])).toEqual(['B at module level']);
    expect(
      uses(
        'class A implements B { @ManyToOne(() => B) b: B; x = new B(); m(): B { return new B(); } }\nlet y: B;\nconst z = {} as B;',
        ['B'],
      ),
    ).toEqual([]);
  });

  it('with emitDecoratorMetadata, the type of a decorated property that names the class itself', () => {
    expect(uses('class A { @ManyToOne(() => B) b: B; }', ['B'], true)).toEqual([
      'the decorated property b: B (its design:type metadata)',
    ]);
    expect(
      uses(
        'class A { @ManyToOne(() => B) b: Relation<B>; @OneToMany(() => B, (b) => b.a) bs: B[]; @Column() c: B | null; }',
        ['B'],
        true,
      ),
    ).toEqual([]);
  });
});
