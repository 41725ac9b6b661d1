/**
 * Small readers over libpg-query's parse tree (PostgreSQL's own node types, as JSON). Rules ask
 * these instead of digging through nested objects themselves.
 */
import { quoteIdent } from '../db/postgres/session.js';

export type AstObject = Record<string, unknown>;

/** A table (or index, sequence, view) as a statement names it. */
export interface RelationName {
  schema: string | undefined;
  name: string;
  /** As SQL would write it: `"Order"`, `shop.orders`. */
  display: string;
  /** Byte offset of the name in the parsed piece, when the parser recorded it. */
  location: number | undefined;
}

const plain = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : quoteIdent(name));

export function displayName(schema: string | undefined, name: string): string {
  return schema ? `${plain(schema)}.${plain(name)}` : plain(name);
}

/** A RangeVar (`{ relname, schemaname, location }`), bare or wrapped as `{ RangeVar: ... }`. */
export function relationOf(value: unknown): RelationName | undefined {
  const rv = unwrap(value, 'RangeVar');
  if (!rv || typeof rv.relname !== 'string') return undefined;
  const schema = typeof rv.schemaname === 'string' ? rv.schemaname : undefined;
  return {
    schema,
    name: rv.relname,
    display: displayName(schema, rv.relname),
    location: typeof rv.location === 'number' ? rv.location : undefined,
  };
}

/** A qualified name given as a list of `String` nodes (DROP objects, type names, domain names). */
export function nameFromList(list: unknown): RelationName | undefined {
  const parts = strings(list);
  if (parts.length === 0) return undefined;
  const name = parts[parts.length - 1]!;
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  return { schema, name, display: displayName(schema, name), location: undefined };
}

/** `[{ String: { sval } }, ...]` as plain strings. */
export function strings(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const item of list) {
    const s = (item as { String?: { sval?: string } }).String?.sval;
    if (typeof s === 'string') out.push(s);
  }
  return out;
}

/** The body of a node wrapped under `key` (`{ key: body }`), or the value itself when it is already bare. */
export function unwrap(value: unknown, key: string): AstObject | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const wrapped = (value as AstObject)[key];
  if (wrapped && typeof wrapped === 'object') return wrapped as AstObject;
  return value as AstObject;
}

/** The single key of a node and its body: `{ ColumnDef: {...} }` → `['ColumnDef', {...}]`. */
export function kindOf(value: unknown): [string, AstObject] | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const body = (value as AstObject)[keys[0]!];
  return body && typeof body === 'object' ? [keys[0]!, body as AstObject] : undefined;
}

/** Visits every object in a tree, depth first; `visit` returns false to skip an object's children. */
export function walk(value: unknown, visit: (object: AstObject) => boolean | void): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item && typeof item === 'object') walk(item, visit);
    }
    return;
  }
  if (!value || typeof value !== 'object') return;
  if (visit(value as AstObject) === false) return;
  for (const key in value as AstObject) {
    const child = (value as AstObject)[key];
    if (child && typeof child === 'object') walk(child, visit);
  }
}

/** True when some string anywhere in the tree satisfies `test`. */
export function someString(value: unknown, test: (text: string) => boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (!value || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (someString(value[i], test)) return true;
    return false;
  }
  for (const key in value as AstObject) if (someString((value as AstObject)[key], test)) return true;
  return false;
}

// ---------------------------------------------------------------- ALTER TABLE

export interface AlterCommand {
  subtype: string;
  /** The column or constraint the command names (`ALTER COLUMN x`, `DROP COLUMN x`, `VALIDATE CONSTRAINT x`). */
  name: string | undefined;
  def: unknown;
  /** ADD COLUMN and ALTER COLUMN TYPE: the column definition. */
  column: ColumnDefinition | undefined;
  /** ADD CONSTRAINT: the constraint. */
  constraint: ConstraintInfo | undefined;
  missingOk: boolean;
  cascade: boolean;
}

const readCommands = new WeakMap<object, AlterCommand[]>();

/** The commands of an ALTER TABLE (read once per statement, however many rules ask). */
export function alterCommands(body: AstObject): AlterCommand[] {
  let commands = readCommands.get(body);
  if (!commands) {
    commands = readAlterCommands(body);
    readCommands.set(body, commands);
  }
  return commands;
}

function readAlterCommands(body: AstObject): AlterCommand[] {
  const cmds = Array.isArray(body.cmds) ? body.cmds : [];
  return cmds.map((cmd) => {
    const c = unwrap(cmd, 'AlterTableCmd') ?? {};
    const subtype = String(c.subtype ?? '');
    return {
      subtype,
      name: typeof c.name === 'string' ? c.name : undefined,
      def: c.def,
      column: subtype === 'AT_AddColumn' || subtype === 'AT_AlterColumnType' ? columnDef(c.def) : undefined,
      constraint: subtype === 'AT_AddConstraint' ? constraintInfo(c.def) : undefined,
      missingOk: c.missing_ok === true,
      cascade: c.behavior === 'DROP_CASCADE',
    };
  });
}

const createdColumns = new WeakMap<object, ColumnDefinition[]>();

/** The columns a CREATE TABLE defines (read once per statement). */
export function tableColumns(body: AstObject): ColumnDefinition[] {
  let columns = createdColumns.get(body);
  if (!columns) {
    columns = [];
    for (const element of Array.isArray(body.tableElts) ? body.tableElts : []) {
      const column = columnDef(element);
      if (column) columns.push(column);
    }
    createdColumns.set(body, columns);
  }
  return columns;
}

