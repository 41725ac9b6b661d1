import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ExitCode, LockstepError } from '../../errors.js';
import { loadErrorText } from '../../project/load-error.js';
import type { DiskMigration } from '../adapter.js';
import { exportedClasses, globFiles, mixedList } from './class-files.js';

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

type Importer = (file: string) => Promise<unknown>;

function isMigrationClass(value: unknown): value is TypeormMigration['migrationClass'] {
  return typeof value === 'function' && typeof (value as { prototype?: { up?: unknown } }).prototype?.up === 'function';
}

function loadError(message: string, file: string, root: string): LockstepError {
  return new LockstepError({
    code: 'LS_TYPEORM_MIGRATION_LOAD',
    message,
    state: 'Unchanged: lockstep applied nothing.',
    recovery: [
      `Fix ${relative(root, file)}, or change the "migrations" option of the data source so that it matches only migration files.`,
    ],
    exitCode: ExitCode.Usage,
  });
}

/** TypeORM's name for a migration: the instance's `name`, else the class name; its timestamp is the name's last 13 digits. */
function describe(migrationClass: TypeormMigration['migrationClass'], path: string, root: string): TypeormMigration {
  let instance: InstanceType<TypeormMigration['migrationClass']>;
  try {
    instance = new migrationClass();
  } catch (error) {
    throw loadError(
      `The migration class ${migrationClass.name} in ${relative(root, path)} could not be created (TypeORM creates each with \`new\` and no arguments): ${loadErrorText(error, path, root)}`,
      path,
      root,
    );
  }
  const name = instance.name ?? migrationClass.name;
  const timestamp = Number.parseInt(name.slice(-13), 10);
  if (!Number.isFinite(timestamp)) {
    throw new LockstepError({
      code: 'LS_TYPEORM_MIGRATION_NAME',
      message: `The migration class ${name} in ${relative(root, path)} has no 13-digit timestamp at the end of its name, which TypeORM requires to order migrations.`,
      state: 'Unchanged: lockstep applied nothing.',
      recovery: [
        'Rename the class (and its `name` property) to end with the timestamp it was created at, as `typeorm migration:create` does.',
      ],
      exitCode: ExitCode.Usage,
    });
  }
  return {
    name,
    path,
    script: undefined,
    checksum: undefined,
    invalidUtf8At: undefined,
    createdAt: timestamp,
    migrationClass,
    transaction: instance.transaction,
  };
}

/**
 * The migration classes of one file the data source's `migrations` pattern matched. TypeORM runs
 * every class or function such a file exports as a migration, so the file must load and export
 * migration classes only, and at least one: anything else would make `typeorm migration:run` fail,
 * or (a file that does not load) leave a migration out of the deploy without a word.
 */
function migrationClassesOf(
  exported: unknown,
  file: string,
  pattern: string,
  root: string,
): Array<TypeormMigration['migrationClass']> {
  const values = exportedClasses(exported);
  const others = values.filter((value) => !isMigrationClass(value));
  if (others.length > 0) {
    const names = others.map((value) => (typeof value === 'function' && value.name ? value.name : 'an entity schema'));
    throw loadError(
      `The migration file ${relative(root, file)} (matched by "${pattern}") exports ${names.join(', ')}, which ${names.length === 1 ? 'is' : 'are'} not a migration class (a class with an up() method). TypeORM runs every class or function a migrations file exports as a migration, so typeorm migration:run would fail on ${names.length === 1 ? 'it' : 'them'} too.`,
      file,
      root,
    );
  }
  if (values.length === 0) {
    throw loadError(
      `The migration file ${relative(root, file)} (matched by "${pattern}") exports no migration class, so neither TypeORM nor lockstep would run anything from it. Export the class (\`export class Name1700000000000 implements MigrationInterface\`), or keep files that are not migrations out of the pattern.`,
      file,
      root,
    );
  }
  return values as Array<TypeormMigration['migrationClass']>;
}

/**
 * Expands the DataSource's `migrations` option as TypeORM does (classes, and glob strings resolved
 * against the project directory) and loads every file it matches. Every such file must load and
 * export migration classes (see migrationClassesOf), or nothing runs. Reports, per pattern, what
 * it matched.
 */
export async function loadTypeormMigrations(
  entries: unknown,
  options: { root: string; dataSourceFile: string; importer: Importer },
): Promise<{ migrations: TypeormMigration[]; globs: GlobReport[] }> {
  const { root, importer } = options;
  const migrations: TypeormMigration[] = [];
  const globs: GlobReport[] = [];
  for (const entry of mixedList(entries)) {
    if (isMigrationClass(entry)) {
      migrations.push(describe(entry, options.dataSourceFile, root));
      continue;
    }
    if (typeof entry !== 'string') continue;
    const files = await globFiles(entry, root);
    globs.push({ pattern: entry, matched: files });
    // The files load concurrently (each import waits on the file system, not on the others);
    // results and errors are taken in file order.
    const loaded = await Promise.allSettled(files.map((file) => importer(file)));
    for (const [i, file] of files.entries()) {
      const result = loaded[i]!;
      if (result.status === 'rejected') {
        throw loadError(
          `Could not load the migration file ${relative(root, file)} (matched by "${entry}"): ${loadErrorText(result.reason, file, root)}`,
          file,
          root,
        );
      }
      for (const migrationClass of migrationClassesOf(result.value, file, entry, root))
        migrations.push(describe(migrationClass, file, root));
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
        recovery: [
          'Make the "migrations" option match one set of files (e.g. `dist/migration/*.js` in production, `src/migration/*.ts` in development).',
        ],
        exitCode: ExitCode.Usage,
      });
    }
    seen.set(migration.name, migration);
  }
  return { migrations: [...seen.values()].sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0)), globs };
}

/**
 * What is wrong with the globs of the data source's `option` (migrations, entities, subscribers),
 * in words: patterns that matched nothing, or code of the other kind.
 */
export function globProblems(globs: GlobReport[], dataSourceFile: string, root: string, option = 'migrations'): string[] {
  const problems: string[] = [];
  const compiled = /\.(c|m)?js$/.test(dataSourceFile);
  for (const { pattern, matched } of globs) {
    if (matched.length === 0) {
      const dir = dirname(isAbsolute(pattern) ? pattern : resolve(root, pattern)).replace(/[*{].*$/, '');
      problems.push(
        `the ${option} pattern "${pattern}" matched no file${existsSync(dir) ? '' : ` (${relative(root, dir) || '.'} does not exist: was the project built?)`}`,
      );
      continue;
    }
    const ts = matched.filter((f) => /\.(c|m)?ts$/.test(f));
    if (compiled && ts.length > 0) {
      problems.push(
        `the data source ${relative(root, dataSourceFile)} is compiled JavaScript but its ${option} pattern "${pattern}" matches ${ts.length} TypeScript file${ts.length > 1 ? 's' : ''} (${relative(root, ts[0]!)}${ts.length > 1 ? ', …' : ''}), which plain node cannot load in production`,
      );
    }
  }
  return problems;
}
