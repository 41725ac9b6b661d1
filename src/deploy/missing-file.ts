/** Why a migration has no file, in the terms of what lists it. */
export function missingFileText(file: string, name: string, listedIn: string | undefined): string {
  if (listedIn?.endsWith('_journal.json')) {
    return `${file} does not exist, but ${listedIn} lists ${name}: the SQL file was deleted or renamed, or a merge kept the journal entry without it.`;
  }
  // A Prisma migration folder (Prisma's P3015) or a Drizzle v1 folder without its script.
  return `${file} does not exist: the migration folder "${name}" has no migration.sql (Prisma reports this as P3015).`;
}
