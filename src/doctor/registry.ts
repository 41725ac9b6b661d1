/** Every doctor check, in the order reports and docs/doctor.md list them. */
import { drizzleDialectMismatch } from './checks/drizzle-dialect-mismatch.js';
import { drizzleKitPushInProduction } from './checks/drizzle-kit-push-in-production.js';
import { drizzleMigrationsFolderMissing } from './checks/drizzle-migrations-folder-missing.js';
import { drizzleMigrationsTableMismatch } from './checks/drizzle-migrations-table-mismatch.js';
import { drizzleUnawaitedMigrate } from './checks/drizzle-unawaited-migrate.js';
import { migrateFailureIgnored } from './checks/migrate-failure-ignored.js';
import { migrateInBuildStep } from './checks/migrate-in-build-step.js';
import { migrateWithoutLock } from './checks/migrate-without-lock.js';
import { migrationsNotShipped } from './checks/migrations-not-shipped.js';
import { prismaClientNotGenerated } from './checks/prisma-client-not-generated.js';
import { prismaDbPushInProduction } from './checks/prisma-db-push-in-production.js';
import { prismaGenerateBeforeMigrate } from './checks/prisma-generate-before-migrate.js';
import { prismaMigrateDevInProduction } from './checks/prisma-migrate-dev-in-production.js';
import { prismaMigrateResetInProduction } from './checks/prisma-migrate-reset-in-production.js';
import { prismaNoConnectionLimit } from './checks/prisma-no-connection-limit.js';
import { prismaPooledUrlWithoutDirectUrl } from './checks/prisma-pooled-url-without-direct-url.js';
import { prismaPushOnlyHistory } from './checks/prisma-push-only-history.js';
import { serverlessMigrationsNotPackaged } from './checks/serverless-migrations-not-packaged.js';
import { startBeforeMigrate } from './checks/start-before-migrate.js';
import { typeormDropSchema } from './checks/typeorm-drop-schema.js';
import { typeormEntityImportCycle } from './checks/typeorm-entity-import-cycle.js';
import { typeormMigrationsGlob } from './checks/typeorm-migrations-glob.js';
import { typeormMigrationsRunWithReplicas } from './checks/typeorm-migrations-run-with-replicas.js';
import { typeormSynchronize } from './checks/typeorm-synchronize.js';
import type { DoctorCheck } from './types.js';

const CHECKS: readonly DoctorCheck[] = [
  prismaDbPushInProduction,
  prismaMigrateDevInProduction,
  prismaMigrateResetInProduction,
  prismaPushOnlyHistory,
  prismaGenerateBeforeMigrate,
  prismaClientNotGenerated,
  prismaPooledUrlWithoutDirectUrl,
  prismaNoConnectionLimit,
  drizzleUnawaitedMigrate,
  drizzleKitPushInProduction,
  drizzleDialectMismatch,
  drizzleMigrationsFolderMissing,
  drizzleMigrationsTableMismatch,
  typeormSynchronize,
  typeormDropSchema,
  typeormMigrationsGlob,
  typeormMigrationsRunWithReplicas,
  typeormEntityImportCycle,
  migrationsNotShipped,
  serverlessMigrationsNotPackaged,
  startBeforeMigrate,
  migrateFailureIgnored,
  migrateInBuildStep,
  migrateWithoutLock,
];

const BY_ID = new Map(CHECKS.map((check) => [check.meta.id, check]));

export function allChecks(): readonly DoctorCheck[] {
  return CHECKS;
}

export function findCheck(id: string): DoctorCheck | undefined {
  return BY_ID.get(id);
}
