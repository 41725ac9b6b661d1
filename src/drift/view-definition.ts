import type { CatalogModel } from '../db/postgres/introspect.js';
import { parsePostgres } from '../sql/postgres/parser.js';

type Json = unknown;

/** The name a single-table query's columns can be qualified with: the table's alias, else its name. */
function singleTableName(select: Record<string, unknown>): string | undefined {
  const from = select.fromClause;
  if (!Array.isArray(from) || from.length !== 1) return undefined;
  const range = (from[0] as { RangeVar?: { relname?: string; alias?: { aliasname?: string } } }).RangeVar;
  return range ? (range.alias?.aliasname ?? range.relname) : undefined;
}

/**
 * The parse tree without positions, and with the table qualifier dropped from column references
 * in queries over a single table: PostgreSQL 16 stopped printing that qualifier in view
 * definitions, so `SELECT o.id FROM "Order" o` (15) and `SELECT id FROM "Order" o` (16 and later)
 * are the same view.
 */
function canonical(node: Json, qualifier: string | undefined): Json {
  if (Array.isArray(node)) return node.map((item) => canonical(item, qualifier));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node as Record<string, Json>)) {
    if (key === 'location') continue;
    if (key === 'SelectStmt' && value && typeof value === 'object') {
      out[key] = canonical(value, singleTableName(value as Record<string, unknown>));
    } else if (key === 'ColumnRef' && qualifier !== undefined) {
      const fields = (value as { fields?: Array<{ String?: { sval?: string } }> }).fields ?? [];
      const dropped = fields.length === 2 && fields[0]?.String?.sval === qualifier ? fields.slice(1) : fields;
      out[key] = canonical({ ...(value as object), fields: dropped }, qualifier);
    } else {
      out[key] = canonical(value, qualifier);
    }
  }
  return out;
}

/** A view definition as a key that two server versions agree on for the same view. */
export async function viewDefinitionKey(definition: string): Promise<string> {
  try {
    const statements = await parsePostgres(definition);
    return JSON.stringify(statements.map((s) => canonical(s.node, undefined)));
  } catch {
    return definition;
  }
}

/** Sets every view's comparison key (see viewDefinitionKey). */
export async function canonicalizeViews(model: CatalogModel): Promise<void> {
  for (const view of model.views) view.canonical = await viewDefinitionKey(view.definition);
}
