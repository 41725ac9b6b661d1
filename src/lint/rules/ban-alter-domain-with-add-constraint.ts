import { nameFromList } from '../ast.js';
import type { Rule } from '../rule.js';

export const banAlterDomainWithAddConstraint: Rule = {
  meta: {
    id: 'ban-alter-domain-with-add-constraint',
    severity: 'warning',
    category: 'locking',
    summary: 'ALTER DOMAIN ... ADD CONSTRAINT',
    why: 'PostgreSQL validates the new constraint against every column of every table that uses the domain, locking them while it scans.',
    fix: 'Add CHECK constraints to the columns, NOT VALID, and validate them in a later migration.',
    sizeGraded: false,
    equivalents: { squawk: ['ban-alter-domain-with-add-constraint'] },
    doc: {
      what: '`ALTER DOMAIN ... ADD CONSTRAINT` (unless NOT VALID).',
      why: 'The new constraint is checked against every existing value in every table that has a column of the domain, which scans all of them under locks that block writes.',
      fix: 'Add the constraint NOT VALID and `VALIDATE CONSTRAINT` later, or constrain the table columns instead.',
      bad: 'ALTER DOMAIN "email" ADD CONSTRAINT "email_has_at" CHECK (VALUE LIKE \'%@%\');',
      good: 'ALTER DOMAIN "email" ADD CONSTRAINT "email_has_at" CHECK (VALUE LIKE \'%@%\') NOT VALID;',
    },
  },
  kinds: ['AlterDomainStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'AlterDomainStmt' || statement.body.subtype !== 'C') return;
        if ((statement.body.def as { Constraint?: { skip_validation?: boolean } } | undefined)?.Constraint?.skip_validation)
          return;
        const name = nameFromList(statement.body.typeName);
        context.report({
          statement,
          message: `ALTER DOMAIN ${name?.display ?? ''} ADD CONSTRAINT checks every column of every table that uses the domain.`,
        });
      },
    };
  },
};
