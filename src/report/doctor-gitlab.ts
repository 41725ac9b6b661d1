/** `lockstep doctor --format gitlab`: GitLab's code quality report (see gitlab-code-quality.ts). */
import type { DoctorReport } from '../doctor/types.js';
import { renderCodeQuality } from './gitlab-code-quality.js';

export function renderDoctorGitlab(report: DoctorReport): string {
  return renderCodeQuality(
    report.findings.map((f) => ({
      severity: f.severity,
      checkName: `lockstep/${f.check}`,
      description: `${f.message} Fix: ${f.fix}`,
      file: f.file,
      line: f.line,
      identity: f.snippet,
    })),
  );
}
