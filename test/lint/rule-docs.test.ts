import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderLintDocs } from '../../src/lint/docs.js';
import { allRules, META_RULE_IDS } from '../../src/lint/registry.js';
import { REPO_ROOT } from '../support/project.js';
import { lintOne } from './helpers.js';

const rules = allRules();

describe('every rule', () => {
  it('lives in src/lint/rules/<id>.ts, one rule per file, and is registered once', () => {
    const files = readdirSync(join(REPO_ROOT, 'src', 'lint', 'rules')).map((f) => f.replace(/\.ts$/, ''));
    expect(new Set(rules.map((r) => r.meta.id))).toEqual(new Set(files));
    expect(new Set(rules.map((r) => r.meta.id)).size).toBe(rules.length);
  });

  it('has a complete doc: what, why, fix, examples, one-line why and fix', () => {
    for (const { meta } of rules) {
      for (const text of [meta.summary, meta.why, meta.fix, meta.doc.what, meta.doc.why, meta.doc.fix, meta.doc.good])
        expect(text.trim().length, meta.id).toBeGreaterThan(3);
      expect(meta.why.split('\n'), meta.id).toHaveLength(1);
      expect(meta.fix.split('\n'), meta.id).toHaveLength(1);
    }
  });

  // The documented examples are the rules' first good and bad tests: --explain never shows an example that lies.
  for (const rule of rules.filter(
    (r) => !META_RULE_IDS.has(r.meta.id) || r.meta.id === 'syntax-error' || r.meta.id === 'empty-migration',
  )) {
    const { id, doc, severity } = rule.meta;
    const options = {
      ...(doc.options?.runner ? { runner: doc.options.runner } : {}),
      ...(doc.options?.postgresVersion ? { postgresVersion: doc.options.postgresVersion } : {}),
    };
    const config = {
      config: {
        rules: severity === 'off' ? { [id]: 'warning' as const } : {},
        postgresVersion: undefined,
        runner: undefined,
        thresholds: { smallRows: 1e4, smallBytes: 1e7, largeRows: 1e6, largeBytes: 1e9 },
      },
    };
    it(`${id}: flags its bad example and accepts its good one`, async () => {
      const bad = await lintOne(doc.bad, { ...options, ...config });
      expect(bad.findings.filter((f) => f.rule === id && !f.suppressed).length, `${id} on:\n${doc.bad}`).toBeGreaterThan(0);
      const good = await lintOne(doc.good, { ...options, ...config });
      expect(
        good.findings.filter((f) => f.rule === id && !f.suppressed),
        `${id} on:\n${doc.good}`,
      ).toEqual([]);
    });
  }

  it('the suppression meta rules are exercised by their examples', async () => {
    const unused = rules.find((r) => r.meta.id === 'unused-ignore')!.meta.doc;
    expect((await lintOne(unused.bad)).findings.some((f) => f.rule === 'unused-ignore')).toBe(true);
    expect((await lintOne(unused.good)).findings.some((f) => f.rule === 'unused-ignore')).toBe(false);
    const reason = rules.find((r) => r.meta.id === 'suppression-missing-reason')!.meta.doc;
    expect((await lintOne(reason.bad)).findings.some((f) => f.rule === 'suppression-missing-reason')).toBe(true);
    expect((await lintOne(reason.good)).findings.some((f) => f.rule === 'suppression-missing-reason')).toBe(false);
  });
});

describe('docs/lint.md', () => {
  it('is generated from the rule metadata and up to date (node --import tsx scripts/gen-lint-docs.ts)', () => {
    expect(readFileSync(join(REPO_ROOT, 'docs', 'lint.md'), 'utf8')).toBe(renderLintDocs());
  });
});
