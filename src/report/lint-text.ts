/**
 * `lockstep lint` as text: findings grouped by file, each with its position, severity and rule,
 * the message, the offending line with a caret, the table's size when known, and the why and the
 * fix in one line each. Suppressed findings are only counted.
 */
import type { LintFinding, LintReport, Severity } from '../lint/types.js';
import { describeSize } from '../lint/table-stats.js';
import { excerpt, wrap } from './excerpt.js';
import type { Style } from './style.js';

export function renderLintText(report: LintReport, style: Style): string {
  const out: string[] = [];
  const colour = (severity: Severity, text: string) =>
    severity === 'error' ? style.red(text) : severity === 'warning' ? style.yellow(text) : style.cyan(text);
  for (const note of report.notes) out.push(style.dim(note));
  if (report.notes.length > 0) out.push('');

  const byFile = new Map<string, LintFinding[]>();
  for (const finding of report.findings) {
    if (finding.suppressed) continue;
    const list = byFile.get(finding.file) ?? [];
    list.push(finding);
    byFile.set(finding.file, list);
  }
  for (const file of report.files) {
    const findings = byFile.get(file.path);
    if (!findings) continue;
    out.push(style.bold(file.path));
    for (const f of findings) {
      out.push(`  ${style.dim(`${f.line}:${f.column}`)}  ${colour(f.severity, f.severity)}  ${style.bold(f.rule)}`);
      out.push(...wrap(f.message, 4));
      if (f.lineText.trim() !== '') out.push(...excerpt(f.lineText, f.line, f.column, style));
      if (f.table && f.tableSize) out.push(`    ${style.dim('table')} ${f.table}: ${tableLine(f)}`);
      out.push(`    ${style.dim('why')}  ${f.why}`);
      out.push(`    ${style.dim('fix')}  ${f.fix}`);
      out.push('');
    }
  }
  for (const file of report.files) {
    if (file.statements === 0 && !byFile.has(file.path)) out.push(style.dim(`${file.path}: no SQL statements (comments only).`));
  }
  out.push(summaryLine(report, style));
  // The report is redacted by lintSql already (src/lint/engine.ts).
  return out.join('\n');
}

function tableLine(f: LintFinding): string {
  if (f.tableSize === 'new')
    return f.rows === 0 && f.bytes === undefined
      ? 'created by this migration, so empty'
      : 'does not exist yet (an earlier pending migration creates it), so empty';
  const size = describeSize(f.rows, f.bytes);
  return `${size ? `${size}, ` : ''}${f.tableSize}`;
}

export function summaryLine(report: LintReport, style: Style): string {
  const { errors, warnings, infos, suppressed, files, statements } = report.summary;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'info')}${suppressed ? ` (${suppressed} suppressed in the SQL)` : ''}`;
  const where = `${plural(files, 'file')}, ${plural(statements, 'statement')}`;
  const context = `runner ${report.runner}, PostgreSQL ${report.postgresVersion}${report.database ? `, table sizes from ${report.database}` : ', no database (severities not graded by table size)'}`;
  const head = errors > 0 ? style.red(style.bold('✖ ')) : style.green(style.bold('✔ '));
  return `${head}${counts} in ${where} (${context}).`;
}
