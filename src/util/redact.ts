/**
 * Secrets never leave the process: every line lockstep prints, logs or stores goes through
 * `redact`, which replaces any registered secret (passwords, full connection strings) and any
 * URL-embedded password it recognises.
 */
const secrets = new Set<string>();
/** The secrets longest first, so that a full URL is replaced before the password inside it. */
let ordered: string[] = [];

export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 3) return;
  secrets.add(value);
  try {
    const decoded = decodeURIComponent(value);
    if (decoded !== value && decoded.length >= 3) secrets.add(decoded);
  } catch {
    /* not URI-encoded */
  }
  const encoded = encodeURIComponent(value);
  if (encoded !== value) secrets.add(encoded);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi;
// Also names that end in one, such as PGPASSWORD and DB_PASSWORD.
const KEY_VALUE_PASSWORD = /\b(\w*(?:password|passwd|pwd))(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,]+)/gi;
/** What each pattern needs to match at all: most text has neither, and skips the patterns. */
const MENTIONS_PASSWORD = /pass|pwd/i;

export function redact(text: string): string {
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  if (out.includes('://')) out = out.replace(URL_PASSWORD, '$1***$3');
  if (MENTIONS_PASSWORD.test(out)) out = out.replace(KEY_VALUE_PASSWORD, '$1$2***');
  return out;
}

/** Deep-redacts strings inside a JSON-like value (for --json output and audit details). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactDeep(item);
    return out as T;
  }
  return value;
}
