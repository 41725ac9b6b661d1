import { someString } from '../ast.js';
import type { Rule } from '../rule.js';

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are cut to this many bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/** An identifier token's name as PostgreSQL stores it (quotes removed, "" unescaped; unquoted names case-folded). */
function identifierName(token: string): string {
  if (token.startsWith('"') && token.endsWith('"')) return token.slice(1, -1).replace(/""/g, '"');
  return token.toLowerCase();
}

export const identifierTooLong: Rule = {
  meta: {
    id: 'identifier-too-long',
    severity: 'warning',
    category: 'correctness',
    summary: 'an identifier longer than 63 bytes',
    why: 'PostgreSQL silently truncates it to 63 bytes: two long names can collide, and the ORM looks for a name that does not exist.',
    fix: 'Shorten the name (Prisma: map: "..." on @@index/@relation/@@unique; Drizzle/TypeORM: give the index or constraint an explicit short name).',
    sizeGraded: false,
    equivalents: { squawk: ['identifier-too-long'] },
    doc: {
      what: 'A table, column, index, constraint or other identifier longer than 63 bytes (NAMEDATALEN - 1). Multibyte characters count by their UTF-8 bytes.',
      why: "PostgreSQL truncates the name with only a NOTICE. Generated names (`Table_columnA_columnB_columnC_fkey`) hit the limit easily; two of them can truncate to the same name and the second statement fails, and the ORM's next diff sees a different name than it expects and generates a drop and re-create.",
      fix: 'Give the object an explicit shorter name: Prisma `@@index([a, b], map: "short_name")`, `@relation(..., map: "short_fkey")`; Drizzle `index("short_name")`; TypeORM `@Index("short_name")`.',
      bad: 'CREATE INDEX "OrderItem_orderId_productId_warehouseId_createdAt_updatedAt_deletedAt_idx" ON "OrderItem"("orderId", "productId", "warehouseId", "createdAt", "updatedAt", "deletedAt");',
      good: 'CREATE INDEX "OrderItem_lookup_idx" ON "OrderItem"("orderId", "productId", "warehouseId", "createdAt", "updatedAt", "deletedAt");',
    },
  },
  create(context) {
    return {
      statement(statement) {
        // The parse tree holds names already cut to 63 bytes, so a name of exactly 63 bytes may have
        // been longer: only then are the statement's tokens read, for the name as written.
        if (
          !someString(statement.body, (text) => text.length >= 15 && Buffer.byteLength(text, 'utf8') >= MAX_IDENTIFIER_BYTES - 3)
        )
          return;
        const seen = new Set<string>();
        for (const token of context.tokens(statement)) {
          if (token.name !== 'IDENT') continue;
          const name = identifierName(token.text);
          const bytes = Buffer.byteLength(name, 'utf8');
          if (bytes <= MAX_IDENTIFIER_BYTES || seen.has(name)) continue;
          seen.add(name);
          const cut = Buffer.from(name, 'utf8')
            .subarray(0, MAX_IDENTIFIER_BYTES)
            .toString('utf8')
            .replace(/\uFFFD$/, '');
          context.report({
            statement,
            at: token.start - statement.base,
            message: `"${name}" is ${bytes} bytes; PostgreSQL truncates it to fit 63 bytes ("${cut}").`,
          });
        }
      },
    };
  },
};
