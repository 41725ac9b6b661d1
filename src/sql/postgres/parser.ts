import type { Node, ParseResult } from 'libpg-query';

type LibPgQuery = typeof import('libpg-query');
let loading: Promise<LibPgQuery> | undefined;
/** The parser once loaded, for the synchronous re-parse of one statement (statementNode). */
let loaded: LibPgQuery | undefined;

/** Parse trees of recent texts: deploy parses each pending file to run it, then lints it. */
const recent = new Map<string, ParseResult>();
const RECENT_TEXTS = 2048;
const CACHED_TEXT_LIMIT = 256 * 1024;
/** The texts kept add up to at most this many characters: the pieces of a big file are not all kept with their trees. */
const RECENT_CHARS = 4 * 1024 * 1024;
let recentChars = 0;

/**
 * libpg-query is PostgreSQL's own parser compiled to WebAssembly. Loading it costs tens of
 * milliseconds, so it is loaded on first use only (a no-op deploy never needs it). The same text
 * parsed twice in a run is parsed once: parse trees are shared, so callers treat them as read-only.
 */
export function loadParser(): Promise<LibPgQuery> {
  loading ??= load();
  return loading;
}

/**
 * Starts loading the parser without waiting for it: V8 compiles the WebAssembly on background
 * threads while the caller goes on (loading modules, reading files, connecting). A failure
 * surfaces at the first real use.
 */
export function preloadParser(): void {
  loadParser().catch(() => {
    loading = undefined;
  });
}

async function load(): Promise<LibPgQuery> {
  const mod = await import('libpg-query');
  await mod.loadModule();
  const parseSync = mod.parseSync;
  loaded = {
    ...mod,
    parseSync(sql: string): ParseResult {
      if (sql.length > CACHED_TEXT_LIMIT) return parseSync(sql);
      let result = recent.get(sql);
      if (!result) {
        result = parseSync(sql);
        while (recent.size > 0 && (recent.size >= RECENT_TEXTS || recentChars + sql.length > RECENT_CHARS)) {
          const oldest = recent.keys().next().value!;
          recent.delete(oldest);
          recentChars -= oldest.length;
        }
        recent.set(sql, result);
        recentChars += sql.length;
      }
      return result;
    },
  };
  return loaded;
}

/**
 * The parse tree of one statement's text, parsed again: statements of a big file keep their text
 * and drop their tree (see splitStatements). The `location` fields count from the start of `text`.
 * Only after the parser was loaded (splitStatements loads it).
 */
export function statementNode(text: string): Node {
  if (!loaded) throw new Error('statementNode before the parser was loaded');
  const [raw] = loaded.parseSync(text).stmts ?? [];
  return raw!.stmt as Node;
}

export class SqlSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based line and column of the error in the parsed text. */
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'SqlSyntaxError';
  }
}

export interface RawStatement {
  node: Node;
  /** Byte offset and length of the statement in the UTF-8 encoded source. */
  byteStart: number;
  byteLength: number;
}

/** From this size on a text is parsed in pieces (see parseInPieces). */
const PIECE_BYTES = 2 * 1024 * 1024;

/** Parses `sql`; throws SqlSyntaxError with a line and column. An empty or comment-only text has no statements. */
export async function parsePostgres(sql: string): Promise<RawStatement[]> {
  if (sql.trim() === '') return [];
  const parser = await loadParser();
  if (sql.length > PIECE_BYTES / 4) {
    const bytes = Buffer.from(sql, 'utf8');
    if (bytes.length > PIECE_BYTES) {
      const pieces = parseInPieces(parser, bytes);
      if (pieces) return pieces;
    }
  }
  let result: ParseResult;
  try {
    result = parser.parseSync(sql);
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    // The parser counts characters (code points); JavaScript strings count UTF-16 code units.
    const position = [...sql].slice(0, details?.cursorPosition ?? 0).join('').length;
    const { line, column } = lineAndColumn(sql, position);
    throw new SqlSyntaxError((error as Error).message, line, column);
  }
  const byteLength = Buffer.byteLength(sql, 'utf8');
  return (result.stmts ?? []).map((raw) => {
    const start = raw.stmt_location ?? 0;
    const length = raw.stmt_len ? raw.stmt_len : byteLength - start;
    return { node: raw.stmt as Node, byteStart: start, byteLength: length };
  });
}

/**
 * A big file parsed whole makes the parser's WebAssembly memory grow to many times the file's size
 * (and it never shrinks). It is parsed in pieces instead, cut after the last semicolon before each
 * PIECE_BYTES boundary. A piece counts only when it parses and its last statement ends at that
 * semicolon; otherwise (a cut inside a string, a comment or a function body, or a syntax error)
 * this returns undefined and the file is parsed whole, which also places a syntax error exactly.
 */
function parseInPieces(parser: LibPgQuery, bytes: Buffer): RawStatement[] | undefined {
  const out: RawStatement[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const last = bytes.length - pos <= PIECE_BYTES;
    const end = last ? bytes.length : bytes.lastIndexOf(0x3b, pos + PIECE_BYTES - 1) + 1;
    if (end <= pos) return undefined;
    const piece = bytes.toString('utf8', pos, end);
    let stmts: NonNullable<ParseResult['stmts']>;
    try {
      stmts = parser.parseSync(piece).stmts ?? [];
    } catch {
      return undefined;
    }
    const tail = stmts[stmts.length - 1];
    if (!last && !(tail?.stmt_len && (tail.stmt_location ?? 0) + tail.stmt_len === end - pos - 1)) return undefined;
    for (const raw of stmts) {
      const start = raw.stmt_location ?? 0;
      out.push({ node: raw.stmt as Node, byteStart: pos + start, byteLength: raw.stmt_len ? raw.stmt_len : end - pos - start });
    }
    pos = end;
  }
  return out;
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The single key of a parse node, e.g. `CreateStmt`, and its body. */
export function nodeKind(node: Node): { kind: string; body: Record<string, unknown> } {
  const [kind, body] = Object.entries(node as Record<string, unknown>)[0] ?? ['Unknown', {}];
  return { kind, body: (body ?? {}) as Record<string, unknown> };
}
