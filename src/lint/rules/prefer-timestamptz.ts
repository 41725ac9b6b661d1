import { isCatalogType, typeRule } from '../type-rule.js';

export const preferTimestamptz = typeRule(
  {
    id: 'prefer-timestamptz',
    severity: 'off',
    category: 'style',
    summary: 'timestamp without time zone columns',
    why: 'timestamp drops the UTC offset: 21:11+02 and 21:11-06 are stored as the same value.',
    fix: 'Use timestamptz (timestamp with time zone).',
    sizeGraded: false,
    equivalents: { squawk: ['prefer-timestamp-tz', 'prefer-timestamptz'] },
    doc: {
      what: "A column declared `timestamp` / `timestamp without time zone`. Off by default (Prisma's `DateTime` is `TIMESTAMP(3)`; `@db.Timestamptz(3)` changes it).",
      why: 'The offset of the written value is discarded, so the meaning of a stored value depends on the session time zone of whoever wrote it.',
      fix: 'Use `timestamptz`; it stores an absolute instant and costs the same.',
      bad: 'ALTER TABLE "Order" ADD COLUMN "shippedAt" TIMESTAMP(3);',
      good: 'ALTER TABLE "Order" ADD COLUMN "shippedAt" TIMESTAMPTZ(3);',
    },
  },
  (type) => isCatalogType(type, ['timestamp']),
  () => 'use timestamptz; timestamp drops the UTC offset.',
);