/** True for ALTER TABLE on a table (not an index, view, sequence or foreign table). */
export function altersTable(body: AstObject): boolean {
  return body.objtype === 'OBJECT_TABLE' || body.objtype === undefined;
}

// ---------------------------------------------------------------- columns and constraints

export interface ColumnDefinition {
  name: string | undefined;
  type: TypeReference | undefined;
  constraints: ConstraintInfo[];
  location: number | undefined;
  /** For ALTER COLUMN TYPE: the USING expression. */
  using: unknown;
}

/** A column definition: a CREATE TABLE element, ADD COLUMN, ALTER COLUMN TYPE. */
export function columnDef(value: unknown): ColumnDefinition | undefined {
  const def = unwrap(value, 'ColumnDef');
  if (!def) return undefined;
  return {
    name: typeof def.colname === 'string' ? def.colname : undefined,
    type: typeReference(def.typeName),
    constraints: (Array.isArray(def.constraints) ? def.constraints : [])
      .map(constraintInfo)
      .filter((c): c is ConstraintInfo => c !== undefined),
    location: typeof def.location === 'number' ? def.location : undefined,
    using: def.raw_default,
  };
}

export type ConstraintType =
  | 'NOTNULL'
  | 'NULL'
  | 'DEFAULT'
  | 'IDENTITY'
  | 'GENERATED'
  | 'CHECK'
  | 'PRIMARY'
  | 'UNIQUE'
  | 'EXCLUSION'
  | 'FOREIGN'
  | string;

export interface ConstraintInfo {
  type: ConstraintType;
  name: string | undefined;
  /** NOT VALID was written. */
  notValid: boolean;
  /** `USING INDEX name` for PRIMARY KEY / UNIQUE. */
  usingIndex: string | undefined;
  /** CHECK and DEFAULT / GENERATED expression. */
  expression: unknown;
  /** GENERATED ... STORED. */
  stored: boolean;
  /** The referenced table of a foreign key. */
  references: RelationName | undefined;
  /** Columns the constraint covers (keys, foreign key columns). */
  columns: string[];
  location: number | undefined;
}

export function constraintInfo(value: unknown): ConstraintInfo | undefined {
  const c = unwrap(value, 'Constraint');
  if (!c || typeof c.contype !== 'string') return undefined;
  return {
    type: c.contype.replace(/^CONSTR_/, ''),
    name: typeof c.conname === 'string' ? c.conname : undefined,
    notValid: c.skip_validation === true,
    usingIndex: typeof c.indexname === 'string' ? c.indexname : undefined,
    expression: c.raw_expr,
    stored: c.generated_kind === 's',
    references: c.pktable ? relationOf(c.pktable) : undefined,
    columns: [...strings(c.keys), ...strings(c.fk_attrs)],
    location: typeof c.location === 'number' ? c.location : undefined,
  };
}

// ---------------------------------------------------------------- types

export interface TypeReference {
  /** The type's name as the catalog knows it: `int4`, `varchar`, `timestamptz`, or a user type's name. */
  name: string;
  schema: string | undefined;
  /** Type modifiers that are plain numbers: `varchar(20)` → [20], `numeric(10,2)` → [10, 2]. */
  modifiers: number[];
  array: boolean;
  location: number | undefined;
}

export function typeReference(value: unknown): TypeReference | undefined {
  const t = unwrap(value, 'TypeName');
  if (!t) return undefined;
  const names = strings(t.names);
  if (names.length === 0) return undefined;
  const modifiers: number[] = [];
  for (const mod of Array.isArray(t.typmods) ? t.typmods : []) {
    const constant = unwrap(mod, 'A_Const');
    const ival = constant?.ival as { ival?: number } | undefined;
    if (ival) modifiers.push(ival.ival ?? 0);
  }
  return {
    name: names[names.length - 1]!,
    schema: names.length > 1 ? names[names.length - 2] : undefined,
    modifiers,
    array: Array.isArray(t.arrayBounds) && t.arrayBounds.length > 0,
    location: typeof t.location === 'number' ? t.location : undefined,
  };
}

/** `varchar(20)`, `timestamp(3)`, `int4[]`: for messages. */
export function typeDisplay(type: TypeReference): string {
  const alias: Record<string, string> = {
    int2: 'smallint',
    int4: 'integer',
    int8: 'bigint',
    float4: 'real',
    float8: 'double precision',
    bpchar: 'char',
    bool: 'boolean',
  };
  const base =
    type.schema === undefined || type.schema === 'pg_catalog'
      ? (alias[type.name] ?? type.name)
      : displayName(type.schema, type.name);
  return `${base}${type.modifiers.length ? `(${type.modifiers.join(',')})` : ''}${type.array ? '[]' : ''}`;
}

// ---------------------------------------------------------------- misc

/** DefElem options (`VACUUM (FULL)`, `REINDEX (CONCURRENTLY)`): whether one is present. */
export function hasOption(options: unknown, name: string): boolean {
  return Array.isArray(options) && options.some((option) => unwrap(option, 'DefElem')?.defname === name);
}

/** String constants anywhere under a node: `'ADMIN'`, `'x'::"Role"`. */
export function stringConstants(node: unknown): Set<string> {
  const found = new Set<string>();
  walk(node, (object) => {
    const sval = (object.sval as { sval?: unknown } | undefined)?.sval;
    if (typeof sval === 'string' && 'location' in object) found.add(sval);
  });
  return found;
}
