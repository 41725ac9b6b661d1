/**
 * Secrets never leave the process: every line lockstep prints, logs or stores goes through
 * `redact`, which replaces any registered secret (passwords, full connection strings) and any
 * URL-embedded or `password=` password it recognises.
 *
 * A registered secret is replaced where it stands as a whole (not inside a longer word), so that
 * the password `postgres` never turns `postgresql` into `***ql`. A password that is an ordinary
 * word (letters only), or the URL's own user, database or host name, is replaced only where it
 * stands as a password (in a URL, after `password=`): elsewhere the same word is ordinary text.
 */
const secrets = new Set<string>();
/** The secrets longest first, so that a full URL is replaced before the password inside it. */
let ordered: string[] = [];

/** Letters only, as a dictionary word or a name is: replacing it everywhere would corrupt ordinary text. */
const ORDINARY_WORD = /^[A-Za-z]{1,12}$/;

export interface SecretOptions {
  /** Names that appear in output anyway (the URL's user, database and host): a secret equal to one is left to positional redaction. */
  ordinary?: Array<string | undefined>;
}

function addSecret(value: string): void {
  if (value.length < 3) return;
  secrets.add(value);
}

export function registerSecret(value: string | undefined | null, options: SecretOptions = {}): void {
  if (!value || value.length < 3) return;
  if (ORDINARY_WORD.test(value) || options.ordinary?.includes(value)) return;
  addSecret(value);
  try {
    const decoded = decodeURIComponent(value);
    if (decoded !== value) addSecret(decoded);
  } catch {
    /* not URI-encoded */
  }
  const encoded = encodeURIComponent(value);
  if (encoded !== value) addSecret(encoded);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

const WORD_CHAR = /[A-Za-z0-9]/;

/** Replaces `secret` where it stands as a whole: a letter or digit at its edge may not continue into the text around it. */
function replaceWhole(text: string, secret: string): string {
  const guardStart = WORD_CHAR.test(secret[0]!);
  const guardEnd = WORD_CHAR.test(secret[secret.length - 1]!);
  let out = '';
  let from = 0;
  for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
    if (at < from) continue;
    const end = at + secret.length;
    if (guardStart && at > 0 && WORD_CHAR.test(text[at - 1]!)) continue;
    if (guardEnd && end < text.length && WORD_CHAR.test(text[end]!)) continue;
    out += `${text.slice(from, at)}***`;
    from = end;
  }
  return from === 0 ? text : out + text.slice(from);
}

const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi;
// Also names that end in one, such as PGPASSWORD and DB_PASSWORD.
const KEY_VALUE_PASSWORD = /\b(\w*(?:password|passwd|pwd))(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,]+)/gi;
/** What each pattern needs to match at all: most text has neither, and skips the patterns. */
const MENTIONS_PASSWORD = /pass|pwd/i;

export function redact(text: string): string {
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = replaceWhole(out, secret);
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
