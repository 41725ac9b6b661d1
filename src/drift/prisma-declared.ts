import { tokenizePsl, type PslToken } from '../orm/prisma/schema-file.js';

/**
 * What a Prisma schema declares that its DMMF leaves out: fields of type `Unsupported(...)`,
 * fields marked `@ignore` and models marked `@@ignore` still name columns and tables that Prisma
 * knows exist, so the migrations that create them do not differ from the schema. Read from the
 * schema text, one model or view block at a time.
 */
export interface DeclaredBlock {
  kind: 'model' | 'view';
  name: string;
  /** `@@map`, else the name. */
  table: string;
  /** `@@schema`, when given. */
  schema: string | undefined;
  /** `@@ignore`: Prisma leaves the table alone. */
  ignored: boolean;
  /** Database names of every field (`@map`, else the field name), relation fields included. */
  columns: string[];
}

/** The string argument of `@map("x")`, `@@map(name: "x")` or `@@schema("x")` starting at `tokens[i]` (the attribute word). */
function stringArgument(tokens: PslToken[], i: number): string | undefined {
  if (tokens[i + 1]?.value !== '(') return undefined;
  let j = i + 2;
  if (tokens[j]?.type === 'word' && tokens[j + 1]?.value === ':') j += 2;
  return tokens[j]?.type === 'string' ? tokens[j]!.value : undefined;
}

export function declaredBlocks(sources: string[]): DeclaredBlock[] {
  const blocks: DeclaredBlock[] = [];
  for (const source of sources) {
    const tokens = tokenizePsl(source);
    for (let i = 0; i < tokens.length; i++) {
      const keyword = tokens[i]!;
      if (keyword.type !== 'word' || (keyword.value !== 'model' && keyword.value !== 'view')) continue;
      const name = tokens[i + 1];
      if (name?.type !== 'word' || tokens[i + 2]?.value !== '{') continue;
      const block: DeclaredBlock = {
        kind: keyword.value,
        name: name.value,
        table: name.value,
        schema: undefined,
        ignored: false,
        columns: [],
      };
      let j = i + 3;
      while (j < tokens.length && tokens[j]!.value !== '}') {
        const line = tokens[j]!.line;
        const start = j;
        while (j < tokens.length && tokens[j]!.line === line && tokens[j]!.value !== '}') j++;
        const first = tokens[start]!;
        if (first.type !== 'word') continue;
        if (first.value === '@@map') block.table = stringArgument(tokens, start) ?? block.table;
        else if (first.value === '@@schema') block.schema = stringArgument(tokens, start);
        else if (first.value === '@@ignore') block.ignored = true;
        else if (!first.value.startsWith('@')) {
          let column = first.value;
          for (let k = start + 1; k < j; k++) if (tokens[k]!.value === '@map') column = stringArgument(tokens, k) ?? column;
          block.columns.push(column);
        }
      }
      blocks.push(block);
      i = j;
    }
  }
  return blocks;
}
