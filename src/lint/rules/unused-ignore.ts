import type { Rule } from '../rule.js';

/** Reported by the engine for suppression comments that suppress nothing. */
export const unusedIgnore: Rule = {
  meta: {
    id: 'unused-ignore',
    severity: 'warning',
    category: 'meta',
    summary: 'a lockstep-ignore comment that suppresses nothing or names an unknown rule',
    why: 'A suppression that matches nothing hides nothing today and may hide the wrong thing tomorrow; a misspelt rule name suppresses nothing at all.',
    fix: 'Correct the rule name (lockstep lint --list-rules), or move the comment next to the statement, or remove it.',
    sizeGraded: false,
    equivalents: { squawk: ['unused-ignore'] },
    doc: {
      what: 'A `-- lockstep-ignore` or `-- lockstep-ignore-file` comment that names an unknown rule, names no rule, comes after the last statement, or matches no finding of the rules it names.',
      why: 'A typo in a rule name silently suppresses nothing, so the author believes a hazard was reviewed when the linter never looked at it; a suppression left behind after the statement changed can later hide a different problem.',
      fix: 'Use the exact rule id, put the comment directly above the statement (or after it on its last line), and remove suppressions that no longer match anything.',
      bad: '-- lockstep-ignore ban-drop-colum: the column has been unused since v2.3\nALTER TABLE "User" DROP COLUMN "legacyName";',
      good: '-- lockstep-ignore ban-drop-column: the column has been unused since v2.3\nALTER TABLE "User" DROP COLUMN "legacyName";',
    },
  },
  create: () => ({}),
};
