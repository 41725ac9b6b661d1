import { relative } from 'node:path';
import { hasDependency, readPackageJson } from '../../project/package-json.js';
import { findDrizzleConfig } from './config-file.js';

/** Cheap evidence that `root` is a Drizzle project, without evaluating any config. */
export function drizzleEvidence(root: string): string[] {
  const evidence: string[] = [];
  const pkg = readPackageJson(root);
  if (hasDependency(pkg, 'drizzle-kit')) evidence.push('package.json depends on drizzle-kit');
  else if (hasDependency(pkg, 'drizzle-orm')) evidence.push('package.json depends on drizzle-orm');
  const config = findDrizzleConfig(root);
  if (config) evidence.push(relative(root, config));
  return evidence;
}
