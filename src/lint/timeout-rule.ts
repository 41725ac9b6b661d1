/** The shared logic of require-lock-timeout and require-statement-timeout. */
import { nameFromList, relationOf, walk, type RelationName } from './ast.js';
import type { LintStatement, Rule, RuleContext, RuleMeta, StatementRef } from './rule.js';
import { lockBlocks, tableLock, takesSchemaLock, type LockMode } from './statement-facts.js';

/** `SET [LOCAL] name = value`: true when it leaves a timeout in effect, false for `0`, DEFAULT or RESET; undefined for other statements. */
export function setsTimeout(kind: string, body: Record<string, unknown>, name: string): boolean | undefined {
  if (kind !== 'VariableSetStmt' || body.name !== name) return undefined;
  if (body.kind !== 'VAR_SET_VALUE') return false;
  const args = Array.isArray(body.args) ? body.args : [];
  const constant = (args[0] as { A_Const?: { ival?: { ival?: number }; sval?: { sval?: string } } } | undefined)?.A_Const;
  if (!constant) return true;
  if (constant.sval) return !/^\s*0+\s*(us|ms|s|min|h|d)?\s*$/i.test(constant.sval.sval ?? '');
  return (constant.ival?.ival ?? 0) !== 0;
}

const BLOCKING: LockMode[] = ['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];

/** The lock this statement takes that blocks the application's reads or writes of a table that already exists, if any. */
export function blockingLock(
  statement: LintStatement,
  context: RuleContext,
): { mode: LockMode; table: RelationName | undefined } | undefined {
  const body = statement.body;
  const mode = tableLock(statement.kind, body);
  if (mode && BLOCKING.includes(mode)) {
    const targets: Array<RelationName | undefined> = [];
    if (body.relation) targets.push(relationOf(body.relation));
    for (const r of Array.isArray(body.relations) ? body.relations : []) targets.push(relationOf(r));
    if (statement.kind === 'DropStmt')
      for (const o of Array.isArray(body.objects) ? body.objects : [])
        targets.push(nameFromList((o as { List?: { items?: unknown } }).List?.items));
    const named = targets.filter((t): t is RelationName => t !== undefined);
    if (named.length === 0) return { mode, table: undefined };
    const existing = named.find((t) => !context.isNewTable(t));
    if (existing) return { mode, table: existing };
  }
  // A foreign key locks the referenced table against writes, even from a table created in this migration.
  let referenced: RelationName | undefined;
  walk(body, (object) => {
    if (object.contype === 'CONSTR_FOREIGN') {
      const table = relationOf(object.pktable);
      if (table && !context.isNewTable(table)) referenced = table;
    }
    return referenced === undefined;
  });
  return referenced ? { mode: 'SHARE ROW EXCLUSIVE', table: referenced } : undefined;
}

/**
 * Reported once per file that runs DDL without the timeout, when the runner does not set it: at
 * the first statement whose lock blocks the application, or (as info) at the first DDL statement
 * when none does.
 */
export function timeoutRule(meta: RuleMeta, setting: 'lock_timeout' | 'statement_timeout'): Rule {
  return {
    meta,
    create(context) {
      if (context.runner.setsTimeouts) return {};
      let active = false;
      let firstDdl: StatementRef | undefined;
      let blocking: { statement: StatementRef; mode: LockMode; table: RelationName | undefined } | undefined;
      return {
        statement(statement) {
          if (blocking) return;
          const set = setsTimeout(statement.kind, statement.body, setting);
          if (set !== undefined) {
            active = set;
            return;
          }
          if (active || !takesSchemaLock(statement.kind, statement.body)) return;
          firstDdl ??= statement;
          const lock = blockingLock(statement, context);
          if (lock) blocking = { statement, ...lock };
        },
        end() {
          const runner = context.runner.label;
          if (blocking) {
            const on = blocking.table ? ` on ${blocking.table.display}` : '';
            const lock = `${blocking.mode === 'ACCESS EXCLUSIVE' ? 'an' : 'a'} ${blocking.mode} lock${on} (blocking ${lockBlocks(blocking.mode)})`;
            context.report({
              statement: blocking.statement,
              message:
                setting === 'lock_timeout'
                  ? `This statement takes ${lock} with no lock_timeout set, and ${runner} sets none: if it waits behind a long query, every query on the table queues behind it. Add SET lock_timeout = '2s' at the top of the file, or deploy with lockstep.`
                  : `This statement takes ${lock} with no statement_timeout set, and ${runner} sets none: if it runs long, it holds the lock for as long as it runs. Add SET statement_timeout at the top of the file, or deploy with lockstep.`,
            });
          } else if (firstDdl) {
            context.report({
              statement: firstDdl,
              shift: -1,
              message: `This file runs DDL with no ${setting} set, and ${runner} sets none. None of its statements blocks the application today (they touch only tables this migration creates, or take weak locks), but set ${setting} at the top of the file, or deploy with lockstep.`,
            });
          }
        },
      };
    },
  };
}
