/**
 * `lockstep lint --format github`: GitHub Actions workflow commands (see github-annotations.ts),
 * which show as annotations on the pull request's changed lines.
 */
import type { LintFinding, LintReport } from '../lint/types.js';
import { workflowCommand } from './github-annotations.js';
import { summaryLine } from './lint-text.js';
import type { Style } from './style.js';

export { escapeData, escapeProperty } from './github-annotations.js';

export function githubAnnotation(finding: LintFinding): string {
  // The finding is redacted by lintSql already (src/lint/engine.ts).
  return workflowCommand({
    severity: finding.severity,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    endLine: finding.statement?.endLine,
    title: `lockstep ${finding.rule}`,
    message: `${finding.message}\nWhy: ${finding.why}\nFix: ${finding.fix}`,
  });
}

export function renderLintGithub(report: LintReport, style: Style): string {
  const lines = report.findings.filter((f) => !f.suppressed).map(githubAnnotation);
  lines.push(summaryLine(report, style));
  return lines.join('\n');
}
