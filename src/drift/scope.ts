import type { CatalogModel } from '../db/postgres/introspect.js';
import type { IgnoreRules } from './ignore.js';

/** What a comparison leaves out, whatever the user says: the bookkeeping of lockstep and of the ORM. */
export interface Bookkeeping {
  /** Qualified `schema.table` names: the ORM's history table, lockstep's audit table, TypeORM's typeorm_metadata. */
  tables: string[];
  /** Schemas that exist only to hold bookkeeping (`drizzle`, `lockstep`): left out when nothing else is in them. */
  schemas: string[];
}

export interface ScopedCatalog {
  model: CatalogModel;
  /** Qualified names of objects left out by the ignore rules. */
  ignored: string[];
}

/** The part of a catalog that a comparison looks at. */
export function scopeCatalog(model: CatalogModel, bookkeeping: Bookkeeping, ignore: IgnoreRules): ScopedCatalog {
  const ignored: string[] = [];
  const bookkeepingTables = new Set(bookkeeping.tables);
  const leaveOut = (schema: string, name: string) => {
    if (ignore.matchesSchema(schema) || ignore.matches(schema, name)) {
      ignored.push(`${schema}.${name}`);
      return true;
    }
    return false;
  };
  const droppedTables = new Set<string>();
  const tables = model.tables.filter((t) => {
    const key = `${t.schema}.${t.name}`;
    if (bookkeepingTables.has(key) || leaveOut(t.schema, t.name)) {
      droppedTables.add(key);
      return false;
    }
    return true;
  });
  const views = model.views.filter((v) => !leaveOut(v.schema, v.name));
  const enums = model.enums.filter((e) => !leaveOut(e.schema, e.name));
  // A sequence owned by a column goes with its table.
  const sequences = model.sequences.filter((s) => {
    if (s.ownedBy && droppedTables.has(`${s.ownedBy.schema}.${s.ownedBy.table}`)) return false;
    return !leaveOut(s.schema, s.name);
  });
  const used = new Set([...tables, ...views, ...enums, ...sequences].map((o) => o.schema));
  const bookkeepingSchemas = new Set(bookkeeping.schemas);
  const schemas = model.schemas.filter((s) => {
    if (bookkeepingSchemas.has(s.name) && !used.has(s.name)) return false;
    if (ignore.matchesSchema(s.name)) {
      ignored.push(`schema ${s.name}`);
      return false;
    }
    return true;
  });
  return { model: { ...model, schemas, tables, views, enums, sequences }, ignored: ignored.sort() };
}
