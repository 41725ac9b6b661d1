/**
 * Reads the `datasource` block of a Prisma schema: provider, url, directUrl, schemas. Only that
 * block matters to lockstep, so this is a small tokenizer for it, not a full PSL parser.
 */

/** A datasource value: a literal string or `env("NAME")`. */
export type PslValue = { kind: 'literal'; value: string } | { kind: 'env'; name: string };

export interface PrismaDatasource {
  name: string;
  provider: string | undefined;
  url: PslValue | undefined;
  directUrl: PslValue | undefined;
  shadowDatabaseUrl: PslValue | undefined;
  schemas: string[];
  /** `prisma` when Prisma emulates relations instead of creating foreign keys. */
  relationMode: string | undefined;
  /** 1-based line of the `datasource` keyword. */
  line: number;
}

export type PslToken = { type: 'word' | 'string' | 'punct'; value: string; line: number };

/** The schema as words, strings and punctuation, each with its 1-based line (comments dropped). */
export function tokenizePsl(source: string): PslToken[] {
  const tokens: PslToken[] = [];
  let line = 1;
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n') {
      line++;
      i++;
    } else if (/\s/.test(ch)) {
      i++;
    } else if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (ch === '"') {
      let value = '';
      i++;
      while (i < source.length && source[i] !== '"') {
        if (source[i] === '\\' && i + 1 < source.length) {
          const next = source[i + 1]!;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          i += 2;
        } else {
          if (source[i] === '\n') line++;
          value += source[i];
          i++;
        }
      }
      i++;
      tokens.push({ type: 'string', value, line });
    } else if (/[A-Za-z0-9_@.]/.test(ch)) {
      let value = '';
      while (i < source.length && /[A-Za-z0-9_@.]/.test(source[i]!)) value += source[i++];
      tokens.push({ type: 'word', value, line });
    } else {
      tokens.push({ type: 'punct', value: ch, line });
      i++;
    }
  }
  return tokens;
}

/** Returns the first datasource block in `source`, or undefined when the file has none. */
export function readDatasource(source: string): PrismaDatasource | undefined {
  const tokens = tokenizePsl(source);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type !== 'word' || token.value !== 'datasource') continue;
    const name = tokens[i + 1];
    if (name?.type !== 'word' || tokens[i + 2]?.value !== '{') continue;
    const datasource: PrismaDatasource = {
      name: name.value,
      provider: undefined,
      url: undefined,
      directUrl: undefined,
      shadowDatabaseUrl: undefined,
      schemas: [],
      relationMode: undefined,
      line: token.line,
    };
    let j = i + 3;
    while (j < tokens.length && tokens[j]!.value !== '}') {
      const key = tokens[j]!;
      if (key.type === 'word' && tokens[j + 1]?.value === '=') {
        const { value, next } = readValue(tokens, j + 2);
        j = next;
        assign(datasource, key.value, value);
      } else {
        j++;
      }
    }
    return datasource;
  }
  return undefined;
}

type RawValue = PslValue | { kind: 'list'; values: string[] } | { kind: 'other' };

function readValue(tokens: PslToken[], start: number): { value: RawValue; next: number } {
  const first = tokens[start];
  if (!first) return { value: { kind: 'other' }, next: start };
  if (first.type === 'string') return { value: { kind: 'literal', value: first.value }, next: start + 1 };
  if (first.type === 'word' && first.value === 'env' && tokens[start + 1]?.value === '(') {
    const arg = tokens[start + 2];
    const close = tokens.findIndex((t, k) => k > start && t.value === ')');
    if (arg?.type === 'string') return { value: { kind: 'env', name: arg.value }, next: close === -1 ? start + 3 : close + 1 };
  }
  if (first.value === '[') {
    const values: string[] = [];
    let k = start + 1;
    while (k < tokens.length && tokens[k]!.value !== ']') {
      if (tokens[k]!.type === 'string') values.push(tokens[k]!.value);
      k++;
    }
    return { value: { kind: 'list', values }, next: k + 1 };
  }
  return { value: { kind: 'other' }, next: start + 1 };
}

function assign(datasource: PrismaDatasource, key: string, value: RawValue): void {
  switch (key) {
    case 'provider':
      if (value.kind === 'literal') datasource.provider = value.value;
      break;
    case 'url':
    case 'directUrl':
    case 'shadowDatabaseUrl':
      if (value.kind === 'literal' || value.kind === 'env') datasource[key] = value;
      break;
    case 'schemas':
      if (value.kind === 'list') datasource.schemas = value.values;
      break;
    case 'relationMode':
      if (value.kind === 'literal') datasource.relationMode = value.value;
      break;
    default:
      break;
  }
}
