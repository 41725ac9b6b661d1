import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { usageError } from '../errors.js';

/**
 * The file `--config` names, resolved against the project directory. A path that does not exist
 * is a usage error that says where it was looked for.
 */
export function explicitConfigFile(root: string, config: string): string {
  const file = resolve(root, config);
  if (!existsSync(file)) {
    throw usageError('LS_CONFIG_NOT_FOUND', `--config names ${relative(process.cwd(), file) || file}, which does not exist.`, [
      "Pass --config with the path of the ORM's configuration file, relative to the project directory (--project) or absolute.",
    ]);
  }
  return file;
}
