/**
 * JSON (and JSONC: comments and trailing commas, as in tsconfig.json) with positions, so that a
 * package.json script or a tsconfig option is reported at the line it is written on. Parsed by
 * jsonc-parser, the parser VS Code uses.
 */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';

export type JsonNode = JsonObject | JsonArray | JsonString | JsonOther;

export interface JsonObject {
  kind: 'object';
  start: number;
  end: number;
  entries: Array<{ key: string; keyStart: number; value: JsonNode }>;
}
export interface JsonArray {
  kind: 'array';
  start: number;
  end: number;
  items: JsonNode[];
}
export interface JsonString {
  kind: 'string';
  value: string;
  start: number;
  end: number;
  /** The file offset of an offset inside the decoded value (escapes accounted for). */
  fileOffset(at: number): number;
}
export interface JsonOther {
  kind: 'number' | 'boolean' | 'null';
  value: number | boolean | null;
  start: number;
  end: number;
}

export class JsonTextError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Where each character of a string's decoded value is in the file (escapes take several characters). */
function stringOffsets(raw: string, start: number): number[] {
  const offsets: number[] = [];
  for (let i = 1; i < raw.length - 1; i++) {
    offsets.push(start + i);
    if (raw[i] === '\\') i += raw[i + 1] === 'u' ? 5 : 1;
  }
  offsets.push(start + raw.length - 1);
  return offsets;
}

function convert(node: Node, text: string): JsonNode {
  const start = node.offset;
  const end = node.offset + node.length;
  switch (node.type) {
    case 'object':
      return {
        kind: 'object',
        start,
        end,
        entries: (node.children ?? []).flatMap((property) => {
          const [key, value] = property.children ?? [];
          return key && value ? [{ key: String(key.value), keyStart: key.offset, value: convert(value, text) }] : [];
        }),
      };
    case 'array':
      return { kind: 'array', start, end, items: (node.children ?? []).map((child) => convert(child, text)) };
    case 'string': {
      const offsets = stringOffsets(text.slice(start, end), start);
      return {
        kind: 'string',
        value: String(node.value),
        start,
        end,
        fileOffset: (at) => offsets[Math.min(Math.max(at, 0), offsets.length - 1)]!,
      };
    }
    case 'number':
    case 'boolean':
    case 'null':
      return { kind: node.type, value: node.value as number | boolean | null, start, end };
    default:
      return { kind: 'null', value: null, start, end };
  }
}

export function parseJsonText(text: string): JsonNode {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (!tree || errors.length > 0) {
    const offset = errors[0]?.offset ?? 0;
    throw new JsonTextError(tree ? 'invalid JSON' : 'not JSON', offset);
  }
  return convert(tree, text);
}

export function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (node?.kind !== 'object') return undefined;
  let found: JsonNode | undefined;
  for (const entry of node.entries) if (entry.key === key) found = entry.value;
  return found;
}

export function stringMember(node: JsonNode | undefined, key: string): string | undefined {
  const value = member(node, key);
  return value?.kind === 'string' ? value.value : undefined;
}

/** Plain JavaScript value of a node. */
export function plain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object':
      return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value)]));
    case 'array':
      return node.items.map(plain);
    default:
      return node.value;
  }
}
