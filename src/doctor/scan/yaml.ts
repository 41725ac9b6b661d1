/**
 * The YAML files doctor looks at (GitHub Actions workflows, .gitlab-ci.yml, compose files,
 * Kubernetes manifests, pnpm-workspace.yaml), parsed by the `yaml` package and seen as a small tree
 * in which every node keeps where it is written: a scalar can map an offset inside its value back
 * to the file, so that a command in a `run: |` block is reported at its own line. Aliases are
 * followed; merge keys (`<<: *defaults`) are resolved by `mapEntries`; unknown tags (GitLab's
 * `!reference`) are kept as plain values.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, Scalar, type Document, type Node as YNode } from 'yaml';

export type YamlNode = YamlMap | YamlSeq | YamlScalar;

export interface YamlScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  /** The value as text (what a string-typed reader wants, e.g. `3` for replicas: 3). */
  text: string;
  /** Offset of the value in the file (after the opening quote or the block indicator's line). */
  start: number;
  end: number;
  /** Offset in the file of an offset inside `text`. */
  fileOffset(at: number): number;
}

export interface YamlMapEntry {
  key: string;
  keyStart: number;
  value: YamlNode | undefined;
}

export interface YamlMap {
  kind: 'map';
  start: number;
  entries: YamlMapEntry[];
}

export interface YamlSeq {
  kind: 'seq';
  start: number;
  items: YamlNode[];
}

/** Entries of a map, with merge keys (`<<`) resolved; later keys win. */
export function mapEntries(map: YamlMap): YamlMapEntry[] {
  const out = new Map<string, YamlMapEntry>();
  for (const entry of map.entries) {
    if (entry.key === '<<') {
      const sources = entry.value?.kind === 'seq' ? entry.value.items : entry.value ? [entry.value] : [];
      for (const source of sources)
        if (source.kind === 'map')
          for (const inherited of mapEntries(source)) if (!out.has(inherited.key)) out.set(inherited.key, inherited);
      continue;
    }
    out.delete(entry.key);
    out.set(entry.key, entry);
  }
  return [...out.values()];
}

export function get(node: YamlNode | undefined, key: string): YamlNode | undefined {
  if (node?.kind !== 'map') return undefined;
  return mapEntries(node).find((e) => e.key === key)?.value;
}

export function getEntry(node: YamlNode | undefined, key: string): YamlMapEntry | undefined {
  if (node?.kind !== 'map') return undefined;
  return mapEntries(node).find((e) => e.key === key);
}

export function scalarText(node: YamlNode | undefined): string | undefined {
  return node?.kind === 'scalar' && node.value !== null ? node.text : undefined;
}

/** A scalar or a sequence of scalars, as strings (`environment`, `needs`, `stages`). */
export function stringList(node: YamlNode | undefined): YamlScalar[] {
  if (!node) return [];
  if (node.kind === 'scalar') return node.value === null ? [] : [node];
  if (node.kind === 'seq')
    return node.items.flatMap((item) =>
      item.kind === 'scalar' && item.value !== null ? [item] : item.kind === 'seq' ? stringList(item) : [],
    );
  return [];
}

/**
 * File offsets of the characters of a scalar's value. Plain and quoted scalars map one to one
 * from their first character (close enough for escapes); block scalars (`|`, `>`) drop the
 * header line and each line's indentation.
 */
function scalarOffsets(node: Scalar, text: string, value: string): { start: number; offsets: (at: number) => number } {
  const [from = 0, valueEnd = from] = node.range ?? [];
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    const headerEnd = text.indexOf('\n', from);
    const bodyStart = headerEnd === -1 ? valueEnd : headerEnd + 1;
    const map: number[] = [];
    let indent: number | undefined;
    let pos = bodyStart;
    while (pos < valueEnd && map.length < value.length) {
      let lineEnd = text.indexOf('\n', pos);
      if (lineEnd === -1 || lineEnd > valueEnd) lineEnd = valueEnd;
      const line = text.slice(pos, lineEnd);
      if (line.trim() !== '') indent ??= line.length - line.trimStart().length;
      const skip = Math.min(indent ?? 0, line.length - line.trimStart().length);
      for (let i = pos + skip; i < lineEnd; i++) map.push(i);
      map.push(lineEnd);
      pos = lineEnd + 1;
    }
    const first = map[0] ?? bodyStart;
    return { start: first, offsets: (at) => map[Math.min(Math.max(at, 0), map.length - 1)] ?? first };
  }
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  const start = from + (quoted ? 1 : 0);
  return { start, offsets: (at) => start + Math.min(Math.max(at, 0), Math.max(0, value.length)) };
}

function convert(node: YNode | null | undefined, doc: Document, text: string, seen: Set<YNode>): YamlNode | undefined {
  if (!node) return undefined;
  if (isAlias(node)) {
    const target = node.resolve(doc) as YNode | undefined;
    if (!target || seen.has(target)) return undefined;
    return convert(target, doc, text, new Set([...seen, target]));
  }
  const start = node.range?.[0] ?? 0;
  if (isMap(node)) {
    return {
      kind: 'map',
      start,
      entries: node.items.map((pair) => {
        const key = pair.key as YNode | null;
        const keyText = isScalar(key) ? String(key.value) : String(key ?? '');
        return {
          key: keyText,
          keyStart: (key as { range?: [number] } | null)?.range?.[0] ?? start,
          value: convert(pair.value as YNode | null, doc, text, seen),
        };
      }),
    };
  }
  if (isSeq(node))
    return { kind: 'seq', start, items: node.items.flatMap((item) => convert(item as YNode, doc, text, seen) ?? []) };
  if (isScalar(node)) {
    const raw = node.value;
    const value =
      raw === null || raw === undefined ? null : typeof raw === 'number' || typeof raw === 'boolean' ? raw : String(raw);
    const valueText = raw === null || raw === undefined ? '' : String(node.source ?? raw);
    const { start: valueStart, offsets } = scalarOffsets(node, text, valueText);
    return { kind: 'scalar', value, text: valueText, start: valueStart, end: node.range?.[1] ?? valueStart, fileOffset: offsets };
  }
  return undefined;
}

export function parseYamlDocuments(text: string): YamlNode[] {
  const docs = parseAllDocuments(text, { keepSourceTokens: false, uniqueKeys: false, strict: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  return list.flatMap((doc) => convert(doc.contents as YNode | null, doc as Document, text, new Set()) ?? []);
}

export function parseYaml(text: string): YamlNode | undefined {
  return parseYamlDocuments(text)[0];
}
