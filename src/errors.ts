/**
 * Every failure a user can meet is a LockstepError: what happened, the state the database was left
 * in, and the exact way out. The CLI prints these three parts and exits with `exitCode`; the API
 * throws them so that `await deploy()` stops an app from starting.
 */

/** Documented process exit codes (README "Exit codes"). */
export const ExitCode = {
  /** Success: everything asked for was done, or there was nothing to do. */
  Ok: 0,
  /** A check or a migration failed. */
  Failed: 1,
  /** Usage or configuration error: bad flags, no project, unreachable or misconfigured database. */
  Usage: 2,
  /** Blocked: an earlier failed migration, a database that needs a baseline, the migration lock held elsewhere, or drift. */
  Blocked: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface LockstepErrorInit {
  /**
   * Stable identifier, e.g. `LS_CONNECT_REFUSED` or `P3009` where Prisma has a code for the same state.
   * Every LS_* code is in the catalogue, src/error-codes.ts, with its exit code (a test checks both).
   */
  code: string;
  /** What happened, one or two sentences. */
  message: string;
  /** The state of the database after this failure. */
  state: string;
  /** What to run or do next, most likely first. Commands are written out in full. */
  recovery: string[];
  exitCode: ExitCode;
  cause?: unknown;
  /** Extra structured facts for --json output. */
  details?: Record<string, unknown>;
}

export class LockstepError extends Error {
  readonly code: string;
  readonly state: string;
  readonly recovery: string[];
  readonly exitCode: ExitCode;
  readonly details: Record<string, unknown>;

  constructor(init: LockstepErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'LockstepError';
    this.code = init.code;
    this.state = init.state;
    this.recovery = init.recovery;
    this.exitCode = init.exitCode;
    this.details = init.details ?? {};
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      state: this.state,
      recovery: this.recovery,
      exitCode: this.exitCode,
      ...this.details,
    };
  }
}

export function isLockstepError(error: unknown): error is LockstepError {
  return error instanceof LockstepError;
}

/** A usage error: the command line or the configuration is wrong and nothing was touched. */
export function usageError(code: string, message: string, recovery: string[], details?: Record<string, unknown>): LockstepError {
  return new LockstepError({
    code,
    message,
    state: 'Unchanged: lockstep stopped before changing anything.',
    recovery,
    exitCode: ExitCode.Usage,
    ...(details ? { details } : {}),
  });
}
