import type { Node, ParseResult } from 'libpg-query';
import { loadParser } from '../sql/postgres/parser.js';
import { parseAhead, PARSE_AHEAD_BYTES } from './parse-ahead.js';
import type { SourceMap } from './source-map.js';

type Parser = Awaited<ReturnType<typeof loadParser>>;

/** One statement as the parser found it, with byte offsets into the whole file. */
export interface ParsedStatement {
  node: Node;
  /** Byte offset where the statement starts (after leading whitespace and comments). */
  start: number;
  /** Byte offset just after the statement's last token (before its semicolon). */
  end: number;
  /** Byte offset that the `location` fields inside `node` count from. */
  base: number;
}

/** PostgreSQL rejected the text; `byte` is where, in the whole file. */
export class LintSyntaxError extends Error {
  constructor(
    message: string,
    readonly byte: number,
  ) {
    super(message);
    this.name = 'LintSyntaxError';
  }
}

/** The parser could not handle a piece of the file at all (it ran out of memory on one enormous statement). */
export class LintTooLargeError extends Error {
  constructor(
    message: string,
    readonly byte: number,
    readonly bytes: number,
  ) {
    super(message);
    this.name = 'LintTooLargeError';
  }
}

/**
 * Texts up to this size are parsed in one call. Larger ones are parsed in pieces of about this
 * size, cut after a semicolon that the parser confirms ends a statement: the parse tree of a
 * whole 50 MB file does not fit in memory, and pieces of this size parse fastest (measured).
 */
export const CHUNK_BYTES = 256 * 1024;
const SEMICOLON = 0x3b;
const MAX_ATTEMPTS = 8;

interface RawStmt {
  stmt?: Node;
  stmt_location?: number;
  stmt_len?: number;
}

type Attempt = { ok: true; stmts: RawStmt[] } | { ok: false; errorByte: number; message: string };

/**
 * Parses the whole text with PostgreSQL's parser and calls `onStatement` for each statement in
 * order. Throws LintSyntaxError with the position of the first error.
 */
export async function parseFile(map: SourceMap, onStatement: (statement: ParsedStatement) => void): Promise<void> {
  const parser = await loadLintParser();
  let from = 0;
  if (map.byteLength >= PARSE_AHEAD_BYTES) {
    from = await parseAhead(map, CHUNK_BYTES, (piece) =>
      emit(piece.stmts as RawStmt[], piece.start, piece.end, map, parser, onStatement),
    );
  }
  parseWith(parser, map, onStatement, from);
}

export async function loadLintParser(): Promise<Parser> {
  return loadParser();
}

function parseWith(parser: Parser, map: SourceMap, onStatement: (statement: ParsedStatement) => void, from = 0): void {
  const total = map.byteLength;
  let pos = from;
  while (pos < total) {
    if (total - pos <= CHUNK_BYTES) {
      parseFinal(parser, map, pos, onStatement);
      return;
    }
    let window = CHUNK_BYTES;
    for (;;) {
      const limit = pos + window;
      if (limit >= total) {
        parseFinal(parser, map, pos, onStatement);
        return;
      }
      const next = parsePiece(parser, map, pos, limit, onStatement);
      if (next !== undefined) {
        pos = next;
        break;
      }
      window *= 2;
    }
  }
}

/**
 * Tries to parse from `pos` up to a semicolon before `limit` that ends a statement. Returns the
 * offset after that semicolon, or undefined when no cut before `limit` works (the caller widens).
 */
function parsePiece(
  parser: Parser,
  map: SourceMap,
  pos: number,
  limit: number,
  onStatement: (statement: ParsedStatement) => void,
): number | undefined {
  let cut = map.lastIndexOfByte(SEMICOLON, limit - 1);
  for (let attempt = 0; attempt < MAX_ATTEMPTS && cut > pos; attempt++) {
    const result = attemptParse(parser, map, pos, cut + 1);
    if (result.ok) {
      const last = result.stmts[result.stmts.length - 1];
      // The cut is good when the piece's last statement ends right at this semicolon; otherwise the
      // semicolon sits in a trailing comment (or an empty statement) and an earlier one is tried.
      if (last?.stmt_len && pos + (last.stmt_location ?? 0) + last.stmt_len === cut) {
        emit(result.stmts, pos, cut + 1, map, parser, onStatement);
        return cut + 1;
      }
      cut = map.lastIndexOfByte(SEMICOLON, cut - 1);
    } else {
      // A cut inside a string, comment or body shows as an error at or after where that began.
      cut = map.lastIndexOfByte(SEMICOLON, Math.min(result.errorByte, cut) - 1);
    }
  }
  return undefined;
}

function parseFinal(parser: Parser, map: SourceMap, pos: number, onStatement: (statement: ParsedStatement) => void): void {
  const result = attemptParse(parser, map, pos, map.byteLength);
  if (!result.ok) throw new LintSyntaxError(result.message, result.errorByte);
  emit(result.stmts, pos, map.byteLength, map, parser, onStatement);
}

function attemptParse(parser: Parser, map: SourceMap, from: number, to: number): Attempt {
  const text = map.slice(from, to);
  let result: ParseResult;
  try {
    result = parser.parseSync(text);
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    if (!details) {
      throw new LintTooLargeError((error as Error).message, from, to - from);
    }
    return {
      ok: false,
      errorByte: from + map.byteOfCharacter(text, details.cursorPosition ?? 0),
      message: (error as Error).message,
    };
  }
  return { ok: true, stmts: (result.stmts ?? []) as RawStmt[] };
}

function emit(
  stmts: RawStmt[],
  base: number,
  rangeEnd: number,
  map: SourceMap,
  parser: Parser,
  onStatement: (statement: ParsedStatement) => void,
): void {
  for (const raw of stmts) {
    if (!raw.stmt) continue;
    const start = base + (raw.stmt_location ?? 0);
    const end = raw.stmt_len ? start + raw.stmt_len : trimmedEnd(map, parser, start, rangeEnd);
    onStatement({ node: raw.stmt, start, end, base });
  }
}

/**
 * The end of a last statement that has no semicolon: the parser gives it the rest of the text,
 * trailing comments included; the scanner says where its last real token ends.
 */
function trimmedEnd(map: SourceMap, parser: Parser, start: number, end: number): number {
  const text = map.slice(start, end);
  if (!text.includes('--') && !text.includes('/*')) return start + Buffer.byteLength(text.trimEnd(), 'utf8');
  const tokens = parser.scanSync(text).tokens;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i]!;
    if (token.tokenName !== 'SQL_COMMENT' && token.tokenName !== 'C_COMMENT') return start + token.end;
  }
  return start;
}
