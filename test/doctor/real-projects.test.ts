/**
 * Minimal reproductions of what doctor got wrong on real projects (false positives and misses),
 * each written from scratch in the shape the project had.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { check, pkgJson, project, type TempProject } from './helpers.js';

const SERVER = "import { createServer } from 'node:http';\ncreateServer((_q, s) => s.end('ok')).listen(3000);\n";

describe('doctor on real project shapes', () => {
  let p: TempProject | undefined;
  afterEach(() => p?.cleanup());
  const ids = async (dir: string, only?: string[]) => (await check(dir, only)).map((f) => `${f.check} ${f.at}`).sort();

  describe('typeorm-entity-import-cycle', () => {
    // A barrel of entities, an entity that implements an interface from a module that (through a
    // chain) imports the data source, which imports the barrel.
    const files = (interfaceImport: string) => ({
      'package.json': pkgJson({ build: 'tsc', start: 'node dist/index.js' }, { dependencies: { typeorm: '^0.3.20' } }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', outDir: 'dist', experimentalDecorators: true, emitDecoratorMetadata: true } }),
      'src/data-source.ts': "import { DataSource } from 'typeorm';\nimport { entities } from './entities';\nexport const AppDataSource = new DataSource({ type: 'postgres', entities: Object.values(entities), migrations: [`${__dirname}/migrations/*.{ts,js}`] });\n",
      'src/entities/index.ts': "import { Flow } from './Flow';\nimport { Message } from './Message';\nexport const entities = { Flow, Message };\n",
      'src/entities/Flow.ts': `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';\n${interfaceImport}\n\n@Entity()\nexport class Flow implements IFlow {\n  @PrimaryGeneratedColumn('uuid') id: string;\n  @Column({ type: 'text' }) kind: FlowKind;\n}\n`,
      'src/entities/Message.ts': "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';\n\n@Entity()\nexport class Message {\n  @PrimaryGeneratedColumn('uuid') id: string;\n  @Column() text: string;\n}\n",
      'src/Interface.ts': "import { cache } from './cache';\nexport interface IFlow { id: string }\nexport type FlowKind = 'chat' | 'agent';\nexport const MODE = cache.mode;\n",
      'src/cache.ts': "import { AppDataSource } from './data-source';\nexport const cache = { mode: 'queue', source: () => AppDataSource };\n",
      'src/index.ts': SERVER,
    });

    it('an import whose bindings are only used as types (interfaces, type aliases) is removed by the compiler: no cycle', async () => {
      p = project(files("import { IFlow, FlowKind } from '../Interface';"));
      expect(await ids(p.dir, ['typeorm-entity-import-cycle'])).toEqual([]);
    });

    it('`import type` is no edge either', async () => {
      p = project(files("import type { IFlow, FlowKind } from '../Interface';"));
      expect(await ids(p.dir, ['typeorm-entity-import-cycle'])).toEqual([]);
    });

    it('the same chain with a value import is a cycle, and verbatimModuleSyntax keeps a type-only-used import', async () => {
      p = project({ ...files("import { IFlow, FlowKind, MODE } from '../Interface';\nexport const FLOW_MODE = MODE;") });
      expect(await ids(p.dir, ['typeorm-entity-import-cycle'])).toHaveLength(1);
      p.cleanup();
      p = project(files("import { IFlow, FlowKind } from '../Interface';"));
      p.write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'commonjs', outDir: 'dist', experimentalDecorators: true, emitDecoratorMetadata: true, verbatimModuleSyntax: true } }));
      expect(await ids(p.dir, ['typeorm-entity-import-cycle'])).toHaveLength(1);
    });

    it('with emitDecoratorMetadata, a class named as a decorated property type keeps the import (design:type reads it)', async () => {
      p = project({
        ...files("import { IFlow, FlowKind } from '../Interface';"),
        'src/Interface.ts': "import { cache } from './cache';\nexport interface IFlow { id: string }\nexport type FlowKind = 'chat' | 'agent';\nexport class Owner { name = cache.mode }\n",
        'src/entities/Message.ts': "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';\nimport { Owner } from '../Interface';\n\n@Entity()\nexport class Message {\n  @PrimaryGeneratedColumn('uuid') id: string;\n  @Column({ type: 'jsonb' }) owner: Owner;\n}\n",
      });
      expect(await ids(p.dir, ['typeorm-entity-import-cycle'])).toHaveLength(1);
    });
  });
});
