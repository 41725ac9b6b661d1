/**
 * Stands in for the `prisma/config` module while lockstep evaluates a project's prisma.config.ts,
 * so that the config loads even where the prisma package is not installed and so that a missing
 * environment variable is reported by name instead of throwing.
 */
export const MISSING_ENV_PREFIX = 'lockstep-missing-env:';

export function defineConfig<T>(config: T): T {
  return config;
}

export function env(name: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? `${MISSING_ENV_PREFIX}${name}` : value;
}

export default { defineConfig, env };
