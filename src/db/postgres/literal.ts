/**
 * A value as a PostgreSQL literal, for the few statements lockstep sends as one simple-protocol
 * batch to save round trips (a migration with its history row, its audit row and COMMIT). E'' strings
 * are correct whatever standard_conforming_strings says.
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof SqlExpression) return value.sql;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return `'${value.toISOString()}'::timestamptz`;
  if (Array.isArray(value)) return `ARRAY[${value.map(sqlLiteral).join(', ')}]::text[]`;
  const text = String(value);
  if (text.includes('\0')) throw new RangeError('a literal cannot contain a NUL character');
  return text.includes('\\') ? `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : `'${text.replace(/'/g, "''")}'`;
}

/** SQL that goes where a literal would, as written: a value the server computes (`clock_timestamp()`). */
export class SqlExpression {
  constructor(readonly sql: string) {}
}

/** `INSERT INTO table (a, b) VALUES (literal, literal)`. */
export function insertSql(table: string, row: Record<string, unknown>): string {
  const columns = Object.keys(row);
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => sqlLiteral(row[c])).join(', ')})`;
}
