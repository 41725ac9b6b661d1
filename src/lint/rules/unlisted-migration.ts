import type { Rule } from '../rule.js';

/** Reported when lint reads a Drizzle project: a SQL file in its migrations folder that meta/_journal.json does not list. */
export const unlistedMigration: Rule = {
  meta: {
    id: 'unlisted-migration',
    severity: 'error',
    category: 'meta',
    summary: 'a SQL file in a Drizzle migrations folder that the journal does not list',
    why: 'Drizzle runs only the migrations meta/_journal.json lists: a SQL file that is not in it never runs, and every deploy succeeds without it.',
    fix: 'Create the migration with `drizzle-kit generate` (`--custom` for hand-written SQL) so that the journal lists it, or delete the file.',
    sizeGraded: false,
    equivalents: {},
    doc: {
      what: "When `lockstep lint` reads a Drizzle project (no files named, or `--since`): a `.sql` file in the migrations folder (drizzle.config's `out`) whose name is not a `tag` of `meta/_journal.json`. A file with a name of its own written by hand, a file renamed after it was generated, or one whose journal entry a merge lost.",
      why: "drizzle-kit migrate, drizzle-orm's migrate() and lockstep deploy apply the journal's entries in order and never look at the folder itself. A SQL file the journal does not list is never applied: the deploy succeeds, the history says the database is up to date, and the schema change the file makes is missing in production.",
      fix: 'For hand-written SQL, create the file with `drizzle-kit generate --custom --name <name>` and paste the SQL into it, so that the journal lists it. After a merge that lost a journal entry, restore the entry from the branch that added it (or regenerate). Delete files that are not meant to run.',
      bad: '-- drizzle/0005_backfill.sql, written by hand: meta/_journal.json does not list it\nUPDATE "users" SET "name" = \'\' WHERE "name" IS NULL;',
      good: '-- drizzle/0005_backfill.sql, made with `drizzle-kit generate --custom --name backfill`: the journal lists it\nUPDATE "users" SET "name" = \'\' WHERE "name" IS NULL;',
    },
  },
  create: () => ({}),
};
