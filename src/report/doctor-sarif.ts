/** `lockstep doctor --format sarif`: SARIF 2.1.0 (see sarif.ts), one rule per check. */
import { allChecks } from '../doctor/registry.js';
import type { DoctorCheck } from '../doctor/types.js';
import type { DoctorFinding, DoctorReport } from '../doctor/types.js';
import { buildSarifLog, sarifLevel, type SarifResult, type SarifRule } from './sarif.js';

function sarifRule(check: DoctorCheck): SarifRule {
  const { meta } = check;
  return {
    id: meta.id,
    shortDescription: meta.title.replace(/`/g, ''),
    fullDescription: meta.doc.what,
    helpText: `${meta.doc.why}\n\nFix: ${meta.doc.fix}`,
    helpMarkdown: `${meta.doc.what}\n\n**Why it fails in production.** ${meta.doc.why}\n\n**Fix.** ${meta.doc.fix}\n\nFlagged (\`${meta.doc.example.file}\`):\n\n\`\`\`\n${meta.doc.example.bad}\n\`\`\`\n\nFixed:\n\n\`\`\`\n${meta.doc.example.good}\n\`\`\``,
    level: sarifLevel(meta.severity),
    enabled: true,
    properties: { scope: meta.scope, tags: ['deployment', 'migration', meta.scope] },
  };
}

function sarifResult(finding: DoctorFinding): SarifResult {
  return {
    ruleId: finding.check,
    level: sarifLevel(finding.severity),
    message: `${finding.message} Fix: ${finding.fix}`,
    file: finding.file,
    region: { startLine: finding.line, startColumn: finding.column, snippet: finding.snippet },
    fingerprint: `${finding.check}:${finding.file}:${finding.snippet.trim().replace(/\s+/g, ' ')}`,
    relatedLocations: finding.related.map((r) => ({
      file: r.file,
      region: { startLine: r.line, startColumn: r.column },
      message: r.message,
    })),
    properties: { scope: finding.scope, fixable: finding.fixable },
  };
}

export function renderDoctorSarif(report: DoctorReport, options: { docsUrl?: string | undefined } = {}): string {
  return JSON.stringify(
    buildSarifLog({
      rules: allChecks().map(sarifRule),
      results: report.findings.map(sarifResult),
      docsUrl: options.docsUrl,
      properties: { project: report.project, orms: report.orms },
    }),
    null,
    2,
  );
}
