import { configDialectFamily, drizzleImports } from '../code/drizzle-code.js';
import type { DoctorCheck } from '../types.js';

export const drizzleDialectMismatch: DoctorCheck = {
  meta: {
    id: 'drizzle-dialect-mismatch',
    scope: 'drizzle',
    severity: 'error',
    title: 'drizzle.config dialect, driver and migrator disagree',
    why: 'Migrations generated for one SQL dialect are run by a migrator and driver for another: the deploy fails on the first statement, or the history table is written in the wrong place.',
    fix: 'Import the driver and the migrator for the database drizzle.config names (PostgreSQL: `drizzle-orm/node-postgres` and `drizzle-orm/node-postgres/migrator`).',
    fixable: false,
    doc: {
      what: "In a Drizzle project, an import of a drizzle-orm driver (`drizzle-orm/node-postgres`, `drizzle-orm/mysql2`, `drizzle-orm/better-sqlite3`...), schema builder (`drizzle-orm/pg-core`, `mysql-core`, `sqlite-core`) or migrator (`drizzle-orm/<driver>/migrator`) whose SQL dialect differs from drizzle.config's `dialect` (or, in a project with one drizzle-kit config per dialect passed with `--config`, from every one of them), or a module that imports a migrator of one dialect and a driver of another. Imports are read from the parsed source (`import` and `require`); type-only imports do not count.",
      why: "drizzle-kit generates SQL for the configured dialect (quoting, types, `--> statement-breakpoint` files for PostgreSQL differ from MySQL's). A migrator for another dialect creates its history table with that dialect's DDL and sends the files to a driver that speaks something else: the deploy fails on the first statement, or worse, partly applies. The code only type-checks because every migrator accepts a loosely typed database.",
      fix: 'Use one dialect end to end: drizzle.config `dialect: "postgresql"` with `drizzle-orm/node-postgres` (or `postgres-js`, `neon-serverless`...) and the migrator of the same driver, `drizzle-orm/node-postgres/migrator`.',
      example: {
        file: 'src/migrate.ts',
        bad: "import { drizzle } from 'drizzle-orm/node-postgres';\nimport { migrate } from 'drizzle-orm/mysql2/migrator';\n\nawait migrate(drizzle(process.env.DATABASE_URL!), { migrationsFolder: './drizzle' });",
        good: "import { drizzle } from 'drizzle-orm/node-postgres';\nimport { migrate } from 'drizzle-orm/node-postgres/migrator';\n\nawait migrate(drizzle(process.env.DATABASE_URL!), { migrationsFolder: './drizzle' });",
      },
    },
  },
  run(scan, report) {
    for (const { dir, drizzle } of scan.orms) {
      if (!drizzle) continue;
      // A project with one drizzle-kit config per dialect (sqlite, mysql, postgresql side by side) generates migrations for each.
      const configs = (drizzle.configs ?? [{ file: drizzle.configFile ?? 'drizzle.config', dialect: drizzle.dialect }]).flatMap(
        (c) => {
          const family = configDialectFamily(c.dialect);
          return family ? [{ file: c.file, dialect: c.dialect!, family }] : [];
        },
      );
      const families = new Set(configs.map((c) => c.family));
      const prefix = dir ? `${dir}/` : '';
      for (const path of scan.sources.containing('drizzle-orm/')) {
        if (!path.startsWith(prefix)) continue;
        const owner = scan.orms
          .filter((o) => o.drizzle && (o.dir === '' || path.startsWith(`${o.dir}/`)))
          .sort((a, b) => b.dir.length - a.dir.length)[0];
        if (owner?.dir !== dir) continue;
        const source = scan.sources.parse(path);
        if (!source) continue;
        const imports = drizzleImports(source);
        const reported = new Set<number>();
        if (families.size > 0) {
          for (const imp of imports) {
            if (!imp.dialect || families.has(imp.dialect)) continue;
            reported.add(imp.start);
            const configured =
              configs.length === 1
                ? `${configs[0]!.file} sets dialect "${configs[0]!.dialect}": the migrations were generated for ${configs[0]!.family}`
                : `the drizzle-kit configs (${configs.map((c) => `${c.file}: "${c.dialect}"`).join(', ')}) generate migrations for ${[...families].join(' and ')} only`;
            report({
              file: source.file,
              offset: imp.start,
              message: `${path} imports ${imp.module} (${imp.dialect}), but ${configured}.`,
            });
          }
        }
        const migrators = imports.filter((i) => i.migrator);
        const drivers = imports.filter((i) => !i.migrator);
        for (const migrator of migrators) {
          const other = drivers.find((d) => d.dialect && migrator.dialect && d.dialect !== migrator.dialect);
          if (!other || reported.has(migrator.start)) continue;
          report({
            file: source.file,
            offset: migrator.start,
            message: `${path} runs ${migrator.module} (${migrator.dialect}) on a database from ${other.module} (${other.dialect}).`,
          });
        }
      }
    }
  },
};
