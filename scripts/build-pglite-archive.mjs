// Runs PGlite's initdb once and writes the resulting data directory, as a brotli-compressed tar, to
// dist/pglite/initdb-<PGlite version>.tar.br (see src/db/postgres/pglite-initdb-archive.ts). initdb
// takes seconds, so the archive is also kept in node_modules/.cache/lockstep-build/ and reused by the
// next build for the same PGlite version.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const entry = require.resolve('@electric-sql/pglite');
const version = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')).version;
const name = `initdb-${version}.tar.br`;
const target = join(root, 'dist', 'pglite', name);
const cached = join(root, 'node_modules', '.cache', 'lockstep-build', name);

mkdirSync(dirname(target), { recursive: true });
if (existsSync(cached)) {
  copyFileSync(cached, target);
} else {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  const tar = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  await db.close();
  const compressed = brotliCompressSync(tar, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 7,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: tar.length,
    },
  });
  writeFileSync(target, compressed);
  try {
    mkdirSync(dirname(cached), { recursive: true });
    writeFileSync(`${cached}.${process.pid}`, compressed);
    renameSync(`${cached}.${process.pid}`, cached);
  } catch {
    // No writable node_modules: the next build runs initdb again.
  }
}
console.error(`dist/pglite/${name}`);
