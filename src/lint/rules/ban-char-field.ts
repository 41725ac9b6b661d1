import { isCatalogType, typeRule } from '../type-rule.js';

export const banCharField = typeRule(
  {
    id: 'ban-char-field',
    severity: 'off',
    category: 'style',
    summary: 'char(n) / character columns',
    why: 'char(n) pads values with spaces and compares them oddly; it is never faster than text or varchar.',
    fix: 'Use text (with a CHECK on length if needed) or varchar.',
    sizeGraded: false,
    equivalents: { squawk: ['ban-char-field'] },
    doc: {
      what: 'A column declared `char(n)`, `character(n)` or `bpchar` in CREATE TABLE, ADD COLUMN or ALTER COLUMN TYPE. Off by default.',
      why: 'Values are blank-padded to n characters, trailing spaces are ignored in some comparisons and not in others, and there is no storage or speed benefit in PostgreSQL.',
      fix: 'Use `text`, with `CHECK (length(col) <= n)` if a limit is needed.',
      bad: 'CREATE TABLE "Country" ("code" CHAR(2) PRIMARY KEY);',
      good: 'CREATE TABLE "Country" ("code" TEXT PRIMARY KEY CHECK (length("code") = 2));',
    },
  },
  (type) => isCatalogType(type, ['bpchar']),
  () => 'use text (with a CHECK on length) or varchar instead of char(n).',
);
