/** Text-report pieces every lockstep report shares: a source line with a caret, and word wrapping. */
import type { Style } from './style.js';

export const TEXT_WIDTH = 120;

/** The line, cut around the column when it is long, and a caret under the column. */
export function excerpt(text: string, line: number, column: number, style: Style, indent = 4): string[] {
  let shown = text;
  let caretAt = column - 1;
  if (shown.length > TEXT_WIDTH) {
    const start = Math.max(0, Math.min(caretAt - 20, shown.length - TEXT_WIDTH));
    shown = `${start > 0 ? '…' : ''}${shown.slice(start, start + TEXT_WIDTH)}${start + TEXT_WIDTH < text.length ? '…' : ''}`;
    caretAt = caretAt - start + (start > 0 ? 1 : 0);
  }
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  const margin = ' '.repeat(indent);
  const prefix = [...shown.slice(0, Math.max(0, caretAt))].map((ch) => (ch === '\t' ? '\t' : ' ')).join('');
  return [`${margin}${style.dim(`${gutter} |`)} ${shown}`, `${margin}${style.dim(`${pad} |`)} ${prefix}${style.bold('^')}`];
}

export function wrap(text: string, indent: number): string[] {
  const width = Math.max(60, TEXT_WIDTH - indent);
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(current);
  return lines.map((l) => `${' '.repeat(indent)}${l}`);
}
