import type { Rule } from '../rule.js';

/** Reported by the engine for a file that is empty or only whitespace. */
export const emptyMigration: Rule = {
  meta: {
    id: 'empty-migration',
    severity: 'error',
    category: 'meta',
    summary: 'a migration file that is empty',
    why: 'An empty migration file is usually a truncated copy or a file saved before it was written; lockstep deploy refuses it.',
    fix: "Restore the file's SQL; if the migration is meant to do nothing, say so in a comment.",
    sizeGraded: false,
    equivalents: {},
    doc: {
      what: 'A migration file with no content at all, or only whitespace. A file with comments and no statements is accepted.',
      why: 'Empty files come from interrupted copies, failed generation or a merge that lost a side. The ORM records the migration as applied although nothing ran, and the schema the code expects never arrives. lockstep deploy refuses such a file before applying anything.',
      fix: 'Regenerate or restore the file. A migration that is meant to be empty should say so in a comment.',
      bad: '',
      good: '-- This migration is intentionally empty: the schema change was applied by 20250101000000_init.',
    },
  },
  create: () => ({}),
};
