import type { AuditEvent } from '../audit/audit-log.js';
import type { PgSession } from '../db/postgres/session.js';
import { ExitCode, LockstepError } from '../errors.js';
import { readLintConfig } from '../lint/config.js';
import { lintSql } from '../lint/engine.js';
import { postgresTableStats } from '../lint/table-stats.js';
import type { LintFinding } from '../lint/types.js';
import type { DiskMigration } from '../orm/adapter.js';
import type { Workspace } from './workspace.js';

export interface LintGateOptions {
  /** Deploy even with error-level findings; the reason and the findings go to the audit log. */
  acceptLintErrors?: string | undefined;
}

function findingLine(f: LintFinding): string {
  const size = f.rows !== undefined ? ` (${f.table ?? 'table'}: ~${f.rows} rows)` : '';
  return `${f.file}:${f.line}:${f.column} ${f.rule}: ${f.message}${size}`;
}

export interface LintGateResult {
  /** What the audit log keeps of the gate (suppressed and accepted findings), written once the deploy goes ahead. */
  auditEvents: AuditEvent[];
}

/**
 * The same lint as `lockstep lint`, on the migrations about to be applied, with the live table
 * sizes: error-level findings stop the deploy unless they are suppressed in the SQL
 * (`-- lockstep-ignore RULE: reason`) or accepted with a reason, which the audit log keeps. It
 * runs before the deploy changes anything, so a deploy it stops leaves the database untouched.
 */
export async function lintGate(
  workspace: Workspace,
  session: PgSession,
  pending: DiskMigration[],
  options: LintGateOptions,
): Promise<LintGateResult> {
  const auditEvents: AuditEvent[] = [];
  const sources = pending
    .filter((m) => m.script !== undefined)
    .map((m) => ({ path: workspace.rel(m.path), sql: m.script!.replace(/^\uFEFF/, '') }));
  if (sources.length === 0) return { auditEvents };
  const report = await lintSql(sources, {
    runner: 'lockstep',
    postgresVersion: Math.floor(session.serverVersion / 10000),
    stats: postgresTableStats(session),
    database: workspace.targetDescription,
    config: readLintConfig(workspace.config.lint, workspace.config.file ?? 'lockstep.config.json'),
    sequence: true,
  });
  const errors = report.findings.filter((f) => f.severity === 'error' && !f.suppressed);
  const suppressed = report.findings.filter((f) => f.suppressed);
  workspace.emit({
    type: 'lint',
    files: sources.length,
    errors: errors.length,
    warnings: report.summary.warnings,
    suppressed: suppressed.length,
    overridden: errors.length > 0 && Boolean(options.acceptLintErrors),
  });
  const compact = (f: LintFinding) => ({
    rule: f.rule,
    file: f.file,
    line: f.line,
    table: f.table ?? null,
    rows: f.rows ?? null,
    bytes: f.bytes ?? null,
    message: f.message,
    ...(f.suppression ? { reason: f.suppression.reason } : {}),
  });
  if (suppressed.length > 0) auditEvents.push({ event: 'lint-suppressed', detail: { findings: suppressed.map(compact) } });
  if (errors.length === 0) return { auditEvents };
  if (options.acceptLintErrors) {
    auditEvents.push({ event: 'lint-overridden', detail: { reason: options.acceptLintErrors, findings: errors.map(compact) } });
    workspace.emit({
      type: 'warning',
      code: 'LS_LINT_OVERRIDDEN',
      message: `Deploying despite ${errors.length} lint error${errors.length > 1 ? 's' : ''} (--accept-lint-errors, recorded in the audit log): ${errors.map(findingLine).join('; ')}`,
    });
    return { auditEvents };
  }
  throw new LockstepError({
    code: 'LS_LINT_FAILED',
    message: `The pending migrations have ${errors.length} lint error${errors.length > 1 ? 's' : ''}, so lockstep applies none of them:\n${errors.map((f) => `  - ${findingLine(f)}\n    fix: ${f.fix}`).join('\n')}`,
    state: 'Unchanged: no migration was applied, and nothing was created.',
    recovery: [
      'Change the migration as the fix says (`lockstep lint --explain <rule>` shows the safe form with an example).',
      'If the risk is understood (e.g. the table is known to be small), suppress it in the SQL with a reason, on the line before the statement: -- lockstep-ignore <rule>: <reason>',
      `Or deploy anyway, recording why in the audit log: \`${workspace.cli('deploy --accept-lint-errors "<reason>"')}\``,
    ],
    exitCode: ExitCode.Failed,
    details: { findings: errors.map(compact) },
  });
}
