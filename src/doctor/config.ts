/** `doctor` settings in lockstep.config.json: `{ "doctor": { "checks": { "<id>": "off" | "info" | "warning" | "error" } } }`. */
import { usageError } from '../errors.js';
import { findCheck } from './registry.js';
import type { Severity } from './types.js';

export interface DoctorSettings {
  /** Severity overrides; `off` turns a check off. */
  checks: Record<string, Severity | 'off'>;
}

const LEVELS = new Set(['off', 'info', 'warning', 'error']);

export function readDoctorSettings(raw: unknown, where: string): DoctorSettings {
  if (raw === undefined) return { checks: {} };
  const fail = (problem: string) =>
    usageError('LS_CONFIG_INVALID', `"doctor" in ${where} ${problem}.`, [
      `Fix it: { "doctor": { "checks": { "<check id>": "off" | "info" | "warning" | "error" } } }. \`lockstep doctor --list-checks\` prints the ids.`,
    ]);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw fail('must be an object');
  const unknown = Object.keys(raw).filter((k) => k !== 'checks');
  if (unknown.length > 0)
    throw fail(`has unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`);
  const checks = (raw as { checks?: unknown }).checks ?? {};
  if (!checks || typeof checks !== 'object' || Array.isArray(checks)) throw fail('has "checks" that is not an object');
  const out: Record<string, Severity | 'off'> = {};
  for (const [id, level] of Object.entries(checks)) {
    if (!findCheck(id)) throw fail(`names the unknown check "${id}"`);
    if (typeof level !== 'string' || !LEVELS.has(level))
      throw fail(`sets "${id}" to ${JSON.stringify(level)} (expected "off", "info", "warning" or "error")`);
    out[id] = level as Severity | 'off';
  }
  return { checks: out };
}
