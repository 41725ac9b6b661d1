/**
 * `lockstep lint --format sarif`: SARIF 2.1.0 (see sarif.ts). One run; every rule with its help
 * text; one result per finding with its physical location; findings suppressed in the SQL carry
 * an `inSource` suppression with the written reason.
 */
import { allRules } from '../lint/registry.js';
import type { Rule } from '../lint/rule.js';
import type { LintFinding, LintReport } from '../lint/types.js';
import { explainRuleMarkdown } from './lint-explain.js';
import { buildSarifLog, sarifLevel, type SarifRegion, type SarifResult, type SarifRule } from './sarif.js';

export { SARIF_SCHEMA } from './sarif.js';

export interface SarifOptions {
  /** Where docs/lint.md is published; each rule's helpUri is this plus `#rule-id`. */
  docsUrl?: string | undefined;
}

export function buildSarif(report: LintReport, options: SarifOptions = {}): Record<string, unknown> {
  // The report is redacted by lintSql already (src/lint/engine.ts).
  return buildSarifLog({
    rules: allRules().map(sarifRule),
    results: report.findings.map(sarifResult),
    docsUrl: options.docsUrl,
    properties: {
      runner: report.runner,
      postgresVersion: report.postgresVersion,
      ...(report.database ? { database: report.database } : {}),
    },
  });
}

function sarifRule(rule: Rule): SarifRule {
  const { meta } = rule;
  return {
    id: meta.id,
    shortDescription: capitalise(meta.summary),
    fullDescription: meta.doc.what,
    helpText: `${meta.doc.why}\n\nSafe alternative: ${meta.doc.fix}`,
    helpMarkdown: explainRuleMarkdown(rule),
    level: sarifLevel(meta.severity),
    enabled: meta.severity !== 'off',
    properties: {
      category: meta.category,
      tags: ['migration', 'postgresql', meta.category],
      ...(meta.sizeGraded ? { sizeGraded: true } : {}),
    },
  };
}

function sarifResult(finding: LintFinding): SarifResult {
  const region: SarifRegion = { startLine: finding.line, startColumn: finding.column };
  if (finding.statement) {
    region.endLine = Math.max(finding.line, finding.statement.endLine);
    if (finding.statement.endLine === finding.line) region.endColumn = Math.max(finding.column + 1, finding.statement.endColumn);
    region.snippet = finding.statement.text;
  }
  return {
    ruleId: finding.rule,
    level: sarifLevel(finding.severity),
    message: `${finding.message} Fix: ${finding.fix}`,
    file: finding.file,
    region,
    fingerprint: `${finding.rule}:${finding.file}:${finding.statement?.text.replace(/\s+/g, ' ') ?? finding.line}`,
    ...(finding.suppressed && finding.suppression
      ? { suppressions: [{ kind: 'inSource' as const, justification: finding.suppression.reason }] }
      : {}),
    properties: {
      category: finding.category,
      ...(finding.table ? { table: finding.table } : {}),
      ...(finding.rows !== undefined ? { rows: finding.rows } : {}),
      ...(finding.bytes !== undefined ? { bytes: finding.bytes } : {}),
      ...(finding.tableSize ? { tableSize: finding.tableSize } : {}),
    },
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function renderLintSarif(report: LintReport, options: SarifOptions = {}): string {
  return JSON.stringify(buildSarif(report, options), null, 2);
}
