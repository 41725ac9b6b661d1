/** `lockstep doctor --list-checks` and `--explain <check>`. */
import type { DoctorCheck } from '../doctor/types.js';
import { wrap } from './excerpt.js';
import type { Style } from './style.js';

export function listChecks(checks: readonly DoctorCheck[], style: Style): string {
  const width = Math.max(...checks.map((c) => c.meta.id.length));
  const lines = checks.map(
    ({ meta }) =>
      `${meta.id.padEnd(width)}  ${meta.severity.padEnd(7)}  ${meta.scope.padEnd(7)}  ${meta.title.replace(/`/g, '')}${meta.fixable ? style.dim(' (--fix)') : ''}`,
  );
  return [style.bold(`${'check'.padEnd(width)}  severity scope    finds`), ...lines].join('\n');
}

export function explainCheck(check: DoctorCheck, style: Style): string {
  const { meta } = check;
  return [
    `${style.bold(meta.id)} (${meta.severity}, ${meta.scope}${meta.fixable ? ', --fix' : ''})`,
    meta.title.replace(/`/g, ''),
    '',
    style.bold('What it finds'),
    ...wrap(meta.doc.what, 2),
    '',
    style.bold('Why it fails in production'),
    ...wrap(meta.doc.why, 2),
    '',
    style.bold('Fix'),
    ...wrap(meta.doc.fix, 2),
    '',
    style.bold(`Flagged (${meta.doc.example.file})`),
    ...meta.doc.example.bad.split('\n').map((l) => `  ${l}`),
    '',
    style.bold('Fixed'),
    ...meta.doc.example.good.split('\n').map((l) => `  ${l}`),
  ].join('\n');
}
