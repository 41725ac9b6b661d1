import { commandsOfKind, commandText, findingAt, runsWhere } from '../check-helpers.js';
import { enabledInProduction, typeormOptionObjects } from '../code/typeorm-options.js';
import type { DoctorCheck } from '../types.js';

export const typeormDropSchema: DoctorCheck = {
  meta: {
    id: 'typeorm-drop-schema',
    scope: 'typeorm',
    severity: 'error',
    title: 'TypeORM `dropSchema` can be on in production',
    why: '`dropSchema: true` drops every table of the schema each time the data source initializes: all production data is lost on the next start.',
    fix: 'Remove `dropSchema` from every data source production can load; use it only in a test data source.',
    fixable: false,
    doc: {
      what: 'A TypeORM options object (found as for typeorm-synchronize) whose `dropSchema` is true when NODE_ENV=production or unset, and `typeorm schema:drop` in a production path.',
      why: 'With `dropSchema: true`, `DataSource.initialize()` drops the schema (every table, view and type in it) before anything else. It exists for tests. In production each restart or new replica wipes the database.',
      fix: 'Delete the option (or make it `false`) in data sources production loads; keep a separate data source for tests, in a file named for tests, that production never imports.',
      example: {
        file: 'src/data-source.ts',
        bad: "export const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  dropSchema: process.env.NODE_ENV !== 'production',\n});",
        good: "export const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n});",
      },
    },
  },
  run(scan, report) {
    for (const options of typeormOptionObjects(scan)) {
      const on = enabledInProduction(options, 'dropSchema');
      if (!on) continue;
      report({
        file: options.source.file,
        offset: on.property.start,
        message: on.literal
          ? 'dropSchema is true: every start drops the whole production schema.'
          : `dropSchema is true when ${on.scenario.name} (\`${on.expression}\`): that start drops the whole production schema.`,
      });
    }
    for (const command of commandsOfKind(scan, 'typeorm-schema-drop')) {
      report(findingAt(command, `\`${commandText(command)}\` ${runsWhere(command)}: it drops the production schema.`));
    }
  },
};
