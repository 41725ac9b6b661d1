import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { prismaProject, type TestProject } from '../support/project.js';

describe('a project for another database than PostgreSQL', () => {
  let project: TestProject;
  afterEach(() => project?.cleanup());

  it('detect says MySQL is not supported yet, shows the table Prisma uses there, offers no embedded PostgreSQL, and exits 2', async () => {
    project = prismaProject(
      { '20240101000000_init': 'CREATE TABLE `Order` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\n' },
      {
        schema: 'datasource db {\n  provider = "mysql"\n  url      = env("DATABASE_URL")\n}\n',
        lockToml: 'provider = "mysql"\n',
      },
    );
    const detect = await runCli(['detect'], { cwd: project.dir });
    expect(detect.code).toBe(2);
    expect(detect.stdout).toContain('history table:  _prisma_migrations\n');
    expect(detect.stdout).not.toContain('public._prisma_migrations');
    expect(detect.stdout).not.toContain('embedded');
    expect(detect.stdout).toContain('MySQL is not supported yet: lockstep works with PostgreSQL only for now');
    expect(detect.stdout).toContain(
      "database URL:   none configured (DATABASE_URL is not set in the environment or the project's .env; no --url)",
    );
    const json = JSON.parse((await runCli(['detect', '--json'], { cwd: project.dir })).stdout);
    expect(json.orms[0]).toMatchObject({ orm: 'prisma', dialect: 'mysql', supported: false, historyTable: '_prisma_migrations' });

    const deploy = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: 'mysql://root@127.0.0.1:3306/shop' } });
    expect(deploy.code).toBe(2);
    expect(deploy.stderr).toContain('[LS_PROVIDER_UNSUPPORTED]');
    expect(deploy.stderr).toContain('MySQL is not supported yet');
    expect(deploy.stderr).toContain("deploy this project with prisma's own tool (prisma migrate deploy)");
  });

  it('detect on a PostgreSQL project without a URL names the variables it looked for', async () => {
    project = prismaProject({ '20240101000000_init': 'CREATE TABLE "Order" ("id" INTEGER);\n' });
    const detect = await runCli(['detect'], { cwd: project.dir });
    expect(detect.code).toBe(0);
    expect(detect.stdout).toContain(
      "database URL:   none configured (DATABASE_URL is not set in the environment or the project's .env; no --url): commands use the embedded PostgreSQL in .lockstep/pglite with --embedded, or unasked at an interactive terminal",
    );
  });
});
