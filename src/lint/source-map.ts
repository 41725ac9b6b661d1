/**
 * Positions in a migration file. The parser reports byte offsets into the UTF-8 text; findings
 * need 1-based lines and columns counted in UTF-16 code units (what editors, SARIF and GitHub
 * use). Line starts are indexed once, so each lookup is a binary search. Most migrations are
 * plain ASCII, where a byte offset is a character offset and no UTF-8 copy of the text is made.
 */
export class SourceMap {
  private readonly ascii: boolean;
  private utf8: Buffer | undefined;
  private lineStarts: number[] | undefined;
  readonly byteLength: number;

  constructor(readonly text: string) {
    this.byteLength = Buffer.byteLength(text, 'utf8');
    this.ascii = this.byteLength === text.length;
  }

  /** The UTF-8 bytes of the text (made on first use for non-ASCII text). */
  get bytes(): Buffer {
    this.utf8 ??= Buffer.from(this.text, 'utf8');
    return this.utf8;
  }

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    if (this.ascii) {
      let at = this.text.indexOf('\n');
      while (at !== -1) {
        starts.push(at + 1);
        at = this.text.indexOf('\n', at + 1);
      }
    } else {
      const bytes = this.bytes;
      let at = bytes.indexOf(10);
      while (at !== -1) {
        starts.push(at + 1);
        at = bytes.indexOf(10, at + 1);
      }
    }
    this.lineStarts = starts;
    return starts;
  }

  get lineCount(): number {
    return this.starts().length;
  }

  /** 1-based line and column of a byte offset. */
  position(byte: number): { line: number; column: number } {
    const starts = this.starts();
    const clamped = Math.max(0, Math.min(byte, this.byteLength));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    const start = starts[low]!;
    const column = this.ascii ? clamped - start : this.bytes.toString('utf8', start, clamped).length;
    return { line: low + 1, column: column + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const starts = this.starts();
    const start = starts[line - 1];
    if (start === undefined) return '';
    const next = starts[line];
    const end = next === undefined ? this.byteLength : next - 1;
    return this.slice(start, end).replace(/\r$/, '');
  }

  /** The text between two byte offsets. */
  slice(startByte: number, endByte: number): string {
    return this.ascii ? this.text.slice(startByte, endByte) : this.bytes.toString('utf8', startByte, endByte);
  }

  /** Offset of the last occurrence of an ASCII byte at or before `from`, or -1. */
  lastIndexOfByte(byte: number, from: number): number {
    if (from < 0) return -1;
    return this.ascii ? this.text.lastIndexOf(String.fromCharCode(byte), from) : this.bytes.lastIndexOf(byte, from);
  }

  /** Byte offset of a character offset into `text` (for the parser's error cursor, which counts code points). */
  byteOfCharacter(text: string, codePoints: number): number {
    let bytes = 0;
    let seen = 0;
    for (const char of text) {
      if (seen === codePoints) break;
      const code = char.codePointAt(0)!;
      bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      seen++;
    }
    return bytes;
  }
}
