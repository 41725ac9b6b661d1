/**
 * GitLab's code quality report: a JSON array of issues in the subset of the Code Climate format that
 * GitLab reads (description, check_name, fingerprint, severity, location.path, location.lines.begin).
 * A CI job saves it as `artifacts:reports:codequality` and GitLab shows the findings in the merge
 * request. https://docs.gitlab.com/ci/testing/code_quality/
 */
import type { Severity } from '../lint/types.js';
import { sha256Hex } from '../util/hash.js';

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number } };
}

const SEVERITY: Record<Severity, CodeQualityIssue['severity']> = { error: 'critical', warning: 'major', info: 'info' };

export interface CodeQualityInput {
  severity: Severity;
  /** `lockstep/<rule or check id>`. */
  checkName: string;
  description: string;
  file: string;
  line: number;
  /**
   * What identifies the finding apart from its line (the statement or line text), so that the
   * fingerprint survives lines added above it and GitLab can tell new findings from old ones.
   */
  identity: string;
}

/** The report for a list of findings; equal findings in one file get distinct fingerprints by their order. */
export function renderCodeQuality(findings: CodeQualityInput[]): string {
  const seen = new Map<string, number>();
  const issues: CodeQualityIssue[] = findings.map((finding) => {
    const key = `${finding.checkName}\u0000${finding.file}\u0000${finding.identity}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return {
      description: finding.description,
      check_name: finding.checkName,
      fingerprint: sha256Hex(`${key}\u0000${occurrence}`),
      severity: SEVERITY[finding.severity],
      location: { path: finding.file, lines: { begin: finding.line } },
    };
  });
  return JSON.stringify(issues, null, 2);
}
