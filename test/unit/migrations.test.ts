import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prismaChecksum } from '../../src/orm/prisma/checksum.js';
import { listPrismaMigrations } from '../../src/orm/prisma/migrations.js';
import { firstInvalidUtf8 } from '../../src/util/sql-text.js';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('firstInvalidUtf8', () => {
  it('is undefined for valid UTF-8', () => {
    expect(firstInvalidUtf8(bytes(''))).toBeUndefined();
    expect(firstInvalidUtf8(bytes('CREATE TABLE "t" ();\n'))).toBeUndefined();
    expect(firstInvalidUtf8(bytes('Größe 日本語 😀 \u{10FFFF} \uFFFD'))).toBeUndefined();
  });

  it('accepts a byte order mark', () => {
    expect(firstInvalidUtf8(bytes([0xef, 0xbb, 0xbf], 'SELECT 1;'))).toBeUndefined();
  });

  it('finds a Latin-1 byte', () => {
    // "café" saved as Latin-1: é is the single byte 0xE9.
    expect(firstInvalidUtf8(bytes('-- caf', [0xe9], '\nSELECT 1;'))).toBe(6);
    expect(firstInvalidUtf8(bytes('Gr', [0xf6, 0xdf], 'e'))).toBe(2);
  });

  it('points at the first invalid sequence when valid multibyte text precedes it', () => {
    expect(firstInvalidUtf8(bytes('日本', [0xff], 'x'))).toBe(6);
  });

  it('finds a stray continuation byte', () => {
    expect(firstInvalidUtf8(bytes('ab', [0x80], 'c'))).toBe(2);
    expect(firstInvalidUtf8(bytes([0xbf]))).toBe(0);
  });

  it('finds a sequence truncated by the end of the file', () => {
    expect(firstInvalidUtf8(bytes('ok', [0xc3]))).toBe(2);
    expect(firstInvalidUtf8(bytes('ok', [0xe2, 0x82]))).toBe(2);
    expect(firstInvalidUtf8(bytes('ok', [0xf0, 0x9f, 0x98]))).toBe(2);
  });

  it('finds a sequence cut short by an ASCII byte', () => {
    expect(firstInvalidUtf8(bytes('a', [0xe2, 0x82], 'b'))).toBe(1);
    expect(firstInvalidUtf8(bytes('a', [0xc3], ' b'))).toBe(1);
  });

  it('rejects overlong encodings', () => {
    expect(firstInvalidUtf8(bytes('x', [0xc0, 0xaf]))).toBe(1); // "/" in two bytes
    expect(firstInvalidUtf8(bytes('x', [0xc1, 0xbf]))).toBe(1);
    expect(firstInvalidUtf8(bytes('x', [0xe0, 0x80, 0xaf]))).toBe(1); // "/" in three bytes
    expect(firstInvalidUtf8(bytes('x', [0xe0, 0x9f, 0xbf]))).toBe(1);
    expect(firstInvalidUtf8(bytes('x', [0xf0, 0x80, 0x80, 0xaf]))).toBe(1); // "/" in four bytes
    expect(firstInvalidUtf8(bytes('x', [0xf0, 0x8f, 0xbf, 0xbf]))).toBe(1);
  });

  it('accepts the shortest forms at the edges of each length', () => {
    expect(firstInvalidUtf8(bytes([0xc2, 0x80]))).toBeUndefined(); // U+0080
    expect(firstInvalidUtf8(bytes([0xe0, 0xa0, 0x80]))).toBeUndefined(); // U+0800
    expect(firstInvalidUtf8(bytes([0xf0, 0x90, 0x80, 0x80]))).toBeUndefined(); // U+10000
    expect(firstInvalidUtf8(bytes([0xed, 0x9f, 0xbf]))).toBeUndefined(); // U+D7FF
    expect(firstInvalidUtf8(bytes([0xee, 0x80, 0x80]))).toBeUndefined(); // U+E000
    expect(firstInvalidUtf8(bytes([0xf4, 0x8f, 0xbf, 0xbf]))).toBeUndefined(); // U+10FFFF
  });

  it('rejects UTF-16 surrogates encoded as UTF-8 (CESU-8)', () => {
    expect(firstInvalidUtf8(bytes('ab', [0xed, 0xa0, 0x80]))).toBe(2); // U+D800
    expect(firstInvalidUtf8(bytes('ab', [0xed, 0xbf, 0xbf]))).toBe(2); // U+DFFF
    expect(firstInvalidUtf8(bytes('ab', [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]))).toBe(2); // a surrogate pair
  });

  it('rejects code points above U+10FFFF and bytes that never occur', () => {
    expect(firstInvalidUtf8(bytes([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(bytes([0xf5, 0x80, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(bytes('a', [0xfe]))).toBe(1);
    expect(firstInvalidUtf8(bytes('a', [0xff]))).toBe(1);
  });

  it('agrees with a strict decoder', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const samples = [bytes('a', [0xe9]), bytes([0xed, 0xa0, 0x80]), bytes('ok'), bytes([0xf0, 0x9f, 0x98, 0x80]), bytes([0xc2])];
    for (const sample of samples) {
      let valid = true;
      try {
        decoder.decode(sample);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8(sample) === undefined).toBe(valid);
    }
  });
});

describe('listPrismaMigrations', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-unit-migrations-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const migration = (name: string, script?: string | Buffer) => {
    mkdirSync(join(dir, name), { recursive: true });
    if (script !== undefined) writeFileSync(join(dir, name, 'migration.sql'), script);
  };

  it('reports a missing folder', () => {
    const missing = join(dir, 'nope');
    expect(listPrismaMigrations(missing)).toEqual({ location: missing, exists: false, migrations: [] });
  });

  it('reports a file in place of the folder as missing', () => {
    const path = join(dir, 'migrations');
    writeFileSync(path, '');
    expect(listPrismaMigrations(path).exists).toBe(false);
  });

  it('reports an empty folder', () => {
    expect(listPrismaMigrations(dir)).toEqual({ location: dir, exists: true, migrations: [] });
  });

  it('lists sub-directories in order, whatever order they were created in, and ignores files', () => {
    migration('20250203101845_add_reviews', 'SELECT 3;');
    migration('20250114091512_init', 'SELECT 1;');
    migration('20250121143027_add_categories', 'SELECT 2;');
    writeFileSync(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    writeFileSync(join(dir, 'README.md'), 'notes');
    const folder = listPrismaMigrations(dir);
    expect(folder.exists).toBe(true);
    expect(folder.migrations.map((m) => m.name)).toEqual([
      '20250114091512_init',
      '20250121143027_add_categories',
      '20250203101845_add_reviews',
    ]);
  });

  it('sorts with localeCompare, as Prisma does, not by code unit', () => {
    migration('20250101000000_Zeta', 'SELECT 1;');
    migration('20250101000000_alpha', 'SELECT 1;');
    migration('20250101000000_beta', 'SELECT 1;');
    expect(listPrismaMigrations(dir).migrations.map((m) => m.name)).toEqual([
      '20250101000000_alpha',
      '20250101000000_beta',
      '20250101000000_Zeta',
    ]);
  });

  it('reads each script with its paths and checksum', () => {
    const script = '-- CreateTable\nCREATE TABLE "User" ("id" SERIAL NOT NULL);\n';
    migration('20250114091512_init', script);
    const [m] = listPrismaMigrations(dir).migrations;
    expect(m).toEqual({
      name: '20250114091512_init',
      dir: join(dir, '20250114091512_init'),
      path: join(dir, '20250114091512_init', 'migration.sql'),
      script,
      checksum: prismaChecksum(script),
      invalidUtf8At: undefined,
    });
  });

  it('keeps the checksum of the bytes as they are, CRLF included', () => {
    const script = 'SELECT 1;\r\nSELECT 2;\r\n';
    migration('a', script);
    expect(listPrismaMigrations(dir).migrations[0]!.checksum).toBe(prismaChecksum(script));
  });

  it('keeps a folder without migration.sql, with no script, and says the folder lists it', () => {
    migration('20250101_init', 'SELECT 1;');
    migration('20250102_half_done');
    const [init, half] = listPrismaMigrations(dir).migrations;
    expect(init!.script).toBe('SELECT 1;');
    expect(half).toEqual({
      name: '20250102_half_done',
      dir: join(dir, '20250102_half_done'),
      path: join(dir, '20250102_half_done', 'migration.sql'),
      script: undefined,
      checksum: undefined,
      invalidUtf8At: undefined,
      listedIn: join(dir, '20250102_half_done'),
    });
  });

  it('reports where a script stops being UTF-8, and reads it with replacement characters', () => {
    migration('latin1', bytes("INSERT INTO t VALUES ('caf", [0xe9], "');\n"));
    const [m] = listPrismaMigrations(dir).migrations;
    expect(m!.invalidUtf8At).toBe(26);
    expect(m!.script).toBe("INSERT INTO t VALUES ('caf\uFFFD');\n");
    expect(m!.checksum).toBe(prismaChecksum(m!.script!));
  });

  it('keeps an empty migration.sql', () => {
    migration('empty', '');
    expect(listPrismaMigrations(dir).migrations[0]).toMatchObject({
      script: '',
      checksum: prismaChecksum(''),
      invalidUtf8At: undefined,
    });
  });
});
