import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/error-codes.js';
import { renderErrorDocs } from '../../src/error-docs.js';
import { ExitCode } from '../../src/errors.js';
import { REPO_ROOT } from '../support/project.js';

const SRC = join(REPO_ROOT, 'src');
/** The catalogue and the page made from it name every code; they do not count as uses. */
const CATALOGUE = new Set(['error-codes.ts', 'error-docs.ts'].map((f) => join(SRC, f)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs)$/.test(name) && !CATALOGUE.has(path) ? [path] : [];
  });
}

const sources = sourceFiles(SRC).map((file) => ({ file: relative(REPO_ROOT, file), text: readFileSync(file, 'utf8') }));
const CODE = /(?<![A-Za-z0-9_])LS_[A-Z0-9_]*[A-Z0-9]/g;

/** Every LS_* code in src/ (messages, comments and types included), with the files that name it. */
function codesInSource(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const { file, text } of sources)
    for (const [code] of text.matchAll(CODE)) used.set(code, [...new Set([...(used.get(code) ?? []), file])]);
  return used;
}

/** The exit codes src/ gives each code: `usageError('LS_X', …)`, and `code: 'LS_X'` with `exitCode: ExitCode.Y` in the same object. */
function exitCodesInSource(): Array<{ code: string; exit: number; where: string }> {
  const found: Array<{ code: string; exit: number; where: string }> = [];
  for (const { file, text } of sources) {
    for (const match of text.matchAll(/usageError\(\s*'(LS_[A-Z0-9_]+)'/g))
      found.push({ code: match[1]!, exit: ExitCode.Usage, where: file });
    for (const match of text.matchAll(/\bcode: '(LS_[A-Z0-9_]+)'/g)) {
      const rest = text.slice(match.index! + match[0].length);
      const end = rest.search(/\bcode:|\n\s*\}\)/);
      const exit = /\bexitCode: ExitCode\.(\w+)\s*[,}\n]/.exec(end === -1 ? rest : rest.slice(0, end));
      if (exit) found.push({ code: match[1]!, exit: ExitCode[exit[1] as keyof typeof ExitCode], where: file });
    }
  }
  return found;
}

describe('the catalogue of LS_* codes (src/error-codes.ts)', () => {
  const catalogued = new Set(Object.keys(ERROR_CODES));

  it('has every code that src/ uses', () => {
    const missing = [...codesInSource()]
      .filter(([code]) => !catalogued.has(code))
      .map(([code, files]) => `${code} (${files.join(', ')})`);
    expect(missing, 'add these codes to src/error-codes.ts, then run `npm run docs:errors`').toEqual([]);
  });

  it('has no code that src/ no longer uses', () => {
    const used = codesInSource();
    expect(
      [...catalogued].filter((code) => !used.has(code)),
      'remove these codes from src/error-codes.ts, then run `npm run docs:errors`',
    ).toEqual([]);
  });

  it('gives each error the exit code that src/ gives it, and warnings none', () => {
    const wrong = exitCodesInSource()
      .filter(({ code }) => catalogued.has(code))
      .filter(({ code, exit }) => ERROR_CODES[code as keyof typeof ERROR_CODES].exit !== exit)
      .map(
        ({ code, exit, where }) =>
          `${code}: exit ${exit} in ${where}, ${ERROR_CODES[code as keyof typeof ERROR_CODES].exit ?? 'a warning'} in the catalogue`,
      );
    expect(wrong).toEqual([]);
  });

  it('says what each code means and what to do', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(entry.meaning.trim().length, code).toBeGreaterThan(10);
      expect(entry.action.trim().length, code).toBeGreaterThan(5);
    }
  });
});

describe('docs/errors.md', () => {
  it('is generated from the catalogue and up to date (npm run docs:errors)', () => {
    expect(readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8')).toBe(renderErrorDocs());
  });

  it('is linked from the README', () => {
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toContain('(docs/errors.md)');
  });
});
