import { describe, expect, it } from 'vitest';
import { checksumMatches, prismaChecksum } from '../../src/orm/prisma/checksum.js';

const LF_SCRIPT = '-- CreateTable\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL\n);\n';
const CRLF_SCRIPT = LF_SCRIPT.replace(/\n/g, '\r\n');

describe('prismaChecksum', () => {
  it('is the SHA-256 of the UTF-8 text in 64 lower-case hex digits', () => {
    expect(prismaChecksum('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(prismaChecksum('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(prismaChecksum(LF_SCRIPT)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes UTF-8 bytes, so non-ASCII text differs from its Latin-1 look-alike', () => {
    expect(prismaChecksum('é')).toBe(prismaChecksum(Buffer.from([0xc3, 0xa9]).toString('utf8')));
    expect(prismaChecksum('é')).not.toBe(prismaChecksum('Ã©'));
  });

  it('changes with any change of the script, line endings included', () => {
    expect(prismaChecksum(LF_SCRIPT)).not.toBe(prismaChecksum(CRLF_SCRIPT));
    expect(prismaChecksum('SELECT 1;')).not.toBe(prismaChecksum('SELECT 1; '));
  });
});

describe('checksumMatches', () => {
  it('matches the exact script', () => {
    expect(checksumMatches(prismaChecksum(LF_SCRIPT), LF_SCRIPT)).toBe(true);
    expect(checksumMatches(prismaChecksum(CRLF_SCRIPT), CRLF_SCRIPT)).toBe(true);
  });

  it('does not match an edited script', () => {
    expect(checksumMatches(prismaChecksum(LF_SCRIPT), LF_SCRIPT.replace('SERIAL', 'BIGSERIAL'))).toBe(false);
    expect(checksumMatches(prismaChecksum(LF_SCRIPT), `${LF_SCRIPT}\n`)).toBe(false);
  });

  it('forgives a checkout that turned LF into CRLF', () => {
    expect(checksumMatches(prismaChecksum(LF_SCRIPT), CRLF_SCRIPT)).toBe(true);
  });

  it('forgives a checkout that turned CRLF into LF', () => {
    expect(checksumMatches(prismaChecksum(CRLF_SCRIPT), LF_SCRIPT)).toBe(true);
  });

  it('forgives a file with mixed line endings recorded as LF or as CRLF', () => {
    const mixed = 'SELECT 1;\r\nSELECT 2;\nSELECT 3;\r\n';
    expect(checksumMatches(prismaChecksum('SELECT 1;\nSELECT 2;\nSELECT 3;\n'), mixed)).toBe(true);
    expect(checksumMatches(prismaChecksum('SELECT 1;\r\nSELECT 2;\r\nSELECT 3;\r\n'), mixed)).toBe(true);
  });

  it('does not forgive other whitespace changes', () => {
    expect(checksumMatches(prismaChecksum(LF_SCRIPT), LF_SCRIPT.replace(/\n/g, '\r'))).toBe(false);
    expect(checksumMatches(prismaChecksum(LF_SCRIPT), LF_SCRIPT.replace(/ {4}/g, '\t'))).toBe(false);
  });

  it('matches the legacy checksum written without zero padding', () => {
    const script = 'SELECT 1;\n';
    expect(prismaChecksum(script)).toBe('b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd');
    const legacy = 'b4e049784e46eabb8c31975b62152d551bac49c3c2e80932567b485dcd';
    expect(checksumMatches(legacy, script)).toBe(true);
    expect(checksumMatches(legacy, 'SELECT 1;\r\n')).toBe(true);
    expect(checksumMatches(legacy, 'SELECT 2;\n')).toBe(false);
  });

  it('does not accept a truncated or garbage checksum', () => {
    const digest = prismaChecksum(LF_SCRIPT);
    expect(checksumMatches(digest.slice(0, 63), LF_SCRIPT)).toBe(false);
    expect(checksumMatches('', LF_SCRIPT)).toBe(false);
    expect(checksumMatches('not a checksum', LF_SCRIPT)).toBe(false);
  });
});
