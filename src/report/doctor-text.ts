/**
 * `lockstep doctor` as text: findings grouped by file, each with its position, severity and
 * check, the message, the line with a caret, why it fails in production and the fix, and whether
 * `--fix` can repair it.
 */
import type { DoctorFinding, DoctorReport, Severity } from '../doctor/types.js';
import { excerpt, wrap } from './excerpt.js';
import type { Style } from './style.js';

export function renderDoctorText(report: DoctorReport, style: Style): string {
  const out: string[] = [];
  const colour = (severity: Severity, text: string) =>
    severity === 'error' ? style.red(text) : severity === 'warning' ? style.yellow(text) : style.cyan(text);
  for (const note of report.notes) out.push(...wrap(style.dim(`note: ${note}`), 0));
  if (report.notes.length > 0) out.push('');
  const byFile = new Map<string, DoctorFinding[]>();
  for (const finding of report.findings) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  for (const [file, findings] of byFile) {
    out.push(style.bold(file));
    for (const f of findings) {
      out.push(`  ${style.dim(`${f.line}:${f.column}`)}  ${colour(f.severity, f.severity)}  ${style.bold(f.check)}`);
      out.push(...wrap(f.message, 4));
      if (f.snippet.trim() !== '') out.push(...excerpt(f.snippet, f.line, f.column, style));
      for (const r of f.related) out.push(`    ${style.dim('see')}  ${r.file}:${r.line}: ${r.message}`);
      out.push(...labelled(style.dim('why'), f.why));
      out.push(...labelled(style.dim('fix'), f.fix));
      if (f.fixable) out.push(`    ${style.dim('--fix')}  ${style.green('can apply this fix')} (lockstep doctor --fix)`);
      else if (f.fixRefused) out.push(...labelled(style.dim('--fix'), `not applied automatically: ${f.fixRefused}`));
      out.push('');
    }
  }
  out.push(summaryLine(report, style));
  return out.join('\n');
}

/** `    why  text...` with continuation lines under the text. */
function labelled(label: string, text: string): string[] {
  const visible = label.replace(/\u001b\[\d+m/g, '').length;
  const lines = wrap(text, 4 + visible + 2).map((l) => l.trimStart());
  return lines.map((l, i) => (i === 0 ? `    ${label}  ${l}` : `${' '.repeat(4 + visible + 2)}${l}`));
}

export function summaryLine(report: DoctorReport, style: Style): string {
  const { errors, warnings, infos, files, fixable } = report.summary;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const orms =
    report.orms.length > 0
      ? report.orms.map((o) => `${o.orm} in ${o.dir}`).join(', ')
      : 'no Prisma, Drizzle or TypeORM project found';
  const head = errors > 0 ? style.red(style.bold('✖ ')) : style.green(style.bold('✔ '));
  const where = report.findings.length > 0 ? ` in ${plural(files, 'file')}` : '';
  const fix = fixable > 0 ? ` ${fixable} can be fixed with --fix.` : '';
  return `${head}${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'info')}${where} (${orms}; ${plural(report.pipelines, 'production pipeline')}, ${plural(report.commands, 'command')} followed; ${plural(report.checks.length, 'check')}).${fix}`;
}
