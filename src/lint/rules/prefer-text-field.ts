import { isCatalogType, typeRule } from '../type-rule.js';

export const preferTextField = typeRule(
  {
    id: 'prefer-text-field',
    severity: 'off',
    category: 'style',
    summary: 'varchar(n) columns',
    why: 'Raising a varchar limit later is cheap, but lowering it rewrites the table; a CHECK constraint can be changed without either.',
    fix: 'Use text with a CHECK (length(col) <= n) constraint.',
    sizeGraded: false,
    equivalents: { squawk: ['prefer-text-field'] },
    doc: {
      what: 'A column declared `varchar(n)` in CREATE TABLE, ADD COLUMN or ALTER COLUMN TYPE. Off by default (Prisma generates `VARCHAR(n)` for `@db.VarChar(n)`).',
      why: 'Changing the limit is an ALTER COLUMN TYPE: a shorter limit rewrites the table under ACCESS EXCLUSIVE and fails on longer values. A CHECK constraint can be replaced NOT VALID and validated without blocking.',
      fix: 'Use `text` plus `CHECK (length(col) <= n)`.',
      bad: 'ALTER TABLE "User" ADD COLUMN "nickname" VARCHAR(32);',
      good: 'ALTER TABLE "User" ADD COLUMN "nickname" TEXT;\nALTER TABLE "User" ADD CONSTRAINT "User_nickname_length" CHECK (length("nickname") <= 32) NOT VALID;',
    },
  },
  (type) => isCatalogType(type, ['varchar']) && type.modifiers.length > 0,
  (type) =>
    `use text with CHECK (length(...) <= ${type.modifiers[0]}) instead; changing a varchar limit later means ALTER COLUMN TYPE.`,
);
