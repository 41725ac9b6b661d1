/**
 * lockstep's programmatic API. Every command is a function that resolves with a typed result or
 * throws a LockstepError (with `exitCode`, `state` and `recovery`), so an app can
 * `await deploy()` before it starts listening.
 */
export { deploy, type DeployOptions, type DeployResult, type DeployWarning } from './deploy/deploy.js';
export { status, type StatusOptions, type StatusResult, type DatabaseState } from './deploy/status.js';
export { resolve, type ResolveOptions, type ResolveResult } from './deploy/resolve.js';
export { baseline, type BaselineOptions, type BaselineResult } from './deploy/baseline.js';
export { detect, type DetectResult, type DetectedOrm } from './project/describe-project.js';
export { drift, type DriftOptions, type DriftResult, type DriftItem, type DriftChange, type DriftObject, type ReconcileStatement, type SchemaFileCheck, type DriftVerification, type DriftSettingsOptions } from './drift/drift.js';
export { lint, lintSql, type LintOptions, type LintSqlOptions, type LintReport, type LintFinding, type LintSource, type TableStatsProvider, type TableStats } from './lint/index.js';
export { doctor, type DoctorOptions, type DoctorReport, type DoctorFinding } from './doctor/doctor.js';
export type { DeployEvent, DeployEventListener, ProgressListener } from './deploy/events.js';
export type { EmbeddedMode } from './project/database-url.js';
export type { AppliedMigration } from './deploy/apply-migration.js';
export type { ProjectOptions, RunOptions } from './deploy/options.js';
export { DEFAULT_RUN_SETTINGS, type RunSettings } from './deploy/settings.js';
export type { MigrationState, MigrationStatus } from './orm/types.js';
export { LockstepError, ExitCode, isLockstepError } from './errors.js';
export { LOCKSTEP_VERSION } from './version.js';
