/**
 * Stands in for `drizzle-kit` while lockstep evaluates a drizzle.config.ts, so that the config
 * loads even where drizzle-kit is not installed (a production image).
 */
export function defineConfig<T>(config: T): T {
  return config;
}

export default { defineConfig };
