/** Checks of migration text before it is sent to a database: bytes that are not text, and bytes a wire protocol cannot carry. */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Byte offset of the first byte sequence that is not valid UTF-8, or undefined. */
export function firstInvalidUtf8(bytes: Uint8Array, decoded?: string): number | undefined {
  // Decoding replaces invalid sequences with U+FFFD: without one in the text, the bytes were valid.
  if (decoded !== undefined && !decoded.includes('\uFFFD')) return undefined;
  try {
    strictUtf8.decode(bytes);
    return undefined;
  } catch {
    /* find where */
  }
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k]!;
      let low = 0x80;
      let high = 0xbf;
      if (k === 1 && lead === 0xe0) low = 0xa0;
      if (k === 1 && lead === 0xed) high = 0x9f;
      if (k === 1 && lead === 0xf0) low = 0x90;
      if (k === 1 && lead === 0xf4) high = 0x8f;
      if (byte < low || byte > high) return i;
    }
    i += length;
  }
  return undefined;
}

/**
 * Why the text of `file` cannot be sent to PostgreSQL as it is, or undefined: a NUL byte ends a
 * query on the wire, so everything after it would be dropped without a word.
 */
export function nulByteProblem(file: string, script: string): string | undefined {
  const at = script.indexOf('\0');
  if (at === -1) return undefined;
  let line = 1;
  for (let i = script.indexOf('\n'); i !== -1 && i < at; i = script.indexOf('\n', i + 1)) line++;
  return `${file} contains a NUL byte at offset ${Buffer.byteLength(script.slice(0, at))} (line ${line}): PostgreSQL ends a query at a NUL byte, so everything after it would be silently dropped. Remove it (a NUL byte is never part of SQL)`;
}
