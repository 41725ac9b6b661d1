/**
 * What PostgreSQL does when a column changes type: whether the table is rewritten, whether
 * existing values can fail or lose precision, and whether a USING clause is needed. Types come
 * from the parse tree (the new type, or the old one when the migration created the column) or
 * from the database's catalog as format_type() prints them.
 */
import type { TypeReference } from './ast.js';

export interface ColumnType {
  /** PostgreSQL's internal name for built-ins (`int4`, `varchar`, `timestamptz`), else the type's own name. */
  name: string;
  modifiers: number[];
  array: boolean;
  builtin: boolean;
}

type Family = 'integer' | 'decimal' | 'string' | 'bool' | 'datetime' | 'time' | 'json' | 'other';

const FAMILY: Record<string, Family> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  numeric: 'decimal',
  float4: 'decimal',
  float8: 'decimal',
  text: 'string',
  varchar: 'string',
  bpchar: 'string',
  citext: 'string',
  bool: 'bool',
  timestamp: 'datetime',
  timestamptz: 'datetime',
  date: 'datetime',
  time: 'time',
  timetz: 'time',
  json: 'json',
  jsonb: 'json',
};

const BUILTIN_ALIASES: Record<string, string> = {
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  'double precision': 'float8',
  real: 'float4',
  boolean: 'bool',
  decimal: 'numeric',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  'bit varying': 'varbit',
  serial: 'int4',
  bigserial: 'int8',
  smallserial: 'int2',
  serial4: 'int4',
  serial8: 'int8',
  serial2: 'int2',
};

const BUILTINS = new Set([
  ...Object.keys(FAMILY),
  'date',
  'interval',
  'uuid',
  'bytea',
  'inet',
  'cidr',
  'varbit',
  'bit',
  'money',
  'xml',
  'oid',
]);

export function fromReference(type: TypeReference): ColumnType {
  const name = BUILTIN_ALIASES[type.name] ?? type.name;
  const builtin = (type.schema === undefined || type.schema === 'pg_catalog') && BUILTINS.has(name);
  return { name, modifiers: type.modifiers, array: type.array, builtin };
}

/** Parses format_type() output: `character varying(20)`, `timestamp(3) without time zone`, `integer[]`, `"OrderStatus"`. */
export function fromFormatType(text: string): ColumnType {
  let rest = text.trim();
  let array = false;
  while (rest.endsWith('[]')) {
    array = true;
    rest = rest.slice(0, -2);
  }
  const modifiers: number[] = [];
  const open = rest.indexOf('(');
  if (open !== -1) {
    const close = rest.indexOf(')', open);
    for (const part of rest.slice(open + 1, close).split(',')) {
      const value = Number(part.trim());
      if (Number.isFinite(value)) modifiers.push(value);
    }
    rest = `${rest.slice(0, open)}${rest.slice(close + 1)}`.replace(/\s+/g, ' ').trim();
  }
  if (rest.startsWith('"') && rest.endsWith('"'))
    return { name: rest.slice(1, -1).replace(/""/g, '"'), modifiers, array, builtin: false };
  const unqualified = rest.startsWith('pg_catalog.') ? rest.slice('pg_catalog.'.length) : rest;
  const name = BUILTIN_ALIASES[unqualified] ?? unqualified;
  return { name, modifiers, array, builtin: BUILTINS.has(name) };
}

function family(type: ColumnType): Family {
  return type.builtin ? (FAMILY[type.name] ?? 'other') : 'other';
}

const DISPLAY: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bpchar: 'char',
  bool: 'boolean',
  varbit: 'bit varying',
};

export function describeType(type: ColumnType): string {
  const base = type.builtin ? (DISPLAY[type.name] ?? type.name) : `"${type.name}"`;
  return `${base}${type.modifiers.length ? `(${type.modifiers.join(',')})` : ''}${type.array ? '[]' : ''}`;
}

export function sameType(a: ColumnType, b: ColumnType): boolean {
  return a.name === b.name && a.array === b.array && a.modifiers.join(',') === b.modifiers.join(',');
}

/** A value of `from` can be kept in a column of `to` (the two could be the same field under a new name). */
export function compatibleForRename(from: ColumnType, to: ColumnType): boolean {
  if (from.array !== to.array) return false;
  const a = family(from);
  const b = family(to);
  if (a === 'other' || b === 'other') return from.name === to.name;
  return a === b || (a === 'integer' && b === 'decimal') || (a === 'decimal' && b === 'integer');
}

export interface TypeChange {
  /** PostgreSQL rewrites the table (and every index on it). */
  rewrite: boolean | 'maybe';
  /** Existing values can fail the conversion or lose precision; says how. */
  lossy: string | undefined;
  /** There is no automatic conversion: PostgreSQL refuses the change without USING. */
  needsUsing: boolean;
  /** Why there is no rewrite, or why it may not be one. */
  note: string | undefined;
}

