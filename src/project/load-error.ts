import { relative } from 'node:path';
import { redact } from '../util/redact.js';
import { SourceSyntaxError } from './typescript-transform.js';

/**
 * Why a file of the project could not be loaded, in one line: the loader's or the runtime's own
 * message, with the line and column of a syntax error. An error that the file's code threw while it
 * was imported gets no location: the loader may have compiled the file first, and the stack then
 * counts lines of the compiled output, not of the file.
 */
export function loadErrorText(error: unknown, file: string, root: string): string {
  if (error instanceof SourceSyntaxError)
    return redact(`SyntaxError: ${error.text} (line ${error.line}, column ${error.column})`);
  if (!(error instanceof Error)) return redact(String(error));
  const shown = relative(root, file) || file;
  // jiti's Babel parser puts "<absolute path>:<line>:<column>" on a line of its own.
  let message = error.message
    .replaceAll(`${file}:`, '\0')
    .replace(/\s*\0(\d+):(\d+)/g, ' (line $1, column $2)')
    .replaceAll('\0', `${shown}:`)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  if (!/^\w*Error\b/.test(message) && error.name && error.name !== 'Error') message = `${error.name}: ${message}`;
  return redact(message);
}
