import { describe, expect, it } from 'vitest';
import { lint, lintSql } from '../../src/index.js';
import { escapeData, escapeProperty, githubAnnotation } from '../../src/report/lint-github.js';
import { buildSarif } from '../../src/report/lint-sarif.js';
import { renderLintText } from '../../src/report/lint-text.js';
import { styleFor } from '../../src/report/style.js';
import { REPO_ROOT } from '../support/project.js';

const plain = styleFor(process.stdout, { NO_COLOR: '1' });

describe('GitHub workflow commands', () => {
  it('escape % CR LF in messages, and also : , in properties', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('dir,x/a:b.sql')).toBe('dir%2Cx/a%3Ab.sql');
  });

  it('map info to notice and carry the statement span', async () => {
    const report = await lintSql([{ path: 'm.sql', sql: 'CREATE TABLE n (id int);\nCREATE INDEX i\n  ON n (id);' }], {
      runner: 'psql',
    });
    const info = report.findings.find((f) => f.severity === 'info')!;
    expect(githubAnnotation(info)).toMatch(/^::notice file=m\.sql,line=2,col=1,endLine=3,title=lockstep require-lock-timeout::/);
  });
});

describe('text', () => {
  it('puts the caret under the column, through tabs and long lines', async () => {
    const report = await lintSql([
      { path: 'm.sql', sql: `\tALTER TABLE t DROP COLUMN c;\n${'-- '.repeat(60)}\nSELECT 1; ${' '.repeat(150)}DROP TABLE x;` },
    ]);
    const text = renderLintText(report, plain);
    expect(text).toContain('    1 | \tALTER TABLE t DROP COLUMN c;\n      | \t^');
    const long = text.split('\n').find((l) => l.startsWith('    3 | '))!;
    expect(long.length).toBeLessThan(140);
    const caret = text.split('\n')[text.split('\n').indexOf(long) + 1]!;
    expect(long.charAt(caret.indexOf('^'))).toBe('D');
  });
});

describe('SARIF', () => {
  it('lists every rule once, with help, and points results at them', async () => {
    const report = await lintSql([{ path: 'dir with space/m.sql', sql: 'DROP TABLE x;' }]);
    const log = buildSarif(report, { docsUrl: 'https://example.test/docs/lint.md' }) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; helpUri: string }> } };
        results: Array<{ ruleIndex: number; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
      }>;
    };
    const run = log.runs[0]!;
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(run.tool.driver.rules.find((r) => r.id === 'ban-drop-table')!.helpUri).toBe(
      'https://example.test/docs/lint.md#ban-drop-table',
    );
    expect(ids[run.results[0]!.ruleIndex]).toBe('ban-drop-table');
    expect(run.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('dir%20with%20space/m.sql');
  });
});

describe('the package API', () => {
  it('exports lint() and lintSql()', async () => {
    const report = await lint({
      project: `${REPO_ROOT}/examples/prisma-shop`,
      files: [`${REPO_ROOT}/examples/prisma-shop/prisma/migrations/20250217160422_add_product_sku/migration.sql`],
    });
    expect(report.findings.map((f) => f.rule)).toEqual(['require-concurrent-index-creation']);
    expect(report.files[0]!.generator).toBe('prisma');
  });
});
