import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  prisma?: { schema?: string };
  lockstep?: Record<string, unknown>;
  [key: string]: unknown;
}

export function readPackageJson(root: string): PackageJson | undefined {
  const file = join(root, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

export function hasDependency(pkg: PackageJson | undefined, name: string): boolean {
  return Boolean(pkg?.dependencies?.[name] ?? pkg?.devDependencies?.[name]);
}
