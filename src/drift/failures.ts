import { relative } from 'node:path';
import { ExitCode, LockstepError } from '../errors.js';
import { redact } from '../util/redact.js';
import type { ReplayFailure } from './replay.js';
import type { ReplayTarget } from './scratch.js';

export interface FailureContext {
  /** Where the replay ran, e.g. `PGlite (PostgreSQL 18.1, in this process)`. */
  scratch: string;
  target: ReplayTarget;
  root: string;
  /** Writes a command as the user should type it (with their --project and --orm). */
  cli: (args: string) => string;
  /** The command that replayed: `drift`, `deploy --verify`, `baseline --check`. */
  command: string;
  /** What the live database went through before the replay (deploy --verify applied migrations). */
  state: string;
}

const SHADOW_HINT = '--shadow-url "$SHADOW_DATABASE_URL"';

/** A replay that stopped, as the error users read: which migration, which statement, why, and what to do. */
export function replayFailedError(failure: ReplayFailure, ctx: FailureContext): LockstepError {
  const file = relative(ctx.root, failure.migration.path) || failure.migration.path;
  const statement = failure.details.statement;
  const at = statement ? `${file}, statement ${failure.details.statementNumber} at line ${statement.line}` : file;
  const reason = redact(failure.message);
  const rerun = ctx.cli(`${ctx.command} ${SHADOW_HINT}`);
  const base = {
    state: ctx.state,
    exitCode: ExitCode.Failed,
    details: {
      migration: failure.migration.name,
      file,
      statement: failure.details.statementNumber,
      sqlState: failure.details.sqlState,
    },
  };

  if (failure.kind === 'extension-unavailable') {
    const extension = failure.details.extension ?? '?';
    if (ctx.target.kind === 'pglite') {
      return new LockstepError({
        ...base,
        code: 'LS_DRIFT_EXTENSION_UNAVAILABLE',
        message: `Replaying the migration history stopped at ${failure.migration.name} (${at}): it creates the extension "${extension}", which PGlite, the PostgreSQL that lockstep runs in this process to replay the history, does not have.`,
        recovery: [
          `Replay into a real, empty scratch database on a server that has "${extension}" instead: create one (e.g. createdb shadow_check) and run \`${rerun}\` with SHADOW_DATABASE_URL pointing at it.`,
          'Or, if the extension is managed outside the migrations, leave its objects out of the comparison with --ignore.',
        ],
      });
    }
    return new LockstepError({
      ...base,
      code: 'LS_DRIFT_EXTENSION_UNAVAILABLE',
      message: `Replaying the migration history stopped at ${failure.migration.name} (${at}): ${ctx.scratch} does not have the extension "${extension}" installed (${reason}).`,
      recovery: [
        `Install "${extension}" on the shadow database's server (or use a server that has it, as production does), then run \`${rerun}\` again.`,
      ],
    });
  }

  if (failure.kind === 'query-runner-method') {
    return new LockstepError({
      ...base,
      code: 'LS_DRIFT_TYPEORM_RUNNER',
      message: `Replaying ${failure.migration.name} (${file}) needs TypeORM's own QueryRunner: ${reason}. Into PGlite, lockstep replays TypeORM migrations through a stand-in that provides queryRunner.query() only (what \`typeorm migration:generate\` writes).`,
      recovery: [
        `Replay into a real, empty scratch database, where the migrations run through TypeORM's own QueryRunner: \`${rerun}\` with SHADOW_DATABASE_URL pointing at it.`,
      ],
    });
  }

  if (failure.kind === 'missing-file' || failure.kind === 'syntax') {
    return new LockstepError({
      ...base,
      code: 'LS_DRIFT_REPLAY_FAILED',
      message: `Cannot replay the migration history: ${failure.migration.name} (${file}) ${failure.kind === 'syntax' ? `does not parse: ${reason}` : 'has no file on disk'}.`,
      recovery: [`Restore ${file} as it was applied (from version control), then run \`${ctx.cli(ctx.command)}\` again.`],
    });
  }

  const sqlState = failure.details.sqlState ? ` (SQLSTATE ${failure.details.sqlState})` : '';
  const recovery =
    ctx.target.kind === 'pglite'
      ? [
          `If the migration relies on something PGlite lacks (an extension, a role, a server setting), replay into a real, empty scratch database instead: \`${rerun}\` with SHADOW_DATABASE_URL pointing at it.`,
          `Otherwise the migration fails on an empty database after the ones before it: fix ${file} so that the history replays, then run \`${ctx.cli(ctx.command)}\` again.`,
        ]
      : [
          `The migration fails on an empty database after the ones before it: fix ${file} so that the history replays, then run \`${rerun}\` again.`,
        ];
  return new LockstepError({
    ...base,
    code: 'LS_DRIFT_REPLAY_FAILED',
    message: `Replaying the migration history into ${ctx.scratch} failed at ${failure.migration.name} (${at}): ${reason}${sqlState}.`,
    recovery,
  });
}

/** The history records migrations whose files are not on disk: there is nothing to replay them from. */
export function historyFilesMissingError(
  names: string[],
  ctx: Pick<FailureContext, 'cli' | 'command' | 'state'> & { location: string },
): LockstepError {
  return new LockstepError({
    code: 'LS_DRIFT_HISTORY_INCOMPLETE',
    message: `The history records ${names.join(', ')} as applied, but ${names.length === 1 ? 'its file is' : 'their files are'} not in ${ctx.location}, so lockstep cannot replay the history to compare it with the live database.`,
    state: ctx.state,
    recovery: [
      `Run \`${ctx.cli(ctx.command)}\` from a checkout that has every applied migration (a build that ships ${ctx.location} whole).`,
    ],
    exitCode: ExitCode.Failed,
    details: { missingOnDisk: names },
  });
}
