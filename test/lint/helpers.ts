import { lintSql, type LintSqlOptions } from '../../src/lint/engine.js';
import type { LintFinding, LintReport } from '../../src/lint/types.js';

/** Lints one SQL text as `migration.sql`. */
export function lintOne(sql: string, options: LintSqlOptions = {}): Promise<LintReport> {
  return lintSql([{ path: 'migration.sql', sql }], options);
}

/** The unsuppressed findings of one rule. */
export async function findingsOf(rule: string, sql: string, options: LintSqlOptions = {}): Promise<LintFinding[]> {
  const report = await lintOne(sql, options);
  return report.findings.filter((f) => f.rule === rule && !f.suppressed);
}

/** `rule@line` for every unsuppressed finding, for compact assertions. */
export async function summary(sql: string, options: LintSqlOptions = {}): Promise<string[]> {
  const report = await lintOne(sql, options);
  return report.findings.filter((f) => !f.suppressed).map((f) => `${f.rule}@${f.line}`);
}

/** A config that turns the given rules on (with their severity) and everything else as default. */
export function enable(...rules: string[]): LintSqlOptions {
  return {
    config: {
      rules: Object.fromEntries(rules.map((r) => [r, 'warning'])),
      postgresVersion: undefined,
      runner: undefined,
      thresholds: { smallRows: 10_000, smallBytes: 16 * 1024 * 1024, largeRows: 1_000_000, largeBytes: 1024 ** 3 },
    },
  };
}
