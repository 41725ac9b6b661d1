import { relationOf } from '../ast.js';
import type { Rule, StatementRef } from '../rule.js';
import { alterCommandAt, alteredTable } from '../rule-helpers.js';
import { transactionControl } from '../statement-facts.js';

export const preferRobustStmts: Rule = {
  meta: {
    id: 'prefer-robust-stmts',
    severity: 'warning',
    category: 'transaction',
    summary: 'a statement that fails when a partly applied, non-transactional migration is run again',
    why: 'When a file that runs without a transaction fails halfway, its first statements stay applied; running it again then fails on them ("already exists").',
    fix: 'Use IF [NOT] EXISTS, or let the runner run the file in a transaction, or deploy with lockstep, which resumes at the failed statement.',
    sizeGraded: false,
    equivalents: { squawk: ['prefer-robust-stmts'] },
    doc: {
      what: 'Under a runner that executes the file without a transaction (psql, or prisma for a single statement): CREATE TABLE/INDEX without IF NOT EXISTS, DROP TABLE/INDEX/TYPE and DROP COLUMN/CONSTRAINT without IF EXISTS, ADD COLUMN without IF NOT EXISTS, ADD CONSTRAINT (which has no IF NOT EXISTS). `CREATE INDEX CONCURRENTLY` is reported under every runner but lockstep: a failed concurrent build leaves an INVALID index behind. lockstep deploy records progress statement by statement and resumes at the failed statement (dropping an INVALID leftover index first), so with the default runner this rule does not fire.',
      why: 'After a partial failure the migration cannot simply be run again: the statements that succeeded fail the second time, and someone has to edit the file or the database by hand, under pressure.',
      fix: 'Deploy with lockstep (`--resume` continues at the failed statement), or make each statement idempotent with IF [NOT] EXISTS, or run the file in one transaction.',
      bad: 'CREATE TABLE "Coupon" ("id" BIGINT PRIMARY KEY, "code" TEXT NOT NULL);\nCREATE INDEX "Coupon_code_idx" ON "Coupon"("code");',
      good: 'CREATE TABLE IF NOT EXISTS "Coupon" ("id" BIGINT PRIMARY KEY, "code" TEXT NOT NULL);\nCREATE INDEX IF NOT EXISTS "Coupon_code_idx" ON "Coupon"("code");',
      options: { runner: 'psql' },
    },
  },
  kinds: ['TransactionStmt', 'IndexStmt', 'CreateStmt', 'DropStmt', 'AlterTableStmt'],
  create(context) {
    if (context.runner.id === 'lockstep') return {};
    let open = false;
    const candidates: Array<{ statement: StatementRef; at: number | undefined; message: string; concurrent: boolean }> = [];
    const dropped = new Set<string>();
    return {
      statement(statement) {
        const control = transactionControl(statement.kind, statement.body);
        if (control === 'begin') open = true;
        if (control === 'commit' || control === 'rollback') open = false;
        if (control) return;
        const body = statement.body;
        const add = (message: string, concurrent = false, at?: number) => candidates.push({ statement, at, message, concurrent });
        if (statement.kind === 'IndexStmt' && typeof body.idxname === 'string' && !body.if_not_exists) {
          if (body.concurrent)
            add(
              `CREATE INDEX CONCURRENTLY "${body.idxname}" leaves an INVALID index behind if it fails; running it again then fails with "already exists" until "${body.idxname}" is dropped (lockstep deploy drops it and resumes).`,
              true,
            );
          else if (!open)
            add(`CREATE INDEX "${body.idxname}" without IF NOT EXISTS fails when a partly applied migration is run again.`);
          return;
        }
        if (open) return;
        if (
          statement.kind === 'CreateStmt' &&
          !body.if_not_exists &&
          (body.relation as { relpersistence?: string } | undefined)?.relpersistence !== 't'
        ) {
          add(
            `CREATE TABLE ${relationOf(body.relation)?.display ?? ''} without IF NOT EXISTS fails when a partly applied migration is run again.`,
          );
        } else if (
          statement.kind === 'DropStmt' &&
          !body.missing_ok &&
          ['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_TYPE'].includes(String(body.removeType))
        ) {
          add(
            `DROP ${String(body.removeType).replace('OBJECT_', '')} without IF EXISTS fails when a partly applied migration is run again.`,
          );
        }
        const altered = alteredTable(statement);
        for (const cmd of altered?.cmds ?? []) {
          if (cmd.subtype === 'AT_DropConstraint' && cmd.name) dropped.add(cmd.name);
          if (
            (cmd.subtype === 'AT_AddColumn' || cmd.subtype === 'AT_DropColumn' || cmd.subtype === 'AT_DropConstraint') &&
            !cmd.missingOk
          ) {
            const what =
              cmd.subtype === 'AT_AddColumn'
                ? 'ADD COLUMN without IF NOT EXISTS'
                : `${cmd.subtype === 'AT_DropColumn' ? 'DROP COLUMN' : 'DROP CONSTRAINT'} without IF EXISTS`;
            add(`${what} fails when a partly applied migration is run again.`, false, alterCommandAt(statement, context, cmd));
          } else if (cmd.subtype === 'AT_AddConstraint') {
            const name = cmd.constraint?.name;
            if (!name || !dropped.has(name))
              add(
                'ADD CONSTRAINT has no IF NOT EXISTS: when a partly applied migration is run again it fails; drop the constraint IF EXISTS first, or run the file in a transaction.',
                false,
                alterCommandAt(statement, context, cmd),
              );
          }
        }
      },
      end() {
        const execution = context.execution();
        const unprotected = execution === 'autocommit' || execution === 'statements';
        for (const candidate of candidates) {
          if (candidate.concurrent || (unprotected && context.statementCount > 1))
            context.report({ statement: candidate.statement, at: candidate.at, message: candidate.message });
        }
      },
    };
  },
};
