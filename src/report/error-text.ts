import type { LockstepError } from '../errors.js';
import { redact } from '../util/redact.js';
import type { Style } from './style.js';

/** A LockstepError as the paragraph users read: what happened, the database's state, the way out. */
export function renderError(error: LockstepError, style: Style): string {
  const lines: string[] = [];
  lines.push(`${style.red(style.bold('error'))} ${style.dim(`[${error.code}]`)} ${error.message}`);
  lines.push(`${style.bold('  Database:')} ${error.state}`);
  if (error.recovery.length === 1) {
    lines.push(`${style.bold('  Next:')} ${error.recovery[0]}`);
  } else if (error.recovery.length > 1) {
    lines.push(style.bold('  Next:'));
    for (const step of error.recovery) lines.push(`    - ${step}`);
  }
  return redact(lines.join('\n'));
}
