/** `lockstep doctor --json`: the report as one JSON document (findings without their internal edits). */
import type { DoctorReport } from '../doctor/types.js';
import { allChecks } from '../doctor/registry.js';
import { LOCKSTEP_VERSION } from '../version.js';

export const DOCTOR_JSON_VERSION = 1;

/** The report is redacted by doctor() already (src/doctor/doctor.ts). */
export function renderDoctorJson(report: DoctorReport): string {
  const used = new Set(report.findings.map((f) => f.check));
  const checks = Object.fromEntries(allChecks().filter((c) => used.has(c.meta.id)).map((c) => [c.meta.id, { scope: c.meta.scope, title: c.meta.title, why: c.meta.why }]));
  const findings = report.findings.map(({ edits: _edits, why: _why, title: _title, ...finding }) => finding);
  return JSON.stringify({ version: DOCTOR_JSON_VERSION, tool: { name: 'lockstep', version: LOCKSTEP_VERSION }, ...report, checkInfo: checks, findings });
}
