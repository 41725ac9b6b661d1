/** `lockstep lint --format gitlab`: GitLab's code quality report (see gitlab-code-quality.ts). */
import type { LintReport } from '../lint/types.js';
import { renderCodeQuality } from './gitlab-code-quality.js';

/** The report is redacted by lintSql already (src/lint/engine.ts); suppressed findings are left out. */
export function renderLintGitlab(report: LintReport): string {
  return renderCodeQuality(
    report.findings
      .filter((f) => !f.suppressed)
      .map((f) => ({
        severity: f.severity,
        checkName: `lockstep/${f.rule}`,
        description: `${f.message} Fix: ${f.fix}`,
        file: f.file,
        line: f.line,
        identity: f.statement?.text ?? f.lineText,
      })),
  );
}
