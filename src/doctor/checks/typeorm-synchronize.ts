import { commandsOfKind, commandText, findingAt, runsWhere } from '../check-helpers.js';
import { enabledInProduction, typeormOptionObjects } from '../code/typeorm-options.js';
import type { DoctorCheck } from '../types.js';

export const typeormSynchronize: DoctorCheck = {
  meta: {
    id: 'typeorm-synchronize',
    scope: 'typeorm',
    severity: 'error',
    title: 'TypeORM `synchronize` can be on in production',
    why: 'On every start TypeORM alters the schema to match the entities, with no migration: a removed or renamed field drops its column and the data in it.',
    fix: 'Set `synchronize: false` unconditionally and change the schema with migrations (`typeorm migration:generate`, applied by `lockstep deploy`).',
    fixable: false,
    doc: {
      what: "A TypeORM options object (`new DataSource({...})`, `TypeOrmModule.forRoot({...})` or `forRootAsync`'s factory, `createConnection`, an object typed `DataSourceOptions`, or an object literal with `type: 'postgres'` and TypeORM options) whose `synchronize` is true in production: a literal `true`, or an expression that is true when NODE_ENV=production or when NODE_ENV is unset (other environment variables are taken as unset). The expression is evaluated from the parsed source: `process.env.X`, comparisons, `!`, `&&`, `||`, `??`, `?:`, and `const` values of the same module; the branches (`?:`, `if`, `switch`) that lead to the object are evaluated the same way. Files and variables named for development or tests (`data-source.dev.ts`, `testConfig`) are not read. Also `typeorm schema:sync` in a production path.",
      why: "synchronize compares the entities with the database on every start and applies the difference with no history and no review. A renamed property becomes DROP COLUMN + ADD COLUMN, a removed entity field drops its column, a changed type can recreate the column: the data is gone. Every replica does this at start, concurrently. A condition such as `synchronize: process.env.NODE_ENV !== 'production'` is true in any container that does not set NODE_ENV.",
      fix: 'Turn it off (`synchronize: false`, with no condition) in every data source production can load, generate migrations with `typeorm migration:generate`, and apply them with `lockstep deploy` before the app starts. For development, use a separate data source file that production never imports.',
      example: {
        file: 'src/data-source.ts',
        bad: "export const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  entities: [User],\n  synchronize: process.env.NODE_ENV !== 'production',\n});",
        good: "export const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  entities: [User],\n  migrations: [`${__dirname}/migration/*.{ts,js}`],\n  synchronize: false,\n});",
      },
    },
  },
  run(scan, report) {
    for (const options of typeormOptionObjects(scan)) {
      const on = enabledInProduction(options, 'synchronize');
      if (!on) continue;
      report({
        file: options.source.file,
        offset: on.property.start,
        message: on.literal
          ? `synchronize is true: TypeORM alters the production schema on every start, dropping columns the entities no longer have.`
          : `synchronize is true when ${on.scenario.name} (\`${on.expression}\`): TypeORM alters the production schema on every start, dropping columns the entities no longer have.`,
      });
    }
    for (const command of commandsOfKind(scan, 'typeorm-schema-sync')) {
      report(
        findingAt(
          command,
          `\`${commandText(command)}\` ${runsWhere(command)}: it synchronizes the production schema with the entities, with no migration.`,
        ),
      );
    }
  },
};
