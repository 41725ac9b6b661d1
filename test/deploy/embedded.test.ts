import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyExample, type TestProject } from '../support/project.js';

describe('the embedded database (no URL configured)', () => {
  let project: TestProject;
  afterEach(() => project?.cleanup());

  it('deploys the example into .lockstep/ in the project, says so in one line, and reports status from it', async () => {
    project = copyExample('prisma-shop');
    const deployed = await runCli(['deploy'], { cwd: project.dir });
    expect(deployed.stderr).toBe('');
    expect(deployed.code).toBe(0);
    const notices = deployed.stdout.split('\n').filter((line) => line.includes('embedded PostgreSQL'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('no database URL is configured');
    expect(deployed.stdout).toContain('Applied 7 migrations');
    expect(existsSync(join(project.dir, '.lockstep', 'pglite'))).toBe(true);

    const status = await runCli(['status', '--json'], { cwd: project.dir });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ embedded: true, state: 'up-to-date', counts: { applied: 7 } });

    const again = await runCli(['deploy'], { cwd: project.dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Up to date: 7 migrations applied');
  });

  it('is used with --embedded even when a URL is configured, and refused with --no-embedded', async () => {
    project = copyExample('prisma-shop');
    const forced = await runCli(['status', '--embedded'], { cwd: project.dir, env: { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' } });
    expect(forced.code).toBe(1); // pending: nothing applied yet
    expect(forced.stdout).toContain('embedded PostgreSQL');
    const refused = await runCli(['deploy', '--no-embedded'], { cwd: project.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('[LS_NO_DATABASE_URL]');
    // Run from elsewhere, the command to run again names the project.
    const elsewhere = await runCli(['deploy', '--no-embedded', '--project', project.dir]);
    expect(elsewhere.stderr).toContain(`then run \`lockstep deploy --project ${project.dir}`);
  });
});
