import type { CatalogColumn, CatalogConstraint, CatalogIndex, CatalogSequence } from '../db/postgres/introspect.js';
import { displayIdent, quoteIdent } from '../db/postgres/session.js';

/** How objects are named in messages: `public.users`, `public."Order"`. */
export const displayName = (schema: string, name: string) => `${displayIdent(schema)}.${displayIdent(name)}`;
/** How objects are named in SQL: always quoted, so that keywords such as "order" are safe. */
export const sqlName = (schema: string, name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;

const SHORT_TYPES: Array<[RegExp, string]> = [
  [/^character varying\b/, 'varchar'],
  [/^character\b/, 'char'],
  [/^bit varying\b/, 'varbit'],
  [/^timestamp(\(\d+\))? without time zone/, 'timestamp$1'],
  [/^timestamp(\(\d+\))? with time zone/, 'timestamptz$1'],
  [/^time(\(\d+\))? without time zone/, 'time$1'],
  [/^time(\(\d+\))? with time zone/, 'timetz$1'],
];

/** A type as people write it: `varchar(32)`, `timestamptz`, `timestamp(3)`; the same type PostgreSQL prints in full. */
export function shortType(type: string): string {
  for (const [pattern, replacement] of SHORT_TYPES) if (pattern.test(type)) return type.replace(pattern, replacement);
  return type;
}

/** A column as a definition: `varchar(32) NOT NULL DEFAULT 'x'`. Also valid SQL after the column name. */
export function columnSpec(column: CatalogColumn, options: { nullability?: 'explicit' | 'sql' } = {}): string {
  const parts = [shortType(column.type)];
  if (column.collation) parts.push(`COLLATE ${column.collation}`);
  if (column.notNull) parts.push('NOT NULL');
  else if (options.nullability !== 'sql') parts.push('NULL');
  if (column.default !== null) parts.push(`DEFAULT ${column.default}`);
  if (column.identity) parts.push(`GENERATED ${column.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`);
  if (column.generated !== null)
    parts.push(`GENERATED ALWAYS AS (${column.generated})${column.generatedKind === 'virtual' ? ' VIRTUAL' : ' STORED'}`);
  return parts.join(' ');
}

/** A constraint as its definition says, with NOT VALID when it was never validated. */
export function constraintSpec(constraint: CatalogConstraint): string {
  return `${constraint.definition}${constraint.validated ? '' : ' NOT VALID'}`;
}

export function indexSpec(index: CatalogIndex): string {
  return `${index.unique ? 'UNIQUE ' : ''}${index.definition}`;
}

export function sequenceSpec(sequence: CatalogSequence): string {
  const parts = [
    shortType(sequence.type),
    `start ${sequence.start}`,
    `increment ${sequence.increment}`,
    `min ${sequence.min}`,
    `max ${sequence.max}`,
    `cache ${sequence.cache}`,
    sequence.cycle ? 'cycle' : 'no cycle',
  ];
  if (sequence.ownedBy)
    parts.push(
      `owned by ${displayName(sequence.ownedBy.schema, sequence.ownedBy.table)}.${displayIdent(sequence.ownedBy.column)}`,
    );
  return parts.join(', ');
}

export const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

export const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
