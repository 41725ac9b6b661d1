/**
 * What each command prints with `--json`, as types. scripts/build-schemas.ts turns these into the
 * JSON Schemas under schemas/ (shipped as `lockstep/schemas/<command>.json`), and
 * test/contract/json-schemas.test.ts validates real output against them.
 */
import type { BaselineResult } from '../deploy/baseline.js';
import type { DeployResult } from '../deploy/deploy.js';
import type { DeployEvent } from '../deploy/events.js';
import type { ResolveResult } from '../deploy/resolve.js';
import type { StatusResult } from '../deploy/status.js';
import type { DriftResult } from '../drift/drift.js';
import type { DetectResult } from '../project/describe-project.js';
import type { DoctorJsonReport } from './doctor-json.js';
import type { LintJsonReport } from './lint-json.js';

/** A LockstepError as `--json` prints it (LockstepError.toJSON), plus the details of its code. */
export interface JsonErrorBody {
  /** LS_* code; LS_INTERNAL only for a bug in lockstep. */
  code: string;
  message: string;
  /** The state the database is left in. Absent for LS_INTERNAL. */
  state?: string;
  /** Commands and steps that recover, in order. Absent for LS_INTERNAL. */
  recovery?: string[];
  /** The process's exit code: 2 for usage, configuration or input, 1 for a failed migration or check, 3 for drift. */
  exitCode: number;
  /** Facts specific to the code, such as `tried` for LS_NO_DATABASE_URL or `migration` for a failed migration. */
  [detail: string]: unknown;
}

/** The last line of a failed command with `--json`: the error, then the process exits with `error.exitCode`. */
export interface JsonError {
  type: 'error';
  error: JsonErrorBody;
}

/** Each deploy event, stamped with the time it was printed (ISO 8601, UTC). */
export type DeployJsonEvent = DeployEvent & {
  /**
   * When the event was printed, ISO 8601 in UTC.
   * @format date-time
   */
  time: string;
};

/** The result line of a successful deploy: DeployResult with `type: "result"`. */
export type DeployJsonResult = DeployResult & { type: 'result' };

/**
 * `lockstep deploy --json`: NDJSON, one object a line: events as they happen, then one `result`
 * line (exit 0) or one `error` line (non-zero exit). With `-- <command>`, an `app-starting` event
 * follows the result.
 */
export type DeployJsonLine = DeployJsonEvent | DeployJsonResult | JsonError;

/** `lockstep status --json`: one document. Exit 0 up to date, 1 pending, blocked or needing a baseline. */
export type StatusJson = StatusResult | JsonError;

/** `lockstep resolve --json`: one document. */
export type ResolveJson = ResolveResult | JsonError;

/** `lockstep baseline --json`: one document. */
export type BaselineJson = BaselineResult | JsonError;

/** `lockstep detect --json`: one document. */
export type DetectJson = DetectResult | JsonError;

/** `lockstep drift --json`: one document. Exit 0 in sync, 3 drift found. */
export type DriftJson = DriftResult | JsonError;

/** `lockstep lint --json` (or `--format json`): one document. Exit 1 when `failed`. */
export type LintJson = LintJsonReport | JsonError;

/** `lockstep doctor --json` (or `--format json`): one document. Exit 1 when `failed`. */
export type DoctorJson = DoctorJsonReport | JsonError;

/** The command each schema describes, and the type it is generated from. */
export const JSON_OUTPUT_TYPES = {
  deploy: 'DeployJsonLine',
  status: 'StatusJson',
  resolve: 'ResolveJson',
  baseline: 'BaselineJson',
  detect: 'DetectJson',
  drift: 'DriftJson',
  lint: 'LintJson',
  doctor: 'DoctorJson',
} as const;
