/** `lockstep doctor --json`: the report as one JSON document (findings without their internal edits). */
import type { CheckScope, DoctorFinding, DoctorReport } from '../doctor/types.js';
import { allChecks } from '../doctor/registry.js';
import { LOCKSTEP_VERSION } from '../version.js';

export const DOCTOR_JSON_VERSION = 1;

/** `lockstep doctor --json`: schemas/doctor.json describes it. */
export interface DoctorJsonReport extends Omit<DoctorReport, 'findings'> {
  /** The format's version: 1. A change that breaks a reader raises it. */
  version: typeof DOCTOR_JSON_VERSION;
  tool: { name: 'lockstep'; version: string };
  /** What every finding of a check shares, by check id (only checks that found something). */
  checkInfo: Record<string, { scope: CheckScope; title: string; why: string }>;
  findings: Array<Omit<DoctorFinding, 'edits' | 'why' | 'title'>>;
}

/** The report is redacted by doctor() already (src/doctor/doctor.ts). */
export function renderDoctorJson(report: DoctorReport): string {
  const used = new Set(report.findings.map((f) => f.check));
  const checks = Object.fromEntries(
    allChecks()
      .filter((c) => used.has(c.meta.id))
      .map((c) => [c.meta.id, { scope: c.meta.scope, title: c.meta.title, why: c.meta.why }]),
  );
  const findings = report.findings.map(({ edits: _edits, why: _why, title: _title, ...finding }) => finding);
  const json: DoctorJsonReport = {
    version: DOCTOR_JSON_VERSION,
    tool: { name: 'lockstep', version: LOCKSTEP_VERSION },
    ...report,
    checkInfo: checks,
    findings,
  };
  return JSON.stringify(json);
}
