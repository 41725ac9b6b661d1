import { parseDatabaseUrl, poolerSuspicion } from '../../db/url.js';
import type { DoctorCheck } from '../types.js';

export const prismaPooledUrlWithoutDirectUrl: DoctorCheck = {
  meta: {
    id: 'prisma-pooled-url-without-direct-url',
    scope: 'prisma',
    severity: 'warning',
    title: 'A pooled database URL and no direct URL for migrations',
    why: 'Migrations then run through a transaction-mode pooler (PgBouncer, Supavisor), which breaks the advisory lock, session settings and prepared statements they rely on.',
    fix: 'Add `directUrl = env("DIRECT_URL")` to the datasource (or `directUrl` in prisma.config.ts) and set DIRECT_URL to the database\'s own host and port.',
    fixable: false,
    doc: {
      what: "The Prisma datasource URL (a literal, or the environment variable it names as written in .env files, a Dockerfile `ENV`, compose `environment` or a CI job's `env`) looks like a connection pooler: `pgbouncer=true`, port 6432 (PgBouncer) or 6543 (Supabase's transaction pooler), or a pooler host name; and neither the schema nor prisma.config.ts configures a `directUrl`. Values are never printed.",
      why: 'In transaction mode a pooler hands each transaction to whichever server connection is free. The migration engine\'s advisory lock and `SET` commands apply to one server session and are lost, prepared statements collide ("prepared statement \\"s0\\" already exists"), and a long migration holds a pooled connection the app needs. Prisma Migrate does not support PgBouncer in transaction mode; lockstep prefers `directUrl` for the same reason.',
      fix: 'Keep the pooled URL for the app and give migrations a direct connection: `directUrl = env("DIRECT_URL")` in the datasource (Prisma 5–6) or `datasource.directUrl` in prisma.config.ts, with DIRECT_URL pointing at the database server (port 5432, no pgbouncer parameter).',
      example: {
        file: 'prisma/schema.prisma',
        bad: 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL") // postgresql://app@pgbouncer:6432/app?pgbouncer=true\n}',
        good: 'datasource db {\n  provider  = "postgresql"\n  url       = env("DATABASE_URL")\n  directUrl = env("DIRECT_URL")\n}',
      },
    },
  },
  run(scan, report) {
    for (const { prisma } of scan.orms) {
      if (!prisma?.datasourceFile || prisma.directUrl) continue;
      const schema = scan.files.read(prisma.datasourceFile);
      const candidates: Array<{ value: string; file: typeof schema; offset: number; where: string }> = [];
      if (prisma.urlLiteral && schema) {
        const offset = Math.max(0, schema.text.search(/^\s*url\s*=/m));
        candidates.push({
          value: prisma.urlLiteral,
          file: schema,
          offset,
          where: `the datasource url in ${prisma.datasourceFile}`,
        });
      }
      if (prisma.urlEnv) {
        for (const v of scan.envValues)
          if (v.name === prisma.urlEnv)
            candidates.push({
              value: v.value,
              file: v.file,
              offset: v.offset,
              where: `${v.name} in ${v.file.path}:${v.file.position(v.offset).line}`,
            });
      }
      for (const candidate of candidates) {
        let suspicion: ReturnType<typeof poolerSuspicion>;
        try {
          suspicion = poolerSuspicion(parseDatabaseUrl(candidate.value));
        } catch {
          continue;
        }
        if (!suspicion || !candidate.file) continue;
        report({
          file: candidate.file,
          offset: candidate.offset,
          message: `${candidate.where} goes through a connection pooler (${suspicion.reason}), and ${prisma.datasourceFile}${prisma.configFile ? ` and ${prisma.configFile} configure` : ' configures'} no directUrl: migrations would run through the pooler.`,
        });
      }
    }
  },
};
