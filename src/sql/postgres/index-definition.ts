import type { Node } from 'libpg-query';
import { nodeKind, parsePostgres } from './parser.js';

/**
 * Whether the CREATE INDEX statement `statement` builds the index that `indexdef` (the server's
 * pg_get_indexdef) describes: same uniqueness, method, columns or expressions, ordering, INCLUDE,
 * WHERE, storage options and tablespace. Compared on parse trees, so spelling, quoting, CONCURRENTLY,
 * IF NOT EXISTS and the casts the server adds when it prints an expression do not matter. The
 * table is not compared here (the caller checks the index's table itself); the name is.
 * Anything that cannot be compared counts as different.
 */
export async function sameIndexDefinition(statement: Node, indexdef: string): Promise<boolean> {
  let parsed: Awaited<ReturnType<typeof parsePostgres>>;
  try {
    parsed = await parsePostgres(indexdef);
  } catch {
    return false;
  }
  if (parsed.length !== 1) return false;
  const ours = comparable(statement);
  const theirs = comparable(parsed[0]!.node);
  return ours !== undefined && ours === theirs;
}

function comparable(node: Node): string | undefined {
  const { kind, body } = nodeKind(node);
  if (kind !== 'IndexStmt') return undefined;
  const { relation: _relation, concurrent: _concurrent, if_not_exists: _ifNotExists, ...rest } = body;
  return JSON.stringify(normalize(rest));
}

/** Drops source positions and the casts the server writes around constants, with keys in a stable order. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const cast = object.TypeCast as { arg?: unknown } | undefined;
  if (cast && Object.keys(object).length === 1 && cast.arg !== undefined) return normalize(cast.arg);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object).sort()) {
    if (key === 'location' || key === 'stmt_location' || key === 'stmt_len') continue;
    out[key] = normalize(object[key]);
  }
  return out;
}
