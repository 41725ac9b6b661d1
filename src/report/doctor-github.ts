/** `lockstep doctor --format github`: GitHub Actions annotations (see github-annotations.ts). */
import type { DoctorReport } from '../doctor/types.js';
import { summaryLine } from './doctor-text.js';
import { workflowCommand } from './github-annotations.js';
import type { Style } from './style.js';

export function renderDoctorGithub(report: DoctorReport, style: Style): string {
  const lines = report.findings.map((f) =>
    workflowCommand({
      severity: f.severity,
      file: f.file,
      line: f.line,
      column: f.column,
      title: `lockstep ${f.check}`,
      message: `${f.message}\nWhy: ${f.why}\nFix: ${f.fix}`,
    }),
  );
  lines.push(summaryLine(report, style));
  return lines.join('\n');
}
