/** A unified diff (`diff -u` style, 3 lines of context) of two versions of a text file. */

type Op = { kind: ' ' | '-' | '+'; line: string };

function lines(text: string): string[] {
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** Line operations by longest common subsequence, on the region between the common prefix and suffix. */
function diffLines(a: string[], b: string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix])
    suffix++;
  const x = a.slice(prefix, a.length - suffix);
  const y = b.slice(prefix, b.length - suffix);
  const table: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      table[i]![j] = x[i] === y[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  const middle: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      middle.push({ kind: ' ', line: x[i]! });
      i++;
      j++;
    } else if (i < x.length && (j === y.length || table[i + 1]![j]! >= table[i]![j + 1]!))
      middle.push({ kind: '-', line: x[i++]! });
    else middle.push({ kind: '+', line: y[j++]! });
  }
  return [
    ...a.slice(0, prefix).map((line) => ({ kind: ' ' as const, line })),
    ...middle,
    ...a.slice(a.length - suffix).map((line) => ({ kind: ' ' as const, line })),
  ];
}

export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  const ops = diffLines(lines(before), lines(after));
  const out = [`--- a/${path}`, `+++ b/${path}`];
  let index = 0;
  while (index < ops.length) {
    if (ops[index]!.kind === ' ') {
      index++;
      continue;
    }
    const start = Math.max(0, index - context);
    let end = index;
    // Extend the hunk while changes are within 2 × context lines of each other.
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === ' ' && next - end < context * 2) next++;
      if (next < ops.length && ops[next]!.kind !== ' ') end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    let oldStart = 1;
    let newStart = 1;
    for (let k = 0; k < start; k++) {
      if (ops[k]!.kind !== '+') oldStart++;
      if (ops[k]!.kind !== '-') newStart++;
    }
    const hunk = ops.slice(start, stop);
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(
      `@@ -${oldCount === 0 ? oldStart - 1 : oldStart},${oldCount} +${newCount === 0 ? newStart - 1 : newStart},${newCount} @@`,
    );
    for (const op of hunk) out.push(`${op.kind}${op.line}`);
    index = stop;
  }
  return out.join('\n');
}
