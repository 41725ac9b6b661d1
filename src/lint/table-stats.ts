/**
 * Data awareness: how big the tables a migration touches are. The linter asks a provider once per
 * run for every table its findings name; lockstep's provider reads PostgreSQL's catalog (no table
 * is scanned, nothing is locked), and an application or a test can supply its own.
 */
import type { PgSession } from '../db/postgres/session.js';
import { displayName, type RelationName } from './ast.js';
import type { TableSize } from './types.js';

export interface TableStats {
  /** False when no such table exists (for example: an earlier pending migration creates it). */
  exists: boolean;
  /** Estimated live rows; undefined when PostgreSQL has no estimate yet (never analyzed). */
  rows: number | undefined;
  /** pg_total_relation_size: heap, indexes and TOAST, in bytes. */
  bytes: number | undefined;
  /** Column name → type as format_type() prints it, e.g. `character varying(20)`. */
  columns?: Record<string, string> | undefined;
}

export interface TableStatsProvider {
  /** Facts per table, keyed by `tableKey(table)`; tables it cannot answer for may be left out. */
  tableStats(tables: RelationName[]): Promise<Map<string, TableStats>>;
}

/** The key a provider answers under: the table's name as SQL writes it, schema-qualified when the migration qualifies it. */
export function tableKey(table: Pick<RelationName, 'schema' | 'name'>): string {
  return displayName(table.schema, table.name);
}

/** Where the size grades start; `lint.thresholds` in lockstep.config.json overrides them. */
export interface SizeThresholds {
  /** Below both of these a table is small: a lock is held for milliseconds. */
  smallRows: number;
  smallBytes: number;
  /** From either of these on a table is large: a rewrite or scan takes minutes. */
  largeRows: number;
  largeBytes: number;
}

export const DEFAULT_THRESHOLDS: SizeThresholds = {
  smallRows: 10_000,
  smallBytes: 16 * 1024 * 1024,
  largeRows: 1_000_000,
  largeBytes: 1024 * 1024 * 1024,
};

/** At most this size, a table with no row estimate counts as empty: a few pages, e.g. the empty heap and its primary key. */
export const EMPTY_BYTES = 64 * 1024;

const ORDER: TableSize[] = ['empty', 'small', 'medium', 'large'];

/** The grade of a table from its row estimate and its size; the larger of the two grades wins. */
export function gradeTable(stats: TableStats, thresholds: SizeThresholds = DEFAULT_THRESHOLDS): TableSize {
  if (!stats.exists) return 'new';
  const byRows =
    stats.rows === undefined
      ? undefined
      : stats.rows <= 0
        ? 'empty'
        : stats.rows < thresholds.smallRows
          ? 'small'
          : stats.rows < thresholds.largeRows
            ? 'medium'
            : 'large';
  const byBytes =
    stats.bytes === undefined
      ? undefined
      : stats.bytes <= EMPTY_BYTES
        ? 'empty'
        : stats.bytes < thresholds.smallBytes
          ? 'small'
          : stats.bytes < thresholds.largeBytes
            ? 'medium'
            : 'large';
  if (byRows === undefined && byBytes === undefined) return 'unknown';
  // Zero estimated rows in a table of many pages is bloat, not emptiness: a rewrite still reads every page.
  const grades = [byRows, byBytes].filter((g): g is Exclude<TableSize, 'new' | 'unknown'> => g !== undefined);
  return grades.reduce((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a));
}

const STATS_SQL = `
WITH wanted AS (
  SELECT key, to_regclass(key) AS oid FROM unnest($1::text[]) AS key
), rels AS (
  SELECT w.key, c.oid, c.relkind, c.reltuples, s.n_live_tup, s.last_analyze, s.last_autoanalyze
  FROM wanted w
  JOIN pg_class c ON c.oid = w.oid
  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
)
SELECT r.key,
       CASE WHEN r.relkind = 'p' THEN (SELECT sum(greatest(pc.reltuples, 0))::float8 FROM pg_partition_tree(r.oid) t JOIN pg_class pc ON pc.oid = t.relid WHERE t.isleaf)
            WHEN r.reltuples >= 0 THEN r.reltuples::float8
            WHEN r.last_analyze IS NOT NULL OR r.last_autoanalyze IS NOT NULL OR r.n_live_tup > 0 THEN r.n_live_tup::float8
       END AS rows,
       CASE WHEN r.relkind = 'p' THEN (SELECT sum(pg_total_relation_size(t.relid))::float8 FROM pg_partition_tree(r.oid) t)
            ELSE pg_total_relation_size(r.oid)::float8
       END AS bytes,
       (SELECT json_object_agg(a.attname, format_type(a.atttypid, a.atttypmod))
          FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
FROM rels r`;

/** Reads row estimates, sizes and column types from the catalog of the database `session` is connected to. */
export function postgresTableStats(session: Pick<PgSession, 'query'>): TableStatsProvider {
  return {
    async tableStats(tables) {
      const keys = [...new Set(tables.map(tableKey))];
      const out = new Map<string, TableStats>();
      if (keys.length === 0) return out;
      const rows = await session.query<{
        key: string;
        rows: number | null;
        bytes: number | null;
        columns: Record<string, string> | null;
      }>(STATS_SQL, [keys]);
      for (const key of keys) out.set(key, { exists: false, rows: undefined, bytes: undefined });
      for (const row of rows) {
        out.set(row.key, {
          exists: true,
          rows: row.rows === null ? undefined : Math.round(Number(row.rows)),
          bytes: row.bytes === null ? undefined : Number(row.bytes),
          columns: row.columns ?? undefined,
        });
      }
      return out;
    },
  };
}

/** "≈1.2M rows, 340 MB" */
export function describeSize(rows: number | undefined, bytes: number | undefined): string {
  const parts: string[] = [];
  if (rows !== undefined) parts.push(`≈${compactNumber(rows)} row${rows === 1 ? '' : 's'}`);
  if (bytes !== undefined) parts.push(formatBytes(bytes));
  return parts.join(', ');
}

export function compactNumber(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${trim(n / 1000)}k`;
  if (n < 1_000_000_000) return `${trim(n / 1_000_000)}M`;
  return `${trim(n / 1_000_000_000)}G`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : trim(value)} ${units[unit]}`;
}

function trim(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
}
