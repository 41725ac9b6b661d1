/**
 * Schema file against migration history: the pull-request gate for "someone changed the schema and
 * forgot to generate a migration". One module per ORM does the comparison; this is what they report.
 */
export interface SchemaFileDifference {
  /**
   * Which side has it: `schema` (the schema file has it, the migrations do not create it),
   * `migrations` (the migrations create it, the schema file lacks it) or `both` (both have it, with
   * different attributes).
   */
  side: 'schema' | 'migrations' | 'both';
  /** One sentence: what differs. */
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
  /** Objects the ignore rules (`--ignore`, `drift.ignore`) left out of this comparison, qualified. */
  ignored?: string[] | undefined;
  /** What this comparison does not look at, or migrations it had to leave out, in sentences. */
  notes?: string[] | undefined;
}
