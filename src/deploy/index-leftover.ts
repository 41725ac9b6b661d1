import { dropIndexSql, indexState } from '../db/postgres/server-checks.js';
import type { PgSession } from '../db/postgres/session.js';
import { sameIndexDefinition } from '../sql/postgres/index-definition.js';
import type { SqlStatement } from '../sql/postgres/statements.js';
import type { MigrationStatus } from '../orm/types.js';
import type { InterruptedIndexBuild } from './failure-messages.js';
import { migrationSources, prepareMigrations } from './prepare.js';
import { isConnectionLost } from './retry.js';
import type { Workspace } from './workspace.js';

/**
 * What a CREATE INDEX CONCURRENTLY finds of its index before it runs. A build whose client died
 * (killed, or its connection broken) goes on in the server: it may have finished (a valid index,
 * with no record that the statement completed), or stopped half way (an INVALID index).
 */
export type IndexLeftover =
  | { state: 'absent' }
  /** Valid, on the statement's table, with the statement's definition: the statement's effect is in place. */
  | { state: 'built'; index: string; definition: string }
  /** Left INVALID by a build that did not finish: never used by queries, safe to drop and rebuild. */
  | { state: 'invalid'; index: string; drop: string }
  /** An index of that name that is not what the statement builds: lockstep does not touch it. */
  | { state: 'different'; index: string; definition: string };

export async function concurrentIndexLeftover(session: PgSession, statement: SqlStatement): Promise<IndexLeftover> {
  const target = statement.concurrentIndex;
  if (!target?.name) return { state: 'absent' };
  const found = await indexState(session, target, target.name);
  if (!found) return { state: 'absent' };
  const index = `${found.schema}.${target.name}`;
  if (!found.valid) return { state: 'invalid', index, drop: dropIndexSql({ schema: found.schema, name: target.name }) };
  const same = found.onTable && (await sameIndexDefinition(statement.node, found.definition));
  return same
    ? { state: 'built', index, definition: found.definition }
    : { state: 'different', index, definition: found.definition };
}

/**
 * For a blocked deploy and for status: when the one failed migration stopped at a CREATE INDEX
 * CONCURRENTLY, what of that index is in the database now, so that the recovery printed matches
 * it. Best effort: undefined when it cannot tell.
 */
export async function interruptedIndexBuild(
  workspace: Workspace,
  session: PgSession,
  failed: MigrationStatus[],
): Promise<InterruptedIndexBuild | undefined> {
  const only = failed[0];
  if (
    failed.length !== 1 ||
    !only ||
    only.state !== 'failed' ||
    workspace.orm.runtime ||
    !workspace.disk.migrations.some((m) => m.name === only.name)
  )
    return undefined;
  try {
    const [migration] = await prepareMigrations(migrationSources(workspace, [only.name]), workspace.command);
    const statement = migration?.statements[only.statementsDone ?? 0];
    if (migration?.mode !== 'statements' || !statement?.concurrentIndex?.name) return undefined;
    const leftover = await concurrentIndexLeftover(session, statement);
    return leftover.state === 'absent' ? undefined : { migration: only.name, statement: statement.index + 1, leftover };
  } catch (error) {
    if (isConnectionLost(error)) throw error;
    return undefined;
  }
}
