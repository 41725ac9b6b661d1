import { sha256Hex } from '../../util/hash.js';

/** Prisma's checksum of a migration script: SHA-256 of its UTF-8 text, 64 lower-case hex digits. */
export function prismaChecksum(script: string): string {
  return sha256Hex(script);
}

/**
 * Whether a stored checksum still describes `script`, forgiving line-ending conversions (LF and
 * CRLF both ways, as a checkout with autocrlf produces) and the old unpadded hex format.
 */
export function checksumMatches(stored: string, script: string): boolean {
  const candidates = [script, script.replace(/\r\n/g, '\n'), script.replace(/\r?\n/g, '\r\n')];
  return candidates.some((candidate) => {
    const digest = prismaChecksum(candidate);
    return stored.length === 64 ? digest === stored : unpadded(digest) === stored;
  });
}

/** Early Prisma versions wrote each byte's hex without zero padding. */
function unpadded(hexDigest: string): string {
  let out = '';
  for (let i = 0; i < hexDigest.length; i += 2) out += parseInt(hexDigest.slice(i, i + 2), 16).toString(16);
  return out;
}
