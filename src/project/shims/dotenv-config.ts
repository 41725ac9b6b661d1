/**
 * Stands in for `dotenv/config` while lockstep evaluates a prisma.config.ts: lockstep has already
 * made the project's .env values visible (without overriding the environment), which is all that
 * import does.
 */
export {};
