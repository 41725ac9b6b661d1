/** `--fail-on error|warning|info` of lint and doctor: the lowest severity that makes the command exit 1. */
import type { Severity } from '../lint/types.js';

export const FAIL_ON_LEVELS: Severity[] = ['error', 'warning', 'info'];

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** True when a finding (not suppressed) is at `level` or above. */
export function failsAt(findings: Iterable<{ severity: Severity; suppressed?: boolean }>, level: Severity): boolean {
  for (const finding of findings) if (!finding.suppressed && RANK[finding.severity] >= RANK[level]) return true;
  return false;
}
