import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/project.js';

interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-gitlab-'));
  writeFileSync(join(dir, 'warn.sql'), 'ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;\n');
  writeFileSync(
    join(dir, 'err.sql'),
    'CREATE TABLE t (id int);\nALTER TABLE "orders" DROP COLUMN "note";\nALTER TABLE "orders" DROP COLUMN "note";\n',
  );
  writeFileSync(join(dir, 'ok.sql'), 'CREATE TABLE t (id int);\n');
  writeFileSync(
    join(dir, 'suppressed.sql'),
    '-- lockstep-ignore ban-drop-column: the column was unused since 1.2\nALTER TABLE "orders" DROP COLUMN "note";\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectIssueShape(issue: CodeQualityIssue): void {
  expect(Object.keys(issue).sort()).toEqual(['check_name', 'description', 'fingerprint', 'location', 'severity']);
  expect(issue.check_name).toMatch(/^lockstep\/[a-z0-9-]+$/);
  expect(issue.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(issue.severity);
  expect(typeof issue.location.path).toBe('string');
  expect(Number.isInteger(issue.location.lines.begin) && issue.location.lines.begin >= 1).toBe(true);
  expect(issue.description.length).toBeGreaterThan(10);
}

describe('lint --format gitlab', () => {
  it("writes GitLab's code quality report: the Code Climate subset GitLab reads", async () => {
    const result = await runCli(['lint', '--format', 'gitlab', 'err.sql', 'warn.sql'], { cwd: dir });
    expect(result.code).toBe(1);
    const issues = JSON.parse(result.stdout) as CodeQualityIssue[];
    for (const issue of issues) expectIssueShape(issue);
    const drops = issues.filter((i) => i.check_name === 'lockstep/ban-drop-column');
    expect(drops.map((i) => [i.severity, i.location.path, i.location.lines.begin])).toEqual([
      ['critical', 'err.sql', 2],
      ['critical', 'err.sql', 3],
    ]);
    expect(issues.find((i) => i.check_name === 'lockstep/ban-drop-not-null')).toMatchObject({
      severity: 'major',
      location: { path: 'warn.sql', lines: { begin: 1 } },
    });
    // Equal findings in one file still get distinct fingerprints.
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
  });

  it('keeps a fingerprint when lines are added above the finding', async () => {
    const before = JSON.parse(
      (await runCli(['lint', '--format', 'gitlab', 'warn.sql'], { cwd: dir })).stdout,
    ) as CodeQualityIssue[];
    writeFileSync(join(dir, 'warn.sql'), '-- a comment\n\nALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;\n');
    const after = JSON.parse(
      (await runCli(['lint', '--format', 'gitlab', 'warn.sql'], { cwd: dir })).stdout,
    ) as CodeQualityIssue[];
    expect(after[0]!.location.lines.begin).toBe(3);
    expect(after[0]!.fingerprint).toBe(before[0]!.fingerprint);
  });

  it('is an empty array for a clean file, and leaves suppressed findings out', async () => {
    const clean = await runCli(['lint', '--format', 'gitlab', 'ok.sql', 'suppressed.sql'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toEqual([]);
  });
});

describe('lint --fail-on', () => {
  it('fails on warnings only when asked', async () => {
    expect((await runCli(['lint', 'warn.sql'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['lint', '--fail-on', 'warning', 'warn.sql'], { cwd: dir })).code).toBe(1);
    expect((await runCli(['lint', '--fail-on', 'info', 'warn.sql'], { cwd: dir })).code).toBe(1);
    expect((await runCli(['lint', '--fail-on', 'warning', 'ok.sql', 'suppressed.sql'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['lint', '--fail-on', 'error', 'err.sql'], { cwd: dir })).code).toBe(1);
    const bad = await runCli(['lint', '--fail-on', 'fatal', 'ok.sql'], { cwd: dir });
    expect(bad.code).toBe(2);
  });
});

describe('doctor --format gitlab', () => {
  it('reports the findings of a project in the same format', async () => {
    const project = join(REPO_ROOT, 'test', 'doctor', 'fixtures', 'drizzle-kit-push-in-production', 'bad');
    const result = await runCli(['doctor', '--format', 'gitlab', '--project', project], { cwd: project });
    const issues = JSON.parse(result.stdout) as CodeQualityIssue[];
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expectIssueShape(issue);
    expect(issues.some((i) => i.check_name === 'lockstep/drizzle-kit-push-in-production')).toBe(true);
    expect(result.code).toBe(issues.some((i) => i.severity === 'critical') ? 1 : 0);
    const failOnInfo = await runCli(['doctor', '--fail-on', 'info', '--project', project], { cwd: project });
    expect(failOnInfo.code).toBe(1);
  });
});

describe('templates/gitlab/lockstep.gitlab-ci.yml', () => {
  const template = parse(readFileSync(join(REPO_ROOT, 'templates', 'gitlab', 'lockstep.gitlab-ci.yml'), 'utf8')) as Record<
    string,
    { script?: string[]; artifacts?: { when?: string; reports?: { codequality?: string } }; extends?: string }
  >;

  it('saves the lint and doctor reports as code quality artifacts, also when the job fails', () => {
    for (const job of ['lockstep-lint', 'lockstep-doctor']) {
      const { script, artifacts } = template[job]!;
      const report = artifacts?.reports?.codequality;
      expect(report, job).toMatch(/\.json$/);
      expect(artifacts?.when).toBe('always');
      expect(script!.some((line) => line.includes('--format gitlab') && line.includes(`> ${report}`))).toBe(true);
    }
  });

  it('uses only commands and flags the CLI has', async () => {
    const lines = Object.values(template).flatMap((job) =>
      typeof job === 'object' && job && Array.isArray(job.script) ? job.script : [],
    );
    const calls = lines.flatMap((line) =>
      [...line.matchAll(/\$LOCKSTEP ([a-z-]+)([^|>&]*)/g)].map((m) => ({
        command: m[1]!,
        flags: [...m[2]!.matchAll(/(?<![\w-])(--[a-z][a-z-]*)/g)].map((f) => f[1]!),
      })),
    );
    expect(new Set(calls.map((c) => c.command))).toEqual(new Set(['lint', 'doctor', 'drift', 'deploy']));
    for (const { command, flags } of calls) {
      const help = await runCli([command, '--help']);
      for (const flag of flags) expect(help.stdout, `${command} ${flag}`).toMatch(new RegExp(`(^|[\\s,])${flag}(?![\\w-])`, 'm'));
      if (flags.includes('--format')) expect(help.stdout).toContain('"gitlab"');
    }
  });
});
