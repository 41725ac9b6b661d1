import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/project.js';

const API_DOC = join(REPO_ROOT, 'docs', 'api', 'index.md');

/** The built package's public exports (values and types), read from dist/index.d.ts as a user's compiler sees them. */
function packageExports(): Map<string, ts.Symbol[]> {
  const entry = join(REPO_ROOT, 'dist', 'index.d.ts');
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exports = new Map<string, ts.Symbol[]>();
  for (const symbol of checker.getExportsOfModule(module)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    // The properties of an interface or object type, so that a renamed option or result field is caught too.
    const declared = target.declarations?.[0];
    const objectType =
      declared &&
      (ts.isInterfaceDeclaration(declared) || (ts.isTypeAliasDeclaration(declared) && ts.isTypeLiteralNode(declared.type)));
    const properties = objectType ? checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(target)) : [];
    exports.set(symbol.getName(), properties);
  }
  return exports;
}

/** docs/api/index.md cut into its `### Name` sections. */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of markdown.split(/^### /m).slice(1)) {
    const name = part.slice(0, part.indexOf('\n')).trim().replace(/\(\)$/, '').replaceAll('\\_', '_');
    out.set(name, part);
  }
  return out;
}

describe('docs/api (npm run docs:api)', () => {
  const doc = readFileSync(API_DOC, 'utf8');
  const documented = sections(doc);
  const exports = packageExports();

  it('has a section for every export of the built package, and none for a name it no longer exports', () => {
    expect(exports.size).toBeGreaterThan(30);
    const missing = [...exports.keys()].filter((name) => !documented.has(name));
    expect(missing, 'docs/api is stale: run npm run build && npm run docs:api').toEqual([]);
    const gone = [...documented.keys()].filter((name) => !exports.has(name));
    expect(gone, 'docs/api names exports the package no longer has: run npm run docs:api').toEqual([]);
  });

  it('lists every option and result field of each exported type', () => {
    const stale: string[] = [];
    for (const [name, properties] of exports) {
      const section = documented.get(name) ?? '';
      for (const property of properties) {
        const key = property.getName();
        if (![`\`${key}\``, `\`${key}?\``, `${key}()`].some((form) => section.includes(form))) stale.push(`${name}.${key}`);
      }
    }
    expect(stale, 'docs/api is stale: run npm run build && npm run docs:api').toEqual([]);
  });

  it('gives every option of every *Options type its default', () => {
    // Drift's own options are documented in src/drift, which changes separately.
    const pending = new Set([
      'DriftOptions.schema',
      'DriftOptions.schemaOnly',
      'DriftOptions.shadowUrl',
      'DriftOptions.ignore',
      'DriftOptions.comments',
      'DriftSettingsOptions.shadowUrl',
      'DriftSettingsOptions.ignore',
      'DriftSettingsOptions.comments',
    ]);
    const missing: string[] = [];
    let checked = 0;
    for (const [name] of exports) {
      if (!name.endsWith('Options')) continue;
      const lines = (documented.get(name) ?? '').split('\n');
      const header = lines.find((line) => line.startsWith('| Property'));
      if (!header) continue; // an alias of another Options type, documented there
      const column = header
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim())
        .indexOf('Default value');
      for (const row of lines.filter((line) => line.startsWith('| <a id='))) {
        const cells = row.split(/(?<!\\)\|/).map((cell) => cell.trim());
        const property = /`(\w+)\?`/.exec(cells[1] ?? '')?.[1];
        if (!property || pending.has(`${name}.${property}`)) continue;
        checked++;
        if (column < 0 || !cells[column] || cells[column] === '-') missing.push(`${name}.${property}`);
      }
    }
    expect(missing, 'add @defaultValue to these options, then npm run docs:api').toEqual([]);
    expect(checked).toBeGreaterThan(60);
  });

  it('gives every timeout and retry option its default', () => {
    const section = documented.get('RunOptions')!;
    for (const [option, value] of Object.entries({
      lockTimeout: '"2s"',
      statementTimeout: '"10m"',
      concurrentStatementTimeout: '"4h"',
      lockRetries: '8',
      retryDelay: '"500ms"',
      retryMaxDelay: '"15s"',
      lockWait: '"5m"',
      audit: 'true',
    })) {
      const row = section.split('\n').find((line) => line.includes(`\`${option}?\``));
      expect(row, option).toContain(`\`${value}\``);
    }
  });

  it('is linked from the README', () => {
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toContain('docs/api/index.md');
  });
});
