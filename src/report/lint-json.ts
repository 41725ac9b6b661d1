/**
 * `lockstep lint --format json`: the report as one compact JSON document. Each finding carries
 * what is specific to it; what it shares with every finding of its rule (the why and the fix, the
 * rule's summary and category) is given once, under `rules`.
 */
import type { LintFinding, LintReport, RuleCategory } from '../lint/types.js';
import { LOCKSTEP_VERSION } from '../version.js';

export const LINT_JSON_VERSION = 1;

/** `lockstep lint --json`: schemas/lint.json describes it. */
export interface LintJsonReport extends Omit<LintReport, 'findings'> {
  /** The format's version: 1. A change that breaks a reader raises it. */
  version: typeof LINT_JSON_VERSION;
  tool: { name: 'lockstep'; version: string };
  /** What every finding of a rule shares, by rule name. */
  rules: Record<string, { category: RuleCategory; why: string; fix: string }>;
  findings: Array<Omit<LintFinding, 'why' | 'fix'>>;
}

/** The report is redacted by lintSql already (src/lint/engine.ts). */
export function renderLintJson(report: LintReport): string {
  const rules: LintJsonReport['rules'] = {};
  const findings = report.findings.map(({ why, fix, ...finding }) => {
    rules[finding.rule] ??= { category: finding.category, why, fix };
    return finding;
  });
  const { findings: _all, ...rest } = report;
  const json: LintJsonReport = {
    version: LINT_JSON_VERSION,
    tool: { name: 'lockstep', version: LOCKSTEP_VERSION },
    ...rest,
    rules,
    findings,
  };
  return JSON.stringify(json);
}
