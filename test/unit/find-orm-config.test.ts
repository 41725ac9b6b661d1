import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findDrizzleConfig } from '../../src/orm/drizzle/config-file.js';
import { findDataSourceFile } from '../../src/orm/typeorm/data-source-file.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lockstep-unit-find-config-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function project(scripts: Record<string, string>, files: string[]): void {
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'app', scripts }));
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), 'export default {};\n// DataSource\n');
  }
}

describe('the configuration the project’s scripts use', () => {
  it('Drizzle: the config of the script that migrates comes first', () => {
    project(
      {
        'db:studio': 'drizzle-kit studio --config=drizzle.studio.ts',
        'db:migrate': 'drizzle-kit migrate --config drizzle.prod.ts',
      },
      ['drizzle.studio.ts', 'drizzle.prod.ts', 'drizzle.config.ts'],
    );
    expect(findDrizzleConfig(root)).toBe(join(root, 'drizzle.prod.ts'));
  });

  it('Drizzle: a migrate script without --config uses the default config, whatever other scripts pass', () => {
    project({ 'db:studio': 'drizzle-kit studio --config=drizzle.studio.ts', 'db:migrate': 'drizzle-kit migrate' }, [
      'drizzle.studio.ts',
      'drizzle.config.ts',
    ]);
    expect(findDrizzleConfig(root)).toBe(join(root, 'drizzle.config.ts'));
  });

  it('Drizzle: drizzle.config.ts, not the drizzle.config.test.ts a test script passes', () => {
    project({ 'test:db': 'drizzle-kit push --config drizzle.config.test.ts', 'db:studio': 'drizzle-kit studio' }, [
      'drizzle.config.test.ts',
      'drizzle.config.ts',
    ]);
    expect(findDrizzleConfig(root)).toBe(join(root, 'drizzle.config.ts'));
    project({ 'test:migrate': 'drizzle-kit migrate --config=drizzle.config.test.ts', 'db:migrate': 'drizzle-kit migrate' }, [
      'drizzle.config.test.ts',
      'drizzle.config.ts',
    ]);
    expect(findDrizzleConfig(root)).toBe(join(root, 'drizzle.config.ts'));
  });

  it('Drizzle: with no migrate script, the config another drizzle-kit script passes', () => {
    project({ 'db:generate': 'drizzle-kit generate --config=config/drizzle.ts' }, ['config/drizzle.ts']);
    expect(findDrizzleConfig(root)).toBe(join(root, 'config', 'drizzle.ts'));
  });

  it('TypeORM: the data source of migration:run comes first', () => {
    project(
      {
        'schema:log': 'typeorm schema:log -d src/dev-data-source.ts',
        'migration:run': 'typeorm migration:run -d dist/data-source.js',
      },
      ['src/dev-data-source.ts', 'dist/data-source.js'],
    );
    expect(findDataSourceFile(root, undefined)).toEqual({
      file: join(root, 'dist', 'data-source.js'),
      why: 'the "migration:run" script in package.json',
    });
  });
});
