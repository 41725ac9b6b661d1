import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { copyExample, REPO_ROOT, type TestProject } from '../support/project.js';

export type ExampleName = 'prisma-shop' | 'drizzle-app' | 'typeorm-app';

/** A copy of an example deployed with `lockstep deploy` to a database of its own. */
export interface DeployedExample {
  db: TestDatabase;
  project: TestProject;
  cli(...args: string[]): Promise<CliResult>;
  /** `lockstep drift --json`, parsed. */
  driftJson(...args: string[]): Promise<{ code: number | null; result: DriftJson; stderr: string }>;
  cleanup(): Promise<void>;
}

export interface DriftJson {
  inSync: boolean;
  differences: Array<{
    object: string;
    change: string;
    name: string;
    table: string | undefined;
    message: string;
    sql: Array<{ sql: string; destructive: boolean }>;
  }>;
  sql: Array<{ sql: string; destructive: boolean; outsideTransaction: boolean }>;
  sqlScript: string;
  schemaFile:
    | {
        file: string;
        against: string;
        skipped: string | undefined;
        differences: Array<{ side: 'schema' | 'migrations' | 'both'; message: string; sql: string | undefined }>;
      }
    | undefined;
  replay:
    | { into: string; migrations: string[]; pending: string[]; partial: Array<{ migration: string; statements: number }> }
    | undefined;
  ignored: string[];
  notes: string[];
}

/** The example copied to a temporary directory (TypeORM's with the repository's node_modules: its migrations and entities load at run time). */
export function exampleCopy(name: ExampleName): TestProject {
  const project = copyExample(name);
  if (name === 'typeorm-app') symlinkSync(join(REPO_ROOT, 'node_modules'), join(project.dir, 'node_modules'), 'dir');
  return project;
}

export async function deployedExample(name: ExampleName, options: { deploy?: boolean } = {}): Promise<DeployedExample> {
  const db = await freshDatabase();
  const project = exampleCopy(name);
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: { DATABASE_URL: db.url } });
  const example: DeployedExample = {
    db,
    project,
    cli,
    async driftJson(...args: string[]) {
      const run = await cli('drift', '--json', ...args);
      expect(run.stdout, run.stderr).toMatch(/^\{/);
      return { code: run.code, result: JSON.parse(run.stdout) as DriftJson, stderr: run.stderr };
    },
    async cleanup() {
      await db.drop();
      project.cleanup();
    },
  };
  if (options.deploy !== false) {
    const deployed = await cli('deploy');
    expect(deployed.code, deployed.stderr).toBe(0);
  }
  return example;
}

/** The messages of a drift result, in report order. */
export const messages = (result: DriftJson) => result.differences.map((d) => d.message);
