import { nameFromList } from '../ast.js';
import type { Rule } from '../rule.js';

export const banCreateDomainWithConstraint: Rule = {
  meta: {
    id: 'ban-create-domain-with-constraint',
    severity: 'warning',
    category: 'locking',
    summary: 'CREATE DOMAIN with a CHECK constraint',
    why: "Changing a domain's constraint later re-checks every column of every table that uses it, under locks, with no NOT VALID escape for all of them at once.",
    fix: 'Put CHECK constraints on the table columns instead.',
    sizeGraded: false,
    equivalents: { squawk: ['ban-create-domain-with-constraint'] },
    doc: {
      what: '`CREATE DOMAIN ... CHECK (...)` (or NOT NULL).',
      why: "Domain constraints are hard to change online: adding one validates every column of that domain in every table, and altering the domain's type rewrites all those tables.",
      fix: 'Use a plain domain (or the base type) and put CHECK constraints on the columns, where they can be added NOT VALID and validated without blocking.',
      bad: 'CREATE DOMAIN "positive_int" AS INTEGER CHECK (VALUE > 0);',
      good: 'CREATE DOMAIN "positive_int" AS INTEGER;',
    },
  },
  kinds: ['CreateDomainStmt'],
  create(context) {
    return {
      statement(statement) {
        if (
          statement.kind !== 'CreateDomainStmt' ||
          !Array.isArray(statement.body.constraints) ||
          statement.body.constraints.length === 0
        )
          return;
        const name = nameFromList(statement.body.domainname);
        context.report({
          statement,
          message: `CREATE DOMAIN ${name?.display ?? ''} with a constraint: changing it later re-checks every column that uses the domain.`,
        });
      },
    };
  },
};
