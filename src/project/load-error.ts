import { relative } from 'node:path';
import { redact } from '../util/redact.js';
import { SourceSyntaxError } from './typescript-transform.js';

/**
 * Why a file of the project could not be loaded, in one line: the loader's or the runtime's own
 * message, with the line and column in that file where they give one: a syntax error, or the
 * frame of a JavaScript file in the stack of an error its code threw while it was imported (the
 * frames of compiled TypeScript count lines of the compiler's output, not of the file, so they are
 * not shown).
 */
export function loadErrorText(error: unknown, file: string, root: string): string {
  if (error instanceof SourceSyntaxError) return redact(`SyntaxError: ${error.text} (line ${error.line}, column ${error.column})`);
  if (!(error instanceof Error)) return redact(String(error));
  const shown = relative(root, file) || file;
  // jiti's Babel parser puts "<absolute path>:<line>:<column>" on a line of its own.
  let message = error.message.replaceAll(file, shown).replace(/\s*\n\s*/g, ' ').trim();
  if (!/^\w*Error\b/.test(message) && error.name && error.name !== 'Error') message = `${error.name}: ${message}`;
  const at = /\.[cm]?js$/.test(file) ? locationInStack(error, file) : undefined;
  if (at && !message.includes(`${shown}:`)) message += ` (line ${at.line}, column ${at.column})`;
  return redact(message);
}

function locationInStack(error: Error, file: string): { line: number; column: number } | undefined {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`).exec(error.stack ?? '');
  return match ? { line: Number(match[1]), column: Number(match[2] ?? 1) } : undefined;
}
