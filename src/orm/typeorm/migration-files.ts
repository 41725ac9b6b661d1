import { existsSync } from 'node:fs';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { ExitCode, LockstepError } from '../../errors.js';
import { redact } from '../../util/redact.js';
import type { DiskMigration } from '../adapter.js';

/** A migration class as TypeORM sees it, with the file it came from. */
export interface TypeormMigration extends DiskMigration {
  /** The class; lockstep instantiates it to run `up`. */
  migrationClass: new () => { up(queryRunner: unknown): Promise<unknown>; name?: string; transaction?: boolean };
  /** The instance's `transaction` property: true, false, or undefined (the data source's mode decides). */
  transaction: boolean | undefined;
}

export interface GlobReport {
  pattern: string;
  matched: string[];
}

const LOADABLE = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

type Importer = (file: string) => Promise<unknown>;

function isMigrationClass(value: unknown): value is TypeormMigration['migrationClass'] {
  return typeof value === 'function' && typeof (value as { prototype?: { up?: unknown } }).prototype?.up === 'function';
}

/** TypeORM's name for a migration: the instance's `name`, else the class name; its timestamp is the name's last 13 digits. */
function describe(migrationClass: TypeormMigration['migrationClass'], path: string, root: string): TypeormMigration {
  const instance = new migrationClass();
  const name = instance.name ?? migrationClass.name;
  const timestamp = Number.parseInt(name.slice(-13), 10);
  if (!Number.isFinite(timestamp)) {
    throw new LockstepError({
      code: 'LS_TYPEORM_MIGRATION_NAME',
      message: `The migration class ${name} in ${relative(root, path)} has no 13-digit timestamp at the end of its name, which TypeORM requires to order migrations.`,
      state: 'Unchanged: lockstep applied nothing.',
      recovery: ['Rename the class (and its `name` property) to end with the timestamp it was created at, as `typeorm migration:create` does.'],
      exitCode: ExitCode.Usage,
    });
  }
  return { name, path, script: undefined, checksum: undefined, invalidUtf8At: undefined, createdAt: timestamp, migrationClass, transaction: instance.transaction };
}

/**
 * Expands the DataSource's `migrations` option as TypeORM does (classes, and glob strings resolved
 * against the project directory) and loads every class. Reports, per pattern, what it matched.
 */
export async function loadTypeormMigrations(
  entries: unknown[],
  options: { root: string; dataSourceFile: string; importer: Importer },
): Promise<{ migrations: TypeormMigration[]; globs: GlobReport[] }> {
  const { glob } = await import('tinyglobby');
  const { root, importer } = options;
  const migrations: TypeormMigration[] = [];
  const globs: GlobReport[] = [];
  for (const entry of entries) {
    if (isMigrationClass(entry)) {
      migrations.push(describe(entry, options.dataSourceFile, root));
      continue;
    }
    if (typeof entry !== 'string') continue;
    const pattern = isAbsolute(entry) ? entry : resolve(root, entry);
    const files = (await glob(pattern.replace(/\\/g, '/'), { absolute: true, onlyFiles: true }))
      .filter((file) => LOADABLE.has(extname(file)) && !file.endsWith('.d.ts'))
      .sort();
    globs.push({ pattern: entry, matched: files });
    // The files load concurrently (each import waits on the file system, not on the others);
    // results and errors are taken in file order.
    const loaded = await Promise.allSettled(files.map((file) => importer(file)));
    for (const [i, file] of files.entries()) {
      const result = loaded[i]!;
      if (result.status === 'rejected') {
        const error: unknown = result.reason;
        throw new LockstepError({
          code: 'LS_TYPEORM_MIGRATION_LOAD',
          message: `Could not load the migration file ${relative(root, file)} (matched by "${entry}"): ${redact(error instanceof Error ? error.message : String(error))}`,
          state: 'Unchanged: lockstep applied nothing.',
          recovery: [`Fix ${relative(root, file)}, or change the "migrations" option of the data source so that it matches only migration files.`],
          exitCode: ExitCode.Usage,
        });
      }
      for (const value of Object.values((result.value ?? {}) as Record<string, unknown>)) {
        if (isMigrationClass(value)) migrations.push(describe(value, file, root));
      }
    }
  }
  const seen = new Map<string, TypeormMigration>();
  for (const migration of migrations) {
    const other = seen.get(migration.name);
    if (other && other.migrationClass !== migration.migrationClass) {
      throw new LockstepError({
        code: 'LS_TYPEORM_DUPLICATE',
        message: `Two migrations are named ${migration.name}: in ${relative(root, other.path)} and ${relative(root, migration.path)}. TypeORM refuses duplicates; the data source probably matches both the TypeScript sources and the compiled JavaScript.`,
        state: 'Unchanged: lockstep applied nothing.',
        recovery: ['Make the "migrations" option match one set of files (e.g. `dist/migration/*.js` in production, `src/migration/*.ts` in development).'],
        exitCode: ExitCode.Usage,
      });
    }
    seen.set(migration.name, migration);
  }
  return { migrations: [...seen.values()].sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0)), globs };
}

/** What is wrong with the globs, in words: patterns that matched nothing, or code of the other kind. */
export function globProblems(globs: GlobReport[], dataSourceFile: string, root: string): string[] {
  const problems: string[] = [];
  const compiled = /\.(c|m)?js$/.test(dataSourceFile);
  for (const { pattern, matched } of globs) {
    if (matched.length === 0) {
      const dir = dirname(isAbsolute(pattern) ? pattern : resolve(root, pattern)).replace(/[*{].*$/, '');
      problems.push(`the migrations pattern "${pattern}" matched no file${existsSync(dir) ? '' : ` (${relative(root, dir) || '.'} does not exist: was the project built?)`}`);
      continue;
    }
    const ts = matched.filter((f) => /\.(c|m)?ts$/.test(f));
    if (compiled && ts.length > 0) {
      problems.push(
        `the data source ${relative(root, dataSourceFile)} is compiled JavaScript but its migrations pattern "${pattern}" matches ${ts.length} TypeScript file${ts.length > 1 ? 's' : ''} (${relative(root, ts[0]!)}${ts.length > 1 ? ', …' : ''}), which plain node cannot load in production`,
      );
    }
  }
  return problems;
}
