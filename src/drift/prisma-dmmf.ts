import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenizePsl } from '../orm/prisma/schema-file.js';

/**
 * Prisma's own schema parser, which turns a schema into its DMMF (the data model Prisma Client and
 * Migrate work from). It is Prisma's Rust parser compiled to WebAssembly: the package
 * @prisma/prisma-schema-wasm when the project has it, else the same module that the project's
 * `prisma` CLI package ships (build/prisma_schema_build_bg.wasm), loaded here with the few
 * functions the module imports. Everything about loading it lives in this file.
 */

/** The parts of Prisma's DMMF that lockstep reads. */
export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  nativeType?: [string, string[]] | null;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
}

export interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  algorithm?: string;
  fields: Array<{ name: string; sortOrder?: string }>;
}

export interface DmmfEnum {
  name: string;
  dbName: string | null;
  schema?: string | null;
  values: Array<{ name: string; dbName: string | null }>;
}

export interface Datamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

/** The schema does not validate; the message is Prisma's own (P1012). */
export class PrismaSchemaInvalid extends Error {}

/** Neither @prisma/prisma-schema-wasm nor the prisma package is installed where lockstep can find it. */
export class PrismaParserUnavailable extends Error {}

/**
 * Takes `{ prismaSchema, noColor }` as JSON and returns the data model as JSON. Prisma's
 * `get_datamodel` returns only the data model; older modules have only `get_dmmf`, whose output
 * also holds the whole query schema (many MB, and seconds, for a few hundred models), wrapped as `{ datamodel }`.
 */
interface GetDatamodel {
  call: (params: string) => string;
  wrapped: boolean;
}

