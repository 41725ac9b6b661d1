import type { Node } from 'libpg-query';
import { quoteIdent } from '../../db/postgres/session.js';

/** The tables a statement names (every RangeVar in its parse tree), quoted and qualified as written. */
export function referencedRelations(node: Node): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!value || typeof value !== 'object') return;
    // A RangeVar is wrapped (`{ RangeVar: {...} }`) where any node may stand, and bare in fields typed
    // RangeVar (`relation`, a foreign key's `pktable`, a partition command's `name`, ...): only a RangeVar has `relname`.
    for (const child of Object.values(value)) {
      const rv = child as { relname?: string; schemaname?: string } | null;
      if (rv && typeof rv === 'object' && typeof rv.relname === 'string') {
        found.add(rv.schemaname ? `${quoteIdent(rv.schemaname)}.${quoteIdent(rv.relname)}` : quoteIdent(rv.relname));
      }
      visit(child);
    }
  };
  visit(node);
  return [...found];
}
