/**
 * Large files: PostgreSQL's parser runs on a worker thread, one piece ahead of the rules, so that
 * parsing and linting overlap. The pieces are cut speculatively after the last semicolon before
 * each CHUNK_BYTES boundary; a piece is used only when it parses and its last statement ends at
 * that semicolon (as in the sequential path). At the first piece that does not, the caller goes
 * on sequentially from there, where a cut inside a string or comment is handled and a syntax
 * error is reported at its position. Any problem with the worker itself does the same.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SourceMap } from './source-map.js';
import { baselineWasmCompilerOnly } from '../util/wasm-compiler.js';

/** The pieces of a file parsed ahead, as the parser's raw statements, in order. */
export interface AheadPiece {
  start: number;
  end: number;
  stmts: Array<{ stmt?: unknown; stmt_location?: number; stmt_len?: number }>;
}

/** From this size on a file is parsed ahead on a worker thread (below it the worker's start-up costs more than it saves). */
export const PARSE_AHEAD_BYTES = 2 * 1024 * 1024;
const IN_FLIGHT = 3;

// The worker is CommonJS evaluated from this string, so that it runs the same way from the
// TypeScript sources (tests) and from dist. It drives libpg-query's WebAssembly module directly, as
// libpg-query's own parseSync does, but hands back the parse tree's JSON text unparsed: the main
// thread parses it once, and the worker's time goes to the parser only. Should the module's
// interface ever differ, the worker reports failure and the file is parsed on the main thread.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.baselineCompilerOnly) {
  try { require('node:v8').setFlagsFromString('--liftoff-only'); } catch {}
}
const ready = require(workerData.factory)();
parentPort.on('message', async ({ id, text }) => {
  try {
    const m = await ready;
    const length = m.lengthBytesUTF8(text) + 1;
    const input = m._malloc(length);
    m.stringToUTF8(text, input, length);
    let result = 0;
    try {
      result = m._wasm_parse_query_raw(input);
      const tree = result ? m.getValue(result, 'i32') : 0;
      const error = result ? m.getValue(result + 8, 'i32') : 1;
      if (error || !tree) parentPort.postMessage({ id, failed: true });
      else parentPort.postMessage({ id, json: m.UTF8ToString(tree) });
    } finally {
      m._free(input);
      if (result) m._wasm_free_parse_result(result);
    }
  } catch (error) {
    parentPort.postMessage({ id, failed: true });
  }
});
`;

/**
 * Parses pieces of `map` ahead on a worker and calls `onPiece` for each valid one, in order, while
 * the worker parses the next ones. Returns the byte offset up to which the file was handled.
 */
export async function parseAhead(map: SourceMap, chunkBytes: number, onPiece: (piece: AheadPiece) => void): Promise<number> {
  const total = map.byteLength;
  const cuts: Array<[number, number]> = [];
  for (let pos = 0; pos < total; ) {
    if (total - pos <= chunkBytes) {
      cuts.push([pos, total]);
      break;
    }
    const semicolon = map.lastIndexOfByte(0x3b, pos + chunkBytes - 1);
    if (semicolon <= pos) break;
    cuts.push([pos, semicolon + 1]);
    pos = semicolon + 1;
  }
  if (cuts.length < 2) return 0;

  let worker: Worker;
  try {
    const factory = join(dirname(createRequire(import.meta.url).resolve('libpg-query')), 'libpg-query.js');
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { factory, baselineCompilerOnly: baselineWasmCompilerOnly() } });
  } catch {
    return 0;
  }
  const waiting = new Map<number, (reply: { json?: string; failed?: boolean }) => void>();
  let broken = false;
  const fail = () => {
    broken = true;
    for (const resolve of waiting.values()) resolve({ failed: true });
    waiting.clear();
  };
  worker.on('message', (reply: { id: number; json?: string; failed?: boolean }) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  worker.on('error', fail);
  worker.on('exit', fail);
  const request = (index: number) =>
    new Promise<{ json?: string; failed?: boolean }>((resolve) => {
      if (broken) return resolve({ failed: true });
      waiting.set(index, resolve);
      const [start, end] = cuts[index]!;
      worker.postMessage({ id: index, text: map.slice(start, end) });
    });

  const pending: Array<Promise<{ json?: string; failed?: boolean }>> = [];
  let done = 0;
  try {
    for (let i = 0; i < Math.min(IN_FLIGHT, cuts.length); i++) pending.push(request(i));
    for (let i = 0; i < cuts.length; i++) {
      const reply = await pending[i]!;
      if (i + IN_FLIGHT < cuts.length) pending.push(request(i + IN_FLIGHT));
      if (reply.failed || reply.json === undefined) return done;
      const [start, end] = cuts[i]!;
      const stmts = ((JSON.parse(reply.json) as { stmts?: AheadPiece['stmts'] }).stmts ?? []) as AheadPiece['stmts'];
      const last = stmts[stmts.length - 1];
      // Like the sequential path: a piece other than the last must end with a statement at its semicolon.
      if (end !== total && !(last?.stmt_len && start + (last.stmt_location ?? 0) + last.stmt_len === end - 1)) return done;
      onPiece({ start, end, stmts });
      done = end;
    }
    return done;
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate().catch(() => undefined);
  }
}