/** The slice of the WebAssembly API used here (the compiler's lib has no DOM types). */
interface WasmTable {
  grow(delta: number): number;
  get(index: number): unknown;
  set(index: number, value: unknown): void;
}
interface WasmApi {
  Module: { new (bytes: Uint8Array): object; imports(module: object): Array<{ module: string; name: string }> };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function requireFrom(base: string): NodeRequire {
  return createRequire(join(base, 'noop.js'));
}

/** @prisma/prisma-schema-wasm's own JavaScript API. */
function fromPackage(base: string): GetDatamodel | undefined {
  try {
    const mod = requireFrom(base)('@prisma/prisma-schema-wasm') as {
      get_dmmf?: (params: string) => string;
      get_datamodel?: (params: string) => string;
    };
    if (typeof mod.get_datamodel === 'function') return { call: mod.get_datamodel, wrapped: false };
    return typeof mod.get_dmmf === 'function' ? { call: mod.get_dmmf, wrapped: true } : undefined;
  } catch {
    return undefined;
  }
}

/** The WebAssembly module inside the `prisma` package, instantiated with the imports wasm-bindgen generated for it. */
function fromPrismaCli(base: string): GetDatamodel | undefined {
  let file: string;
  try {
    file = join(dirname(requireFrom(base).resolve('prisma/package.json')), 'build', 'prisma_schema_build_bg.wasm');
  } catch {
    return undefined;
  }
  if (!existsSync(file)) return undefined;
  const module = new WebAssemblyApi.Module(readFileSync(file));
  let exports: Record<string, unknown> & { memory: { buffer: ArrayBuffer } };
  let view: Uint8Array | undefined;
  const memory = () => (view && view.byteLength > 0 ? view : (view = new Uint8Array(exports.memory.buffer)));
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
  const read = (ptr: number, len: number) => decoder.decode(memory().subarray(ptr >>> 0, (ptr >>> 0) + len));
  const imports: Record<string, Record<string, (...args: number[]) => unknown>> = {};
  for (const entry of WebAssemblyApi.Module.imports(module)) {
    let fn: (...args: number[]) => unknown;
    if (entry.name.startsWith('__wbg_Error_')) fn = (ptr, len) => new Error(read(ptr!, len!));
    else if (entry.name.startsWith('__wbg___wbindgen_throw_'))
      fn = (ptr, len) => {
        throw new Error(read(ptr!, len!));
      };
    else if (entry.name.startsWith('__wbg_set_message_')) fn = () => undefined;
    else if (entry.name === '__wbindgen_init_externref_table')
      fn = () => {
        const table = exports.__wbindgen_externrefs as WasmTable;
        const at = table.grow(4);
        table.set(0, undefined);
        table.set(at, undefined);
        table.set(at + 1, null);
        table.set(at + 2, true);
        table.set(at + 3, false);
      };
    else return undefined; // a prisma version whose module needs more than this loader provides
    (imports[entry.module] ??= {})[entry.name] = fn;
  }
  exports = new WebAssemblyApi.Instance(module, imports).exports as typeof exports;
  (exports.__wbindgen_start as () => void)();
  const malloc = exports.__wbindgen_malloc as (size: number, align: number) => number;
  const free = exports.__wbindgen_free as (ptr: number, len: number, align: number) => void;
  const wrapped = typeof exports.get_datamodel !== 'function';
  const getDmmf = (wrapped ? exports.get_dmmf : exports.get_datamodel) as (
    ptr: number,
    len: number,
  ) => [number, number, number, number];
  const take = (index: number) => {
    const value = (exports.__wbindgen_externrefs as WasmTable).get(index);
    (exports.__externref_table_dealloc as (i: number) => void)(index);
    return value;
  };
  const call = (params: string) => {
    const bytes = new TextEncoder().encode(params);
    const ptr = malloc(bytes.length, 1) >>> 0;
    memory()
      .subarray(ptr, ptr + bytes.length)
      .set(bytes);
    const [outPtr, outLen, errorRef, failed] = getDmmf(ptr, bytes.length);
    if (failed) throw take(errorRef);
    try {
      return read(outPtr, outLen);
    } finally {
      free(outPtr, outLen, 1);
    }
  };
  return { call, wrapped };
}

/**
 * The project's own Prisma first, then the one installed next to lockstep. Not kept between calls:
 * the module's memory goes with its last use, before drift opens its scratch database.
 */
function loadParser(projectRoot: string): GetDatamodel {
  for (const base of [projectRoot, dirname(fileURLToPath(import.meta.url))]) {
    const getDmmf = fromPackage(base) ?? fromPrismaCli(base);
    if (getDmmf) return getDmmf;
  }
  throw new PrismaParserUnavailable('neither @prisma/prisma-schema-wasm nor the prisma package is installed');
}

/** Prisma 6's validator requires a `url` in the datasource block; Prisma 7 forbids it (the URL lives in prisma.config.ts). */
const URL_MISSING = /Argument "url" is missing in data source block/;

/** A placeholder URL for the validator only: get_dmmf checks that the argument is there, never connects, and does not read the variable. */
const PLACEHOLDER_URL = '  url = env("LOCKSTEP_VALIDATION_ONLY")';

/**
 * The schema with a `url` supplied to its datasource block, for a validator older than the schema
 * (Prisma 7 schemas have none). The block's lines are blanked where they are, so every other line
 * keeps its number in Prisma's messages, and the block, with the url added, goes into a file of its own.
 */
export function withDatasourceUrl(schema: string | Array<[string, string]>): Array<[string, string]> {
  const files: Array<[string, string]> =
    typeof schema === 'string' ? [['schema.prisma', schema]] : schema.map(([path, text]) => [path, text]);
  for (const file of files) {
    const tokens = tokenizePsl(file[1]);
    const at = tokens.findIndex(
      (t, i) => t.type === 'word' && t.value === 'datasource' && tokens[i + 1]?.type === 'word' && tokens[i + 2]?.value === '{',
    );
    if (at === -1) continue;
    const close = tokens.slice(at + 3).find((t) => t.value === '}');
    if (!close) continue;
    const lines = file[1].split('\n');
    const [first, last] = [tokens[at]!.line - 1, close.line - 1];
    const block = lines.slice(first, last + 1);
    for (let i = first; i <= last; i++) lines[i] = '';
    file[1] = lines.join('\n');
    files.push([
      `${file[0]} (datasource block, url supplied for validation)`,
      [block[0]!, PLACEHOLDER_URL, ...block.slice(1)].join('\n'),
    ]);
    return files;
  }
  return files;
}

/**
 * The data model of a Prisma schema (one file, or the files of a multi-file schema as
 * [path, content] pairs), parsed and validated by Prisma itself. A schema whose datasource has no
 * `url` (Prisma 7, where prisma.config.ts holds it) validated by an older Prisma gets a placeholder
 * url for the validation: nothing lockstep reads from the data model depends on it.
 */
export function prismaDatamodel(projectRoot: string, schema: string | Array<[string, string]>): Datamodel {
  const getDmmf = loadParser(projectRoot);
  try {
    return parseDatamodel(getDmmf, schema);
  } catch (error) {
    if (!(error instanceof PrismaSchemaInvalid) || !URL_MISSING.test(error.message)) throw error;
    return parseDatamodel(getDmmf, withDatasourceUrl(schema));
  }
}

function parseDatamodel(getDmmf: GetDatamodel, schema: string | Array<[string, string]>): Datamodel {
  let output: string;
  try {
    output = getDmmf.call(JSON.stringify({ prismaSchema: schema, noColor: true }));
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      /* not JSON */
    }
    throw new PrismaSchemaInvalid(message);
  }
  return getDmmf.wrapped ? (JSON.parse(output) as { datamodel: Datamodel }).datamodel : (JSON.parse(output) as Datamodel);
}
