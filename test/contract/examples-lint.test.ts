/**
 * The bundled examples at lockstep's own lint defaults: each README's "What `lockstep lint` reports"
 * section says what lint finds there and why; this test holds the examples to it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { REPO_ROOT } from '../support/project.js';

interface Finding {
  rule: string;
  file: string;
  severity: string;
}

/** The (migration, rule) rows of the README's table, in order; none when the section says "Nothing". */
function documentedFindings(example: string): Array<[string, string]> {
  const readme = readFileSync(join(REPO_ROOT, 'examples', example, 'README.md'), 'utf8');
  const start = readme.indexOf('## What `lockstep lint` reports');
  expect(start, `examples/${example}/README.md has no "What \`lockstep lint\` reports" section`).toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1) === -1 ? undefined : readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/^\| `([^`]+)` \| `([^`]+)` \|/gm)].map((m) => [m[1]!, m[2]!]);
}

async function lintExample(example: string, url?: string) {
  const run = await runCli(['lint', '--project', join('examples', example), '--json', ...(url ? ['--url', url] : [])], {
    cwd: REPO_ROOT,
    env: { CI: 'true' },
    timeoutMs: 120_000,
  });
  const report = JSON.parse(run.stdout) as { findings: Finding[]; files: unknown[]; notes: string[] };
  return { code: run.code, report };
}

describe('the bundled examples at lint defaults', { timeout: 180_000 }, () => {
  let db: TestDatabase | undefined;
  afterAll(async () => db?.drop());

  for (const example of ['prisma-shop', 'drizzle-app', 'typeorm-app']) {
    it(`${example}: lint reports exactly what its README says, with the documented exit code`, async () => {
      const documented = documentedFindings(example);
      const { code, report } = await lintExample(example);
      const found = report.findings.map((f) => [f.file.split('/').at(-2) ?? f.file, f.rule]);
      if (example === 'drizzle-app') expect(found.length).toBe(0);
      else expect(found).toEqual(documented);
      expect(code).toBe(report.findings.some((f) => f.severity === 'error') ? 1 : 0);
      expect(code).toBe(documented.length > 0 ? 1 : 0);
      if (example === 'typeorm-app') {
        expect(report.files).toHaveLength(0);
        expect(report.notes.join('\n')).toContain('4 TypeORM migrations are classes, not SQL, and were not linted');
      }
    });
  }

  it('prisma-shop: on a new database every finding is graded away, as its README says, and deploy applies all seven', async () => {
    db = await freshDatabase();
    const { code, report } = await lintExample('prisma-shop', db.url);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    const deployed = await runCli(['deploy', '--project', join('examples', 'prisma-shop')], {
      cwd: REPO_ROOT,
      env: { DATABASE_URL: db.url },
      timeoutMs: 150_000,
    });
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stdout).toContain('Applied 7 migrations');
  });
});
