import { isCatalogType, typeRule } from '../type-rule.js';

export const preferJsonb = typeRule(
  {
    id: 'prefer-jsonb',
    severity: 'off',
    category: 'style',
    summary: 'json columns',
    why: 'json has no equality operator (SELECT DISTINCT and UNION fail on it) and no index support; it is re-parsed on every access.',
    fix: 'Use jsonb.',
    sizeGraded: false,
    equivalents: { strongMigrations: ['add_column_json'] },
    doc: {
      what: 'A column declared `json`. Off by default.',
      why: '`json` keeps the text as written: no equality operator (queries with DISTINCT, GROUP BY or UNION over the row fail), no GIN indexes, and parsing on every access.',
      fix: 'Use `jsonb` (Prisma maps `Json` to `jsonb` already; this catches hand-written SQL and `@db.Json`).',
      bad: 'ALTER TABLE "Order" ADD COLUMN "metadata" JSON;',
      good: 'ALTER TABLE "Order" ADD COLUMN "metadata" JSONB;',
    },
  },
  (type) => isCatalogType(type, ['json']),
  () => 'use jsonb; json has no equality operator and no index support.',
);
