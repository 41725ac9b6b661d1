import type { Rule } from '../rule.js';

export const banDropDatabase: Rule = {
  meta: {
    id: 'ban-drop-database',
    severity: 'error',
    category: 'destructive',
    summary: 'DROP DATABASE',
    why: 'Deletes a whole database; no migration should do that.',
    fix: 'Drop databases by hand, with a backup, outside the migration history.',
    sizeGraded: false,
    equivalents: { squawk: ['ban-drop-database'] },
    doc: {
      what: '`DROP DATABASE`.',
      why: 'It deletes a database with everything in it. It also cannot run inside a transaction, so the runner may have applied half the migration when it fails.',
      fix: 'Do not drop databases from migrations. Do it by hand, after a backup, and never through the deploy pipeline.',
      bad: 'DROP DATABASE "shop_staging";',
      good: '-- Databases are dropped by hand, not by migrations.',
    },
  },
  kinds: ['DropdbStmt'],
  create(context) {
    return {
      statement(statement) {
        if (statement.kind !== 'DropdbStmt') return;
        context.report({ statement, message: `DROP DATABASE "${String(statement.body.dbname)}" deletes the whole database.` });
      },
    };
  },
};
