/**
 * The `lint` section of lockstep.config.json:
 *
 *   "lint": {
 *     "postgresVersion": 16,
 *     "runner": "prisma",
 *     "rules": { "ban-drop-column": "warning", "prefer-identity": "error", "require-lock-timeout": "off" },
 *     "thresholds": { "smallRows": 10000, "smallBytes": 16777216, "largeRows": 1000000, "largeBytes": 1073741824 }
 *   }
 */
import { usageError } from '../errors.js';
import { closestRule, findRule } from './registry.js';
import { DEFAULT_THRESHOLDS, type SizeThresholds } from './table-stats.js';
import { RUNNERS, type Runner, type SeveritySetting } from './types.js';

export interface LintConfig {
  /** Severity per rule id, overriding the rule's default. */
  rules: Record<string, SeveritySetting>;
  postgresVersion: number | undefined;
  runner: Runner | undefined;
  thresholds: SizeThresholds;
}

export const EMPTY_LINT_CONFIG: LintConfig = {
  rules: {},
  postgresVersion: undefined,
  runner: undefined,
  thresholds: DEFAULT_THRESHOLDS,
};

const KEYS = ['postgresVersion', 'runner', 'rules', 'thresholds'];
const SETTINGS: SeveritySetting[] = ['error', 'warning', 'info', 'off'];
/** Rules whose severity cannot be configured. */
const FIXED = new Set(['syntax-error']);

/** PostgreSQL major versions lockstep knows the rules of. */
export const MIN_PG_VERSION = 10;
export const MAX_PG_VERSION = 19;
export const DEFAULT_PG_VERSION = 14;

/** Validates the `lint` value of a configuration file; `where` names the file for messages. */
export function readLintConfig(raw: unknown, where: string): LintConfig {
  if (raw === undefined) return EMPTY_LINT_CONFIG;
  const fail = (problem: string, next: string) =>
    usageError('LS_CONFIG_INVALID', `The "lint" setting in ${where} ${problem}.`, [
      `${next}, then run the command again.`,
      'The settings are described in docs/lint.md, "Configuration".',
    ]);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw fail('must be an object', `Write it as "lint": { "rules": { ... } }`);
  const input = raw as Record<string, unknown>;
  const unknown = Object.keys(input).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0)
    throw fail(
      `has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`,
      `Use only ${KEYS.join(', ')}`,
    );

  let postgresVersion: number | undefined;
  if (input.postgresVersion !== undefined) {
    postgresVersion = parsePostgresVersion(input.postgresVersion);
    if (postgresVersion === undefined)
      throw fail(
        `has postgresVersion ${JSON.stringify(input.postgresVersion)}`,
        `Set "postgresVersion" to a major version from ${MIN_PG_VERSION} to ${MAX_PG_VERSION}, e.g. 16`,
      );
  }

  let runner: Runner | undefined;
  if (input.runner !== undefined) {
    if (!RUNNERS.includes(input.runner as Runner))
      throw fail(`has runner ${JSON.stringify(input.runner)}`, `Set "runner" to one of ${RUNNERS.join(', ')}`);
    runner = input.runner as Runner;
  }

  const rules: Record<string, SeveritySetting> = {};
  if (input.rules !== undefined) {
    if (!input.rules || typeof input.rules !== 'object' || Array.isArray(input.rules))
      throw fail('has "rules" that is not an object', 'Write "rules" as { "rule-id": "error" | "warning" | "info" | "off" }');
    for (const [id, value] of Object.entries(input.rules as Record<string, unknown>)) {
      if (!findRule(id)) {
        const near = closestRule(id);
        throw fail(
          `names the unknown rule "${id}"`,
          near
            ? `Did you mean "${near}"? \`lockstep lint --list-rules\` lists the rules; fix the name`
            : 'Run `lockstep lint --list-rules` for the rule ids and fix the name',
        );
      }
      if (!SETTINGS.includes(value as SeveritySetting))
        throw fail(
          `sets rule "${id}" to ${JSON.stringify(value)}`,
          `Set it to one of ${SETTINGS.map((s) => `"${s}"`).join(', ')}`,
        );
      if (FIXED.has(id)) throw fail(`sets the severity of "${id}", which is always an error`, `Remove "${id}" from "rules"`);
      rules[id] = value as SeveritySetting;
    }
  }

  const thresholds: SizeThresholds = { ...DEFAULT_THRESHOLDS };
  if (input.thresholds !== undefined) {
    if (!input.thresholds || typeof input.thresholds !== 'object' || Array.isArray(input.thresholds))
      throw fail('has "thresholds" that is not an object', 'Write "thresholds" as { "smallRows": 10000, ... }');
    for (const [key, value] of Object.entries(input.thresholds as Record<string, unknown>)) {
      if (!(key in DEFAULT_THRESHOLDS))
        throw fail(`has the unknown threshold "${key}"`, `Use ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}`);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        throw fail(`sets threshold "${key}" to ${JSON.stringify(value)}`, `Set "${key}" to a number of rows or bytes`);
      thresholds[key as keyof SizeThresholds] = value;
    }
    if (thresholds.smallRows > thresholds.largeRows || thresholds.smallBytes > thresholds.largeBytes) {
      throw fail('has small thresholds above the large ones', 'Make smallRows ≤ largeRows and smallBytes ≤ largeBytes');
    }
  }
  return { rules, postgresVersion, runner, thresholds };
}

/** `16`, `"16"`, `"16.4"`, `"9.6"` → the major version, or undefined when out of range. */
export function parsePostgresVersion(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = /^(\d+)(?:\.\d+)*$/.exec(text);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major >= MIN_PG_VERSION && major <= MAX_PG_VERSION ? major : undefined;
}
