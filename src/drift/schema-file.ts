/**
 * Schema file against migration history: the pull-request gate for "someone changed the schema and
 * forgot to generate a migration". One module per ORM does the comparison; this is what they report.
 */
export interface SchemaFileDifference {
  /** One sentence: what the schema file has that the migrations do not create. */
  message: string;
  /** The statement the ORM's generator would write for it, when there is one. */
  sql: string | undefined;
}

export interface SchemaFileCheck {
  /** The schema file(s), relative to the project. */
  file: string;
  /** What it was compared with, e.g. `the migrations on disk, replayed` or `drizzle/meta/0004_snapshot.json`. */
  against: string;
  /** Why the comparison did not run (the ORM's tooling is not installed, TypeORM), or undefined. */
  skipped: string | undefined;
  differences: SchemaFileDifference[];
}
