import { isCatalogType, typeRule } from '../type-rule.js';

export const preferBigintOverSmallint = typeRule(
  {
    id: 'prefer-bigint-over-smallint',
    severity: 'off',
    category: 'style',
    summary: 'smallint / smallserial columns',
    why: 'A 16-bit column runs out at 32,767; widening it later rewrites the table.',
    fix: 'Use bigint (or integer when the range is known to be small).',
    sizeGraded: false,
    equivalents: { squawk: ['prefer-bigint-over-smallint'] },
    doc: {
      what: 'A column declared `smallint`, `int2`, `smallserial` or `serial2`. Off by default.',
      why: 'The range ends at 32,767. Widening the column later is an ALTER COLUMN TYPE that rewrites the table under ACCESS EXCLUSIVE.',
      fix: 'Use `bigint` unless the domain is truly bounded.',
      bad: 'ALTER TABLE "Product" ADD COLUMN "stockCount" SMALLINT;',
      good: 'ALTER TABLE "Product" ADD COLUMN "stockCount" BIGINT;',
    },
  },
  (type) => isCatalogType(type, ['int2', 'smallint', 'smallserial', 'serial2']),
  () => 'a 16-bit integer; use bigint unless the range is truly bounded.',
);
