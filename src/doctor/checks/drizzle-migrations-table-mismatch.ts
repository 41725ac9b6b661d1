import { type AstNode, objectProperties, unwrapExpression } from '../../js/estree.js';
import { configDialectFamily, drizzleImports, migrateCalls } from '../code/drizzle-code.js';
import { evaluate, moduleBindings, UNKNOWN } from '../code/static-eval.js';
import { dirOf } from '../scan/file-index.js';
import type { DoctorCheck } from '../types.js';

const DEFAULT_TABLE = '__drizzle_migrations';
const DEFAULT_SCHEMA = 'drizzle';

export const drizzleMigrationsTableMismatch: DoctorCheck = {
  meta: {
    id: 'drizzle-migrations-table-mismatch',
    scope: 'drizzle',
    severity: 'error',
    title: 'migrate() keeps its history in another table than drizzle.config',
    why: 'Two histories for one database: drizzle-kit (and lockstep) read one table, the app\'s migrate() another, so each finds the other\'s migrations pending and applies them again ("relation already exists").',
    fix: 'Give migrate() the history table drizzle.config names: the same `migrationsTable` (and, on PostgreSQL, `migrationsSchema`) as its `migrations: { table, schema }`.',
    fixable: false,
    doc: {
      what: "A call of drizzle-orm's `migrate(db, { migrationsFolder, migrationsTable, migrationsSchema })` in a Drizzle package whose history table differs from the one its drizzle.config sets with `migrations: { table, schema }` (defaults `__drizzle_migrations` in schema `drizzle`; the schema counts on PostgreSQL only). A config that sets a table while `migrate()` sets none counts too. It is an error when the package also applies migrations with `drizzle-kit migrate` or `lockstep deploy` (which read drizzle.config), and a warning otherwise. Values are read statically; a call whose options cannot be read is not flagged.",
      why: 'The history table is how a migrator knows what ran. drizzle-kit migrate, lockstep and drizzle.config\'s tooling use the table the config names; the app\'s migrate() uses its own options, which default to `drizzle.__drizzle_migrations` whatever the config says. With two tables, a migration applied by one is pending for the other: the next deploy applies it again and fails on "relation already exists" (or, for data migrations, applies them twice), and `lockstep status` reports a history that is not the one the app keeps.',
      fix: "Use one history table: pass drizzle.config's `migrations.table` and `migrations.schema` to `migrate()` as `migrationsTable` and `migrationsSchema`, or remove them from both. To move an existing history, copy its rows to the table the config names once, before the next deploy.",
      example: {
        file: 'src/migrate.ts',
        bad: "// drizzle.config.ts: migrations: { table: 'schema_history', schema: 'public' }\nimport { drizzle } from 'drizzle-orm/node-postgres';\nimport { migrate } from 'drizzle-orm/node-postgres/migrator';\n\nawait migrate(drizzle(process.env.DATABASE_URL!), { migrationsFolder: './drizzle' });",
        good: "// drizzle.config.ts: migrations: { table: 'schema_history', schema: 'public' }\nimport { drizzle } from 'drizzle-orm/node-postgres';\nimport { migrate } from 'drizzle-orm/node-postgres/migrator';\n\nawait migrate(drizzle(process.env.DATABASE_URL!), { migrationsFolder: './drizzle', migrationsTable: 'schema_history', migrationsSchema: 'public' });",
      },
    },
  },
  run(scan, report) {
    for (const { dir, drizzle } of scan.orms) {
      if (!drizzle) continue;
      const configs = drizzle.configs ?? [
        {
          file: drizzle.configFile ?? 'drizzle.config',
          dialect: drizzle.dialect,
          migrationsTable: drizzle.migrationsTable,
          migrationsSchema: drizzle.migrationsSchema,
        },
      ];
      // drizzle-kit migrate or lockstep deploy in the package reads the config's table.
      const pkg = scan.packages.find((p) => p.dir === dir);
      const configMigrator =
        [...(pkg?.scripts.values() ?? [])].some((s) => /drizzle-kit\s+migrate\b|lockstep\s+deploy\b/.test(s.command)) ||
        scan.commands.some((c) => c.packageDir === dir && (c.kind === 'drizzle-kit-migrate' || c.kind === 'lockstep-deploy'));
      for (const path of scan.sources.containing('drizzle-orm/')) {
        if (dir && !path.startsWith(`${dir}/`)) continue;
        const owner = scan.orms
          .filter((o) => o.drizzle && (o.dir === '' || path.startsWith(`${o.dir}/`)))
          .sort((a, b) => b.dir.length - a.dir.length)[0];
        if (owner?.dir !== dir) continue;
        const source = scan.sources.parse(path);
        if (!source) continue;
        const imports = drizzleImports(source);
        const bindings = moduleBindings(source.program as unknown as AstNode);
        for (const call of migrateCalls(source, imports)) {
          const family = imports.find((i) => i.module === call.module)?.dialect;
          const candidates = configs.filter((c) => configDialectFamily(c.dialect) === family);
          if (candidates.length === 0) continue;
          const options = unwrapExpression((call.call.arguments as AstNode[])[1]);
          let table: unknown = DEFAULT_TABLE;
          let schema: unknown = DEFAULT_SCHEMA;
          if (options?.type === 'ObjectExpression') {
            if ((options.properties as AstNode[]).some((p) => p.type === 'SpreadElement')) continue;
            const props = objectProperties(options);
            const ctx = { env: {}, dirname: dirOf(path), ...bindings };
            if (props.has('migrationsTable')) table = evaluate(props.get('migrationsTable')!.value as AstNode, ctx);
            if (props.has('migrationsSchema')) schema = evaluate(props.get('migrationsSchema')!.value as AstNode, ctx);
          } else if (options?.type !== 'Literal') continue;
          if (table === UNKNOWN || schema === UNKNOWN || typeof table !== 'string' || typeof schema !== 'string') continue;
          const differences = (c: (typeof configs)[number]) => {
            const out: string[] = [];
            // A config value that could not be read statically is not compared.
            const configTable = c.migrationsTable ?? table;
            const configSchema = c.migrationsSchema ?? schema;
            if (configTable !== table) out.push(`table "${table}" where ${c.file} says "${configTable}"`);
            if (family === 'postgresql' && configSchema !== schema)
              out.push(`schema "${schema}" where ${c.file} says "${configSchema}"`);
            return out;
          };
          if (candidates.some((c) => differences(c).length === 0)) continue;
          const config = candidates[0]!;
          report({
            file: source.file,
            offset: call.call.start,
            severity: configMigrator ? 'error' : 'warning',
            message: `migrate() keeps its history in ${differences(config).join(' and ')}: ${configMigrator ? "drizzle-kit migrate and lockstep read the config's table, so each sees the other's migrations as pending" : 'drizzle-kit and lockstep would read another history than the app writes'}.`,
            fix: `Pass \`migrationsTable: '${config.migrationsTable ?? DEFAULT_TABLE}'\`${family === 'postgresql' ? ` and \`migrationsSchema: '${config.migrationsSchema ?? DEFAULT_SCHEMA}'\`` : ''} to migrate(), as ${config.file} sets them.`,
          });
        }
      }
    }
  },
};
