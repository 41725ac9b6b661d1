/**
 * lockstep's programmatic API. Every command is a function that resolves with a typed result or
 * throws a LockstepError (with `exitCode`, `state` and `recovery`), so an app can
 * `await deploy()` before it starts listening.
 *
 * @packageDocumentation
 */
export { deploy, type DeployOptions, type DeployResult, type DeployWarning } from './deploy/deploy.js';
export { status, type StatusOptions, type StatusResult, type DatabaseState } from './deploy/status.js';
export type { HistoryProblem } from './deploy/history-problems.js';
export type { InvalidIndex } from './db/postgres/server-checks.js';
export type { RunTarget } from './deploy/workspace.js';
export type { MigrationMode } from './deploy/prepare.js';
export type { OrmName } from './orm/adapter.js';
export { resolve, type ResolveOptions, type ResolveResult } from './deploy/resolve.js';
export { baseline, type BaselineOptions, type BaselineResult } from './deploy/baseline.js';
export { detect, type DetectResult, type DetectedOrm } from './project/describe-project.js';
export {
  drift,
  type DriftOptions,
  type DriftResult,
  type DriftItem,
  type DriftChange,
  type DriftObject,
  type ReconcileStatement,
  type SchemaFileCheck,
  type DriftVerification,
  type DriftSettingsOptions,
  type DriftTimings,
  type ReplaySummary,
  type SchemaFileDifference,
} from './drift/drift.js';
export {
  lint,
  lintSql,
  tableKey,
  type LintOptions,
  type LintSqlOptions,
  type LintReport,
  type LintFinding,
  type LintSource,
  type TableStatsProvider,
  type TableStats,
  type LintConfig,
  type LintFileSummary,
  type LintSummary,
  type Runner,
  type Severity,
  type SeveritySetting,
  type TableSize,
  type SizeThresholds,
} from './lint/index.js';
export type { RuleCategory } from './lint/types.js';
export type { RelationName } from './lint/ast.js';
export { doctor, type DoctorOptions, type DoctorReport, type DoctorFinding } from './doctor/doctor.js';
export type { CheckScope, DoctorSummary, FindingLocation, TextEdit } from './doctor/types.js';
export type { DeployEvent, DeployEventListener, ProgressListener } from './deploy/events.js';
export type {
  DeployJsonLine,
  StatusJson,
  ResolveJson,
  BaselineJson,
  DetectJson,
  DriftJson,
  LintJson,
  DoctorJson,
  JsonError,
  JsonErrorBody,
  DeployJsonEvent,
  DeployJsonResult,
} from './report/json-output.js';
export type { LintJsonReport } from './report/lint-json.js';
export type { DoctorJsonReport } from './report/doctor-json.js';
export type { EmbeddedMode } from './project/database-url.js';
export type { AppliedMigration } from './deploy/apply-migration.js';
export type { ProjectOptions, RunOptions } from './deploy/options.js';
export { DEFAULT_RUN_SETTINGS, type RunSettings } from './deploy/settings.js';
export type { MigrationState, MigrationStatus } from './orm/types.js';
export { LockstepError, ExitCode, isLockstepError, type LockstepErrorInit } from './errors.js';
export { LOCKSTEP_VERSION } from './version.js';
