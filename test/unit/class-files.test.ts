import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { glob } from 'tinyglobby';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globFiles } from '../../src/orm/typeorm/class-files.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lockstep-unit-globs-'));
  const files = [
    'src/migration/1700000000000-Init.ts',
    'src/migration/1700000000001-Users.ts',
    'src/migration/1700000000002-Users.js',
    'src/migration/types.d.ts',
    'src/migration/.hidden.ts',
    'src/migration/notes.md',
    'src/migration/nested/1700000000003-Deep.ts',
    'src/entity/User.ts',
    'src/entity/Post.ts',
    'src/entity/Post.test.ts',
    'dist/migration/1700000000000-Init.js',
    'odd (copy)/migration/1.ts',
  ];
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  mkdirSync(join(root, 'src', 'migration', 'folder.ts'));
  mkdirSync(join(root, 'linked'));
  symlinkSync(join(root, 'src', 'entity', 'User.ts'), join(root, 'linked', 'User.ts'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What the glob library answers, filtered as TypeORM loads files. */
async function library(pattern: string): Promise<string[]> {
  const loadable = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);
  return (await glob(join(root, pattern).replace(/\\/g, '/'), { absolute: true, onlyFiles: true }))
    .filter((f) => loadable.has(extname(f)) && !f.endsWith('.d.ts'))
    .sort();
}

describe('TypeORM globs', () => {
  // One-folder patterns are listed without the glob library; the rest go to it. Both must agree.
  for (const pattern of [
    'src/migration/*.ts',
    'src/migration/*',
    'src/migration/*.{ts,js}',
    'src/migration/**/*.ts',
    'src/migration/1700*-Users.*',
    'src/migration/*Users*',
    'src/migration/?700000000000-Init.ts',
    'src/entity/*.ts',
    'src/entity/[PU]*.ts',
    'src/*/*.ts',
    'dist/migration/*.js',
    'missing/*.ts',
    'linked/*.ts',
    'odd (copy)/migration/*.ts',
    'src/migration/1700000000000-Init.ts',
  ]) {
    it(`match what the glob library matches: ${pattern}`, async () => {
      expect(await globFiles(pattern, root)).toEqual(await library(pattern));
    });
  }

  it('take absolute patterns as they are', async () => {
    expect(await globFiles(join(root, 'src/entity/*.ts'), '/elsewhere')).toEqual(await library('src/entity/*.ts'));
  });
});
