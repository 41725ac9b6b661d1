import { afterEach } from 'vitest';
import { runCli } from './cli.js';
import { freshDatabase, type TestDatabase } from './database.js';
import { prismaProject, type TestProject } from './project.js';

export interface DeployTest {
  db: TestDatabase;
  project: TestProject;
  /** Runs the CLI in the project with DATABASE_URL set to the test's database. */
  cli: (...args: string[]) => ReturnType<typeof runCli>;
}

/**
 * What most deploy tests share: each test starts with a fresh database and a Prisma project with
 * the migrations it names, runs the CLI in the project against that database, and both are
 * removed after the test. Call it in a `describe` block.
 */
export function prismaDeploySuite(): { start: (migrations: Record<string, string>) => Promise<DeployTest> } {
  let current: DeployTest | undefined;
  afterEach(async () => {
    await current?.db.drop();
    current?.project.cleanup();
    current = undefined;
  });
  return {
    async start(migrations) {
      const db = await freshDatabase();
      const project = prismaProject(migrations);
      current = { db, project, cli: (...args) => runCli(args, { cwd: project.dir, env: { DATABASE_URL: db.url } }) };
      return current;
    },
  };
}
