/**
 * The least any linter built on libpg-query in Node.js can take: start Node.js, compile the
 * parser, read every .sql file under a directory and parse each one, with no rules and no output.
 * bench/lint.ts times it next to lockstep and squawk. Usage: node bench/parser-floor.mjs DIR
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';

// As lockstep's CLI does (src/util/wasm-compiler.ts): one pass over the input runs best on V8's baseline compiler.
setFlagsFromString('--liftoff-only');
const { loadModule, parseSync } = await import('libpg-query');
await loadModule();
const files = [];
const visit = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) visit(path);
    else if (entry.name.endsWith('.sql')) files.push(path);
  }
};
visit(process.argv[2]);
let statements = 0;
for (const file of files) statements += parseSync(readFileSync(file, 'utf8')).stmts?.length ?? 0;
process.stdout.write(`${JSON.stringify({ files: files.length, statements })}\n`);
