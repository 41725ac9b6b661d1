const NAMES: Record<string, string> = {
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  sqlite: 'SQLite',
  'better-sqlite': 'SQLite',
  turso: 'SQLite (libSQL/Turso)',
  sqlserver: 'SQL Server',
  mssql: 'SQL Server',
  mongodb: 'MongoDB',
  cockroachdb: 'CockroachDB',
  singlestore: 'SingleStore',
  gel: 'Gel',
  oracle: 'Oracle',
};

const PLANNED = new Set(['mysql', 'mariadb', 'sqlite', 'better-sqlite', 'turso']);

/**
 * A project whose ORM targets another database than PostgreSQL, said plainly: what the
 * configuration says (the ORM's own words for it), that this database is not supported yet, and
 * whether it is on the way.
 */
export function notSupportedYet(problem: string, dialect: string | undefined): string {
  const key = (dialect ?? '').toLowerCase();
  const name = NAMES[key] ?? dialect ?? 'This database';
  return `${problem} ${name} is not supported yet: lockstep works with PostgreSQL only for now${PLANNED.has(key) ? ' (MySQL/MariaDB and SQLite support is planned)' : ''}.`;
}

/** What to do meanwhile, per ORM: its own deploy command. */
export const OWN_DEPLOY_COMMAND: Record<string, string> = {
  prisma: 'prisma migrate deploy',
  drizzle: 'drizzle-kit migrate',
  typeorm: 'typeorm migration:run',
};
