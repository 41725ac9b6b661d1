import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { REPO_ROOT } from '../support/project.js';

/**
 * `deploy --project packages/db` from a repository's root runs the project's config as the ORM's
 * CLI runs it from packages/db: relative paths, process.cwd() and dotenv's paths resolve there, and
 * the project's tsconfig `paths` resolve its imports.
 */

interface Repo {
  root: string;
  write(path: string, content: string): void;
}

/** A repository with one ORM project, a copy of `example`, in packages/db; node_modules hoisted to the root. */
function repoWith(example: string): Repo {
  const root = mkdtempSync(join(tmpdir(), 'lockstep-repo-'));
  cpSync(join(REPO_ROOT, 'examples', example), join(root, 'packages', 'db'), {
    recursive: true,
    filter: (src) => !src.includes('node_modules') && !src.includes('.lockstep'),
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'repo', private: true, workspaces: ['packages/*'] }));
  return {
    root,
    write(path, content) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    },
  };
}

describe('deploy --project: the ORM config runs in the project folder', () => {
  let db: TestDatabase;
  let repo: Repo | undefined;
  afterEach(async () => {
    await db?.drop();
    if (repo) rmSync(repo.root, { recursive: true, force: true });
    repo = undefined;
  });

  it('a drizzle.config.ts that loads ../../.env with dotenv and names its folder with process.cwd()', async () => {
    db = await freshDatabase();
    repo = repoWith('drizzle-app');
    repo.write('.env', `APP_DATABASE_URL=${db.url}\n`);
    repo.write(
      'packages/db/drizzle.config.ts',
      `import { join } from 'node:path';
import { config } from 'dotenv';
import { defineConfig } from 'drizzle-kit';

config({ path: '../../.env', quiet: true });

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: join(process.cwd(), 'drizzle'),
  dbCredentials: { url: process.env.APP_DATABASE_URL! },
});
`,
    );
    const result = await runCli(['deploy', '--project', 'packages/db'], { cwd: repo.root });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Applied 5 migrations');
    expect(await db.query('SELECT hash FROM drizzle.__drizzle_migrations')).toHaveLength(5);
  });

  it("a prisma.config.ts that imports through the tsconfig's paths (extends included) and resolves .env from process.cwd()", async () => {
    db = await freshDatabase();
    repo = repoWith('prisma-shop');
    repo.write('.env', `SHOP_DATABASE_URL=${db.url}\n`);
    // The repository's base tsconfig maps @config/*; the package's tsconfig extends it.
    repo.write('tsconfig.base.json', JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@config/*': ['config/*'] } } }));
    repo.write(
      'packages/db/tsconfig.json',
      JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { strict: true } }),
    );
    repo.write(
      'config/database.ts',
      `import { resolve } from 'node:path';
import { config } from 'dotenv';

export function databaseUrl(): string {
  config({ path: resolve(process.cwd(), '../../.env'), quiet: true });
  return process.env.SHOP_DATABASE_URL ?? '';
}
`,
    );
    repo.write(
      'packages/db/prisma.config.ts',
      `import { defineConfig } from 'prisma/config';
import { databaseUrl } from '@config/database';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  datasource: { url: databaseUrl() },
});
`,
    );
    const result = await runCli(['deploy', '--project', 'packages/db'], { cwd: repo.root });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Applied 7 migrations');
    expect(await db.query('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL')).toHaveLength(7);
  });

  it('the API runs the config in the project folder and gives the working directory back, also when the config throws', async () => {
    db = await freshDatabase();
    repo = repoWith('drizzle-app');
    const project = join(repo.root, 'packages', 'db');
    repo.write(
      'packages/db/drizzle.config.ts',
      `import { basename } from 'node:path';
import { defineConfig } from 'drizzle-kit';

if (basename(process.cwd()) !== 'db') throw new Error('run from ' + process.cwd());

export default defineConfig({ dialect: 'postgresql', schema: './src/db/schema.ts', out: './drizzle' });
`,
    );
    const { deploy, LockstepError } = await import('../../dist/index.js');
    const before = process.cwd();
    const result = await deploy({ project, url: db.url });
    expect(result.applied).toHaveLength(5);
    expect(process.cwd()).toBe(before);

    repo.write('packages/db/drizzle.config.ts', `throw new Error('the config is broken');\n`);
    const failed = await deploy({ project, url: db.url }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(LockstepError);
    expect((failed as InstanceType<typeof LockstepError>).message).toContain('the config is broken');
    expect(process.cwd()).toBe(before);
  });
});
