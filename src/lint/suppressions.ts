/**
 * Suppressions written in the SQL:
 *
 *   -- lockstep-ignore ban-drop-column: the column has been unused since v42 (PR #1234)
 *   ALTER TABLE "User" DROP COLUMN "legacyName";
 *
 *   -- lockstep-ignore-file require-concurrent-index-creation: the table is created by this migration
 *
 * A statement-level suppression is a comment between the previous statement and the one it
 * applies to (or after a statement on its last line). A file-level one applies to every statement
 * of the file. Rules are separated by commas; the reason after the colon is required.
 */

export type SuppressionScope = 'statement' | 'file';

export interface Suppression {
  scope: SuppressionScope;
  rules: string[];
  reason: string | undefined;
  /** Byte offset of the comment in the file. */
  byte: number;
  /** The rules of this suppression that matched a finding. */
  used: Set<string>;
}

const STATEMENT_DIRECTIVE = 'lockstep-ignore';
const FILE_DIRECTIVE = 'lockstep-ignore-file';

/** Reads a directive from a comment's text (with its `--` or `/* *\/`), or undefined. */
export function parseDirective(comment: string, byte: number): Suppression | undefined {
  const body = comment.startsWith('--')
    ? comment.slice(2)
    : comment.startsWith('/*')
      ? comment.slice(2, comment.endsWith('*/') ? -2 : undefined)
      : comment;
  const text = body.trim();
  let scope: SuppressionScope;
  let rest: string;
  if (startsWithWord(text, FILE_DIRECTIVE)) {
    scope = 'file';
    rest = text.slice(FILE_DIRECTIVE.length);
  } else if (startsWithWord(text, STATEMENT_DIRECTIVE)) {
    scope = 'statement';
    rest = text.slice(STATEMENT_DIRECTIVE.length);
  } else {
    return undefined;
  }
  const colon = rest.indexOf(':');
  const names = colon === -1 ? rest : rest.slice(0, colon);
  const reason = colon === -1 ? undefined : rest.slice(colon + 1).trim() || undefined;
  const rules = names
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter(Boolean);
  return { scope, rules, reason, byte, used: new Set() };
}

function startsWithWord(text: string, word: string): boolean {
  if (!text.startsWith(word)) return false;
  const next = text.charAt(word.length);
  return next === '' || next === ':' || /\s/.test(next);
}

/** The text contains a directive somewhere (a cheap test before scanning for comments). */
export function mayContainDirective(text: string): boolean {
  return text.includes(STATEMENT_DIRECTIVE);
}
