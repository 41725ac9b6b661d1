const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * Parses a duration such as `500ms`, `2s`, `1.5m`, `4h` or a bare number of milliseconds.
 * `0` means "no limit" where the option allows it.
 */
export function parseDuration(input: string | number, what = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0)
      throw new RangeError(`${what} must be a non-negative number of milliseconds, got ${input}`);
    return Math.round(input);
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/i.exec(input);
  if (!match) throw new RangeError(`${what} "${input}" is not a duration; use a number with a unit, e.g. 500ms, 2s, 10m, 1h`);
  const value = Number(match[1]);
  const unit = (match[2] ?? 'ms').toLowerCase();
  return Math.round(value * (UNITS[unit] ?? 1));
}

/** Human form of a duration for logs: `42 ms`, `1.3 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/** PostgreSQL form for SET lock_timeout / statement_timeout. */
export function pgInterval(ms: number): string {
  return `${Math.max(0, Math.round(ms))}ms`;
}
