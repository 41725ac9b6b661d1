import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LockstepError } from '../../src/errors.js';
import { lint } from '../../src/lint/lint.js';
import { copyExample, type TestProject } from '../support/project.js';
import { copyTypeormExample } from '../support/typeorm.js';

describe('lockstep lint: which files of a project it reads', () => {
  let project: Pick<TestProject, 'dir' | 'cleanup'> | undefined;
  afterEach(() => {
    project?.cleanup();
    project = undefined;
  });
  const clean = { DATABASE_URL: undefined };

  it('a TypeORM migrations pattern that matches no file is refused, not passed as nothing to lint', async () => {
    project = copyTypeormExample();
    const file = join(project.dir, 'src', 'data-source.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('`${__dirname}/migration/*.{ts,js}`', '`${__dirname}/migrations/*.js`'),
    );
    // TypeORM's data source needs a server; the refusal comes before lockstep connects to it.
    const error = (await withEnv({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres' }, () =>
      lint({ project: project!.dir }),
    ).catch((e: unknown) => e)) as LockstepError;
    expect(error.code).toBe('LS_NO_MIGRATIONS');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('src/data-source.ts');
    expect(error.message).toContain('match no file');
  });

  it('a SQL file in a Drizzle folder that the journal does not list is an error-level finding', async () => {
    project = copyExample('drizzle-app');
    writeFileSync(
      join(project.dir, 'drizzle', '0005_backfill_by_hand.sql'),
      'UPDATE "users" SET "name" = \'\' WHERE "name" IS NULL;\n',
    );
    const report = await withEnv(clean, () => lint({ project: project!.dir }));
    const unlisted = report.findings.filter((f) => f.rule === 'unlisted-migration');
    expect(unlisted.map((f) => [f.file.replace(/^.*\/(drizzle\/)/, '$1'), f.line, f.severity])).toEqual([
      ['drizzle/0005_backfill_by_hand.sql', 1, 'error'],
    ]);
    expect(unlisted[0]!.message).toContain('is not listed in');
    expect(report.failed).toBe(true);
    // The files the journal lists are linted as before, and none of them is reported as unlisted.
    expect(report.files.length).toBeGreaterThan(0);
    expect(report.files.some((f) => f.path.includes('0005_backfill_by_hand'))).toBe(false);
  });
});

async function withEnv<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}
