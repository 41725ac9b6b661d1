import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deploy, LockstepError } from '../../src/index.js';
import { runCli, runCliInTerminal, withoutProgress } from '../support/cli.js';
import { copyExample, type TestProject } from '../support/project.js';
import { copyTypeormExample } from '../support/typeorm.js';

const embeddedDir = (project: TestProject) => join(project.dir, '.lockstep');

// Each test starts PGlite (seconds each) several times.
describe('the embedded database', { timeout: 180_000 }, () => {
  let project: TestProject;
  afterEach(() => project?.cleanup());

  it('is used unasked at an interactive terminal with no URL configured (the quick start), and says so in one line', async () => {
    project = copyExample('prisma-shop');
    const deployed = await runCliInTerminal(['deploy'], { timeoutMs: 150_000, cwd: project.dir, env: { CI: undefined } });
    expect(deployed.code, deployed.stdout).toBe(0);
    const notices = deployed.stdout.split('\n').filter((line) => line.includes('Using the embedded PostgreSQL'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('not a server (set DATABASE_URL or pass --url to deploy to one)');
    expect(deployed.stdout).toContain('Applied 7 migrations');
    expect(existsSync(join(embeddedDir(project), 'pglite'))).toBe(true);
    // Starting PGlite takes seconds: it is on the screen from its first moment, as a spinner line.
    expect(deployed.stdout).toMatch(/\r\u001b\[K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Starting the embedded PostgreSQL \(PGlite\) in \.lockstep\/pglite…/);
  });

  it('is used with --embedded anywhere, says so in one line, and status reports from it', async () => {
    project = copyExample('prisma-shop');
    const deployed = await runCli(['deploy', '--embedded'], { timeoutMs: 150_000, cwd: project.dir, env: { CI: 'true' } });
    expect(withoutProgress(deployed.stderr)).toBe('');
    // In CI, a plain line on stderr says what the first seconds are spent on.
    expect(deployed.rawStderr).toContain('lockstep: starting the embedded PostgreSQL (PGlite) in .lockstep/pglite…\n');
    expect(deployed.code).toBe(0);
    expect(deployed.stdout.split('\n').filter((line) => line.includes('embedded PostgreSQL'))).toHaveLength(1);
    expect(deployed.stdout).toContain('Applied 7 migrations');

    const status = await runCli(['status', '--json', '--embedded'], { timeoutMs: 150_000, cwd: project.dir });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ embedded: true, state: 'up-to-date', counts: { applied: 7 } });

    const again = await runCli(['deploy', '--embedded'], { timeoutMs: 150_000, cwd: project.dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Up to date: 7 migrations applied');
  });

  it('is never chosen unasked outside an interactive terminal: CI, NODE_ENV=production or no terminal need --embedded', async () => {
    project = copyExample('prisma-shop');
    const cases: Array<[Record<string, string | undefined>, string]> = [
      [{ CI: 'true' }, 'here CI is set'],
      [{ CI: undefined, NODE_ENV: 'production' }, 'here NODE_ENV is production'],
      [{ CI: undefined }, 'here standard input or standard error is not a terminal'],
    ];
    for (const [env, why] of cases) {
      const run = await runCli(['deploy'], { timeoutMs: 150_000, cwd: project.dir, env });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain('[LS_NO_DATABASE_URL]');
      expect(run.stderr).toContain(why);
      expect(run.stderr).toContain('Tried: --url (not given), DATABASE_URL (url in prisma/schema.prisma) (not set).');
      expect(run.stderr).toContain('pass --embedded');
      expect(existsSync(embeddedDir(project))).toBe(false);
    }
    // At a terminal too, with NODE_ENV=production.
    const production = await runCliInTerminal(['deploy'], {
      timeoutMs: 150_000,
      cwd: project.dir,
      env: { CI: undefined, NODE_ENV: 'production' },
    });
    expect(production.code).toBe(2);
    expect(production.stdout).toContain('here NODE_ENV is production');
    expect(existsSync(embeddedDir(project))).toBe(false);
  });

  it('an explicitly empty URL is a configuration error naming its source, and creates nothing, even at a terminal', async () => {
    project = copyExample('prisma-shop');
    const emptyEnv = await runCli(['deploy'], { timeoutMs: 150_000, cwd: project.dir, env: { DATABASE_URL: '', CI: 'true' } });
    expect(emptyEnv.code).toBe(2);
    expect(emptyEnv.stderr).toContain(
      '[LS_EMPTY_DATABASE_URL] The database URL from DATABASE_URL (url in prisma/schema.prisma, from the environment) is empty.',
    );
    const emptyFlag = await runCli(['status', '--url', ''], { timeoutMs: 150_000, cwd: project.dir });
    expect(emptyFlag.code).toBe(2);
    expect(emptyFlag.stderr).toContain('[LS_EMPTY_DATABASE_URL] --url was given an empty value.');
    const atTerminal = await runCliInTerminal(['deploy'], {
      timeoutMs: 150_000,
      cwd: project.dir,
      env: { DATABASE_URL: '', CI: undefined },
    });
    expect(atTerminal.code).toBe(2);
    expect(atTerminal.stdout).toContain('[LS_EMPTY_DATABASE_URL]');
    const lint = await runCli(['lint', '--url', ''], { timeoutMs: 150_000, cwd: project.dir });
    expect(lint.code).toBe(2);
    expect(lint.stderr).toContain('[LS_EMPTY_DATABASE_URL]');
    expect(existsSync(embeddedDir(project))).toBe(false);
  });

  it('a Drizzle config whose URL resolves to an empty string is a configuration error naming it', async () => {
    project = copyExample('drizzle-app');
    const run = await runCli(['deploy'], { timeoutMs: 150_000, cwd: project.dir, env: { DATABASE_URL: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[LS_EMPTY_DATABASE_URL] The database URL from dbCredentials in drizzle.config.ts is empty.');
    expect(existsSync(embeddedDir(project))).toBe(false);
  });

  it('a TypeORM data source with an empty url is a configuration error naming it, even with a DATABASE_URL or a host set', async () => {
    const typeorm = copyTypeormExample();
    try {
      const source = join(typeorm.dir, 'src', 'data-source.ts');
      const original = readFileSync(source, 'utf8');
      writeFileSync(source, original.replace('url: process.env.DATABASE_URL,', "url: '',"));
      const empty = await runCli(['deploy'], {
        timeoutMs: 150_000,
        cwd: typeorm.dir,
        env: { DATABASE_URL: undefined, CI: 'true' },
      });
      expect(empty.code, empty.stderr).toBe(2);
      expect(empty.stderr).toContain(
        '[LS_EMPTY_DATABASE_URL] The database URL from the data source in src/data-source.ts is empty.',
      );
      // DATABASE_URL does not stand in for it: the data source decides, and it says "empty".
      const withEnv = await runCli(['status'], {
        timeoutMs: 150_000,
        cwd: typeorm.dir,
        env: { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none', CI: 'true' },
      });
      expect(withEnv.code).toBe(2);
      expect(withEnv.stderr).toContain('[LS_EMPTY_DATABASE_URL]');
      writeFileSync(source, original.replace('url: process.env.DATABASE_URL,', "url: '', host: '127.0.0.1', database: 'none',"));
      const withHost = await runCli(['deploy'], {
        timeoutMs: 150_000,
        cwd: typeorm.dir,
        env: { DATABASE_URL: undefined, CI: 'true' },
      });
      expect(withHost.code).toBe(2);
      expect(withHost.stderr).toContain('[LS_EMPTY_DATABASE_URL]');
      await expect(deploy({ project: typeorm.dir })).rejects.toMatchObject({ code: 'LS_EMPTY_DATABASE_URL', exitCode: 2 });
      expect(existsSync(join(typeorm.dir, '.lockstep'))).toBe(false);
    } finally {
      typeorm.cleanup();
    }
  });

  it('the API uses it only when asked, and otherwise rejects listing the sources it tried', async () => {
    project = copyExample('prisma-shop');
    const saved = { DATABASE_URL: process.env.DATABASE_URL, CI: process.env.CI, NODE_ENV: process.env.NODE_ENV };
    delete process.env.DATABASE_URL;
    process.env.CI = 'true';
    process.env.NODE_ENV = 'production';
    try {
      const error = await deploy({ project: project.dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockstepError);
      expect(error).toMatchObject({ code: 'LS_NO_DATABASE_URL', exitCode: 2 });
      expect((error as LockstepError).message).toContain(
        "The API uses the project's embedded database only when asked (embedded: true). Tried: the url option (not given), DATABASE_URL (url in prisma/schema.prisma) (not set).",
      );
      expect((error as LockstepError).details.tried).toEqual([
        { source: 'the url option', state: 'not given' },
        { source: 'DATABASE_URL (url in prisma/schema.prisma)', state: 'not set' },
      ]);
      await expect(deploy({ project: project.dir, url: '' })).rejects.toMatchObject({
        code: 'LS_EMPTY_DATABASE_URL',
        exitCode: 2,
      });
      expect(existsSync(embeddedDir(project))).toBe(false);

      const result = await deploy({ project: project.dir, embedded: true });
      expect(result).toMatchObject({ embedded: true });
      expect(result.applied).toHaveLength(7);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('is refused with --no-embedded, even at a terminal', async () => {
    project = copyExample('prisma-shop');
    const refused = await runCliInTerminal(['deploy', '--no-embedded'], {
      timeoutMs: 150_000,
      cwd: project.dir,
      env: { CI: undefined },
    });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('[LS_NO_DATABASE_URL]');
    // Run from elsewhere, the command to run again names the project.
    const elsewhere = await runCli(['deploy', '--no-embedded', '--project', project.dir]);
    expect(elsewhere.stderr).toContain(`then run \`lockstep deploy --project ${project.dir}`);
    const forced = await runCli(['status', '--embedded'], {
      timeoutMs: 150_000,
      cwd: project.dir,
      env: { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' },
    });
    expect(forced.code).toBe(1); // pending: nothing applied yet
    expect(forced.stdout).toContain('embedded PostgreSQL');
  });
});
