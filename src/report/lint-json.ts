/**
 * `lockstep lint --format json`: the report as one compact JSON document. Each finding carries
 * what is specific to it; what it shares with every finding of its rule (the why and the fix, the
 * rule's summary and category) is given once, under `rules`.
 */
import type { LintReport } from '../lint/types.js';
import { LOCKSTEP_VERSION } from '../version.js';

export const LINT_JSON_VERSION = 1;

/** The report is redacted by lintSql already (src/lint/engine.ts). */
export function renderLintJson(report: LintReport): string {
  const rules: Record<string, { category: string; why: string; fix: string }> = {};
  const findings = report.findings.map(({ why, fix, ...finding }) => {
    rules[finding.rule] ??= { category: finding.category, why, fix };
    return finding;
  });
  const { findings: _all, ...rest } = report;
  return JSON.stringify({ version: LINT_JSON_VERSION, tool: { name: 'lockstep', version: LOCKSTEP_VERSION }, ...rest, rules, findings });
}
