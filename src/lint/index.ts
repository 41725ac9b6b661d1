/** The linter's public API (re-exported by the package's entry point). */
export { lint, type LintOptions } from './lint.js';
export { lintSql, type LintSqlOptions } from './engine.js';
export {
  postgresTableStats,
  tableKey,
  gradeTable,
  DEFAULT_THRESHOLDS,
  type TableStats,
  type TableStatsProvider,
  type SizeThresholds,
} from './table-stats.js';
export { readLintConfig, EMPTY_LINT_CONFIG, type LintConfig } from './config.js';
export { allRules, findRule } from './registry.js';
export type { Rule, RuleMeta } from './rule.js';
export type {
  LintFinding,
  LintReport,
  LintSource,
  LintSummary,
  LintFileSummary,
  Runner,
  Severity,
  SeveritySetting,
  TableSize,
} from './types.js';
