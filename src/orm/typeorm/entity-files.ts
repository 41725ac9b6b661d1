import { relative } from 'node:path';
import { ExitCode, LockstepError } from '../../errors.js';
import { loadErrorText } from '../../project/load-error.js';
import { exportedClasses, globFiles, mixedList } from './class-files.js';
import type { GlobReport } from './migration-files.js';

type Importer = (file: string) => Promise<unknown>;

export interface LoadedClasses {
  /** The option's entries with each glob replaced by the classes (and entity schemas) its files export. */
  entries: unknown[];
  globs: GlobReport[];
}

/**
 * Loads the data source's `entities` or `subscribers` as the typeorm CLI does with its TypeScript
 * loader: every file a glob matches is loaded (by lockstep's loader, the one that loads the
 * migrations, in the project's folder) and the classes it exports take the glob's place. TypeORM
 * left to itself would load the globs with Node's own require or import when the data source is
 * initialised: a TypeScript entity would fail to load, a relative glob would be read against
 * lockstep's working directory, and an ES module project would get second copies of the classes
 * the migrations import, so that `queryRunner.manager.save(Entity, …)` in a data migration fails
 * with "No metadata for Entity was found".
 */
export async function loadClassFiles(
  option: 'entities' | 'subscribers',
  value: unknown,
  options: { root: string; importer: Importer },
): Promise<LoadedClasses> {
  const { root, importer } = options;
  const entries: unknown[] = [];
  const globs: GlobReport[] = [];
  for (const entry of mixedList(value)) {
    if (typeof entry !== 'string') {
      entries.push(entry);
      continue;
    }
    const files = await globFiles(entry, root);
    globs.push({ pattern: entry, matched: files });
    const loaded = await Promise.allSettled(files.map((file) => importer(file)));
    for (const [i, file] of files.entries()) {
      const result = loaded[i]!;
      if (result.status === 'rejected') {
        throw new LockstepError({
          code: 'LS_TYPEORM_ENTITY_LOAD',
          message: `Could not load ${relative(root, file)} (matched by "${entry}" in the data source's ${option}): ${loadErrorText(result.reason, file, root)}`,
          state: 'Unchanged: lockstep applied nothing.',
          recovery: [
            `Fix ${relative(root, file)}, or change the "${option}" option of the data source so that it matches only the files it should.`,
          ],
          exitCode: ExitCode.Usage,
        });
      }
      entries.push(...exportedClasses(result.value));
    }
  }
  return { entries, globs };
}
