import type { Rule } from '../rule.js';

/** Reported by the engine for suppression comments without a reason. */
export const suppressionMissingReason: Rule = {
  meta: {
    id: 'suppression-missing-reason',
    severity: 'warning',
    category: 'meta',
    summary: 'a lockstep-ignore comment without a reason',
    why: 'A suppression without a reason cannot be reviewed; lockstep does not apply it, so the finding it meant to suppress stays.',
    fix: 'Say why it is safe after a colon: -- lockstep-ignore RULE: reason.',
    sizeGraded: false,
    equivalents: {},
    doc: {
      what: 'A `-- lockstep-ignore RULE` or `-- lockstep-ignore-file RULE` comment with no reason after a colon. Such a suppression is not applied: the finding it names is still reported.',
      why: 'Suppressions are how a team records that a hazard was reviewed. Without the reason, the next reader cannot tell whether the review happened or whether it still holds.',
      fix: 'Write the reason after a colon, e.g. the ticket, the row count you checked, or the release after which the column became unused.',
      bad: '-- lockstep-ignore ban-drop-table\nDROP TABLE "LegacySession";',
      good: '-- lockstep-ignore ban-drop-table: sessions moved to Redis in v3.2; the table has been unused since (PLAT-812)\nDROP TABLE "LegacySession";',
    },
  },
  create: () => ({}),
};
