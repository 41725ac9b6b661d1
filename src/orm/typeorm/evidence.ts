import { relative } from 'node:path';
import { hasDependency, readPackageJson } from '../../project/package-json.js';
import { findDataSourceFile } from './data-source-file.js';

/** Cheap evidence that `root` is a TypeORM project. */
export function typeormEvidence(root: string): string[] {
  const evidence: string[] = [];
  if (hasDependency(readPackageJson(root), 'typeorm')) evidence.push('package.json depends on typeorm');
  const found = findDataSourceFile(root, undefined);
  if (found && evidence.length > 0) evidence.push(relative(root, found.file));
  return evidence;
}