const length = (type: ColumnType) => type.modifiers[0];

export function analyzeTypeChange(from: ColumnType, to: ColumnType): TypeChange {
  const fromFamily = family(from);
  const toFamily = family(to);
  const change: TypeChange = { rewrite: true, lossy: undefined, needsUsing: false, note: undefined };
  if (from.array !== to.array) {
    change.needsUsing = true;
    return change;
  }

  // Changes PostgreSQL makes in the catalog only (binary-coercible, or a wider type modifier).
  if (sameType(from, to)) return { ...change, rewrite: false, note: 'the type does not change' };
  if (
    (from.name === 'varchar' || from.name === 'text') &&
    (to.name === 'text' || (to.name === 'varchar' && length(to) === undefined))
  ) {
    return { ...change, rewrite: false, note: `${describeType(from)} to ${describeType(to)} is binary-coercible` };
  }
  if (from.name === 'varchar' && to.name === 'varchar' && length(from) !== undefined && length(to)! >= length(from)!) {
    return { ...change, rewrite: false, note: 'a longer varchar limit needs no rewrite' };
  }
  if (
    from.name === 'varbit' &&
    to.name === 'varbit' &&
    (length(to) === undefined || (length(from) !== undefined && length(to)! >= length(from)!))
  ) {
    return { ...change, rewrite: false, note: 'a longer bit varying limit needs no rewrite' };
  }
  if (from.name === 'numeric' && to.name === 'numeric') {
    if (to.modifiers.length === 0) return { ...change, rewrite: false, note: 'unconstrained numeric needs no rewrite' };
    if (
      from.modifiers.length > 0 &&
      (from.modifiers[1] ?? 0) === (to.modifiers[1] ?? 0) &&
      to.modifiers[0]! >= from.modifiers[0]!
    ) {
      return { ...change, rewrite: false, note: 'a larger numeric precision with the same scale needs no rewrite' };
    }
  }
  if (['timestamp', 'timestamptz', 'time', 'timetz', 'interval'].includes(from.name) && from.name === to.name) {
    if (length(to) === undefined || (length(from) !== undefined && length(to)! >= length(from)!))
      return { ...change, rewrite: false, note: 'a higher fractional-second precision needs no rewrite' };
  }
  if (from.name === 'cidr' && to.name === 'inet') return { ...change, rewrite: false, note: 'cidr to inet is binary-coercible' };
  if (from.name === 'timestamp' && to.name === 'timestamptz') {
    change.rewrite = 'maybe';
    change.note = 'PostgreSQL 12+ skips the rewrite only when the session TimeZone is UTC';
  }

  // Values that can fail or change.
  const intRank: Record<string, number> = { int2: 1, int4: 2, int8: 3 };
  if (fromFamily === 'integer' && toFamily === 'integer' && intRank[to.name]! < intRank[from.name]!)
    change.lossy = `values outside the range of ${describeType(to)} make the ALTER fail`;
  if (fromFamily === 'decimal' && toFamily === 'integer') change.lossy = 'fractions are rounded away';
  if (from.name === 'float8' && to.name === 'float4') change.lossy = 'values lose precision';
  if (from.name === 'numeric' && to.name === 'numeric' && to.modifiers.length > 0) {
    const [fp, fs] = [from.modifiers[0], from.modifiers[1] ?? 0];
    const [tp, ts] = [to.modifiers[0]!, to.modifiers[1] ?? 0];
    if (fp === undefined || ts < fs)
      change.lossy = `values are rounded to ${ts} decimal place${ts === 1 ? '' : 's'}${fp === undefined || tp - ts < fp - fs ? ', and larger values make the ALTER fail' : ''}`;
    else if (tp - ts < fp - fs)
      change.lossy = `values with more than ${tp - ts} integer digit${tp - ts === 1 ? '' : 's'} make the ALTER fail`;
  }
  if (
    (to.name === 'varchar' || to.name === 'bpchar') &&
    length(to) !== undefined &&
    fromFamily === 'string' &&
    (length(from) === undefined || length(from)! > length(to)!)
  ) {
    change.lossy = `values longer than ${length(to)} characters make the ALTER fail`;
  }
  if (from.name === 'timestamptz' && to.name === 'timestamp')
    change.lossy = 'the UTC offset is dropped (values are converted to the session time zone)';
  if ((from.name === 'timestamptz' || from.name === 'timestamp') && to.name === 'date')
    change.lossy = 'the time of day is dropped';

  // No assignment cast: PostgreSQL says "column cannot be cast automatically" without USING.
  const automatic =
    toFamily === 'string' ||
    (fromFamily !== 'other' && fromFamily === toFamily) ||
    (fromFamily === 'integer' && toFamily === 'decimal') ||
    (fromFamily === 'decimal' && toFamily === 'integer') ||
    (from.name === 'cidr' && to.name === 'inet');
  change.needsUsing = !automatic;
  return change;
}
