import { strings } from '../ast.js';
import type { Rule } from '../rule.js';

export const banDropSchema: Rule = {
  meta: {
    id: 'ban-drop-schema',
    severity: 'error',
    category: 'destructive',
    summary: 'DROP SCHEMA',
    why: 'Deletes every table, view, function and type in the schema (with CASCADE) or fails when it is not empty; either way the app loses what it uses.',
    fix: 'Drop the objects one by one, each after the code stopped using it; drop the empty schema last.',
    sizeGraded: false,
    equivalents: { atlas: ['DS101'] },
    doc: {
      what: '`DROP SCHEMA`.',
      why: 'With CASCADE it deletes every object in the schema and all their data at once; without it, it fails as soon as the schema holds anything. Neither belongs in an unattended deploy.',
      fix: "Remove the schema's objects one at a time in earlier migrations (each reviewed with its own rule), then drop the empty schema without CASCADE.",
      bad: 'DROP SCHEMA "reporting" CASCADE;',
      good: '-- lockstep-ignore ban-drop-schema: emptied in 20250301000000_drop_reporting_views; no objects left\nDROP SCHEMA "reporting";',
    },
  },
  kinds: ['DropStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'DropStmt' || statement.body.removeType !== 'OBJECT_SCHEMA') return;
        const names = strings(statement.body.objects);
        const cascade = statement.body.behavior === 'DROP_CASCADE';
        context.report({
          statement,
          message: `DROP SCHEMA ${names.map((n) => `"${n}"`).join(', ')}${cascade ? ' CASCADE deletes every object in it and all their data' : ' fails unless the schema is empty, and deletes it'}.`,
        });
      },
    };
  },
};
