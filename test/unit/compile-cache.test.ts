import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompileCache, type TransformInput } from '../../src/project/compile-cache.js';
import { projectTypescriptTransform, SourceSyntaxError } from '../../src/project/typescript-transform.js';
import { REPO_ROOT } from '../support/project.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lockstep-unit-cache-'));
  mkdirSync(join(root, 'node_modules'));
});
afterEach(() => {
  try {
    chmodSync(join(root, 'node_modules'), 0o755);
  } catch {
    /* replaced by a link, or gone */
  }
  rmSync(root, { recursive: true, force: true });
});

/** A transform that counts how often it really compiles. */
function counting() {
  const calls: string[] = [];
  const transform = (input: TransformInput) => {
    calls.push(input.source);
    return { code: `/* compiled */ ${input.source}` };
  };
  return { calls, transform };
}

describe('CompileCache: compiled output kept between runs, keyed by everything it depends on', () => {
  it('a later run (a new cache on the same project) reuses the output; a changed source, file kind or compiler is compiled anew', () => {
    const first = counting();
    const run1 = CompileCache.forProject(root)!.wrap(first.transform, 'typescript@5.9.3 {"target":"es2021"}');
    expect(run1({ source: 'export const a = 1;', filename: '/p/a.ts' }).code).toBe('/* compiled */ export const a = 1;');
    expect(first.calls).toHaveLength(1);

    const second = counting();
    const run2 = CompileCache.forProject(root)!.wrap(second.transform, 'typescript@5.9.3 {"target":"es2021"}');
    expect(run2({ source: 'export const a = 1;', filename: '/elsewhere/b.ts' }).code).toBe('/* compiled */ export const a = 1;');
    expect(second.calls).toEqual([]);
    run2({ source: 'export const a = 2;', filename: '/p/a.ts' });
    run2({ source: 'export const a = 1;', filename: '/p/a.tsx' });
    run2({ source: 'export const a = 1;', filename: '/p/a.ts', async: true });
    expect(second.calls).toHaveLength(3);

    const third = counting();
    CompileCache.forProject(root)!.wrap(
      third.transform,
      'typescript@5.9.3 {"target":"es2022"}',
    )({ source: 'export const a = 1;', filename: '/p/a.ts' });
    expect(third.calls).toHaveLength(1);
    expect(readdirSync(join(root, 'node_modules', '.cache', 'lockstep', 'compiled')).length).toBeGreaterThan(0);
  });

  it('lives in the nearest node_modules above the project, is skipped without one or when turned off, and a read-only one only costs compiling', () => {
    mkdirSync(join(root, 'packages', 'db'), { recursive: true });
    expect(CompileCache.forProject(join(root, 'packages', 'db'))?.dir).toBe(
      join(root, 'node_modules', '.cache', 'lockstep', 'compiled'),
    );
    process.env.LOCKSTEP_COMPILE_CACHE = '0';
    try {
      expect(CompileCache.forProject(root)).toBeUndefined();
    } finally {
      delete process.env.LOCKSTEP_COMPILE_CACHE;
    }
    chmodSync(join(root, 'node_modules'), 0o555);
    const { calls, transform } = counting();
    const wrapped = CompileCache.forProject(root)!.wrap(transform, 'x');
    expect(wrapped({ source: 'a' }).code).toBe('/* compiled */ a');
    expect(wrapped({ source: 'a' }).code).toBe('/* compiled */ a');
    // Root may write anywhere; others compile each time. Either way the output is right.
    expect(calls.length).toBeGreaterThanOrEqual(1);
  });
});

describe("projectTypescriptTransform: the project's compiler", () => {
  beforeEach(() => {
    rmSync(join(root, 'node_modules'), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    writeFileSync(join(root, 'package.json'), '{}');
  });
  afterEach(() => rmSync(join(root, 'node_modules')));

  it('refuses a syntax error with the line and column instead of compiling what it can', () => {
    const transform = projectTypescriptTransform(root, undefined)!;
    const source = `export class Two1700000000001 {\n  async up(queryRunner: unknown) {\n    await queryRunner\n\n  async down() {}\n}\n`;
    let error: unknown;
    try {
      transform({ source, filename: join(root, 'two.ts') });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SourceSyntaxError);
    expect(error).toMatchObject({ line: 5, column: 3 });
  });

  it("gives an ES module's import.meta the values of its file, as CommonJS output has no import.meta", () => {
    const transform = projectTypescriptTransform(root, undefined)!;
    const { code } = transform({
      source: 'export const here = [import.meta.url, import.meta.dirname, import.meta.filename];\n',
      filename: join(root, 'here.ts'),
    });
    expect(code).not.toContain('import.meta');
    const module = { exports: {} as { here?: string[] } };
    const filename = join(root, 'here.ts');
    new Function('exports', 'require', 'module', '__filename', '__dirname', code)(
      module.exports,
      (id: string) => (id === 'node:url' ? require('node:url') : undefined),
      module,
      filename,
      root,
    );
    expect(module.exports.here).toEqual([`file://${filename}`, root, filename]);
  });
});
