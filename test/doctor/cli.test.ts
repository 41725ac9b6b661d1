import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allChecks } from '../../src/doctor/registry.js';
import { runCli, type CliResult } from '../support/cli.js';
import { fixture, type TempProject } from './helpers.js';

const doctor = (dir: string, args: string[] = []) => runCli(['doctor', ...args], { cwd: dir });
/** Text output with its line wrapping undone. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

function expectCleanFailure(result: CliResult, code: number, id: string) {
  expect(result.code).toBe(code);
  expect(result.stderr).toContain(`[${id}]`);
  expect(result.stderr).toContain('Next:');
  expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

describe('lockstep doctor (CLI)', () => {
  let p: TempProject | undefined;
  afterEach(() => p?.cleanup());

  it('text: grouped by file with file:line:column, the line and a caret, why and fix; exit 1 on errors', async () => {
    p = fixture('prisma-db-push-in-production', 'bad');
    const result = await doctor(p.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('package.json\n  9:17  error  prisma-db-push-in-production');
    expect(result.stdout).toContain(
      '    9 |     "db:sync": "dotenv -e .env.production -- prisma db push --accept-data-loss",\n      |                 ^',
    );
    expect(result.stdout).toMatch(/ {4}why {2}`db push` makes the database match/);
    expect(result.stdout).toMatch(/ {4}fix {2}Generate migrations with `prisma migrate dev`/);
    expect(result.stdout).toContain('✖ 2 errors, 0 warnings, 0 infos in 2 files (prisma in .;');
    expect(result.stderr).toBe('');
  });

  it('exit 0 with warnings only, and on a clean project', async () => {
    p = fixture('prisma-client-not-generated', 'bad');
    const warned = await doctor(p.dir);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('warning  prisma-client-not-generated');
    p.cleanup();
    p = fixture('prisma-client-not-generated', 'good');
    const clean = await doctor(p.dir);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^✔ 0 errors, 0 warnings, 0 infos \(prisma in \.;/);
  });

  it('--json: the whole report', async () => {
    p = fixture('start-before-migrate', 'bad');
    const result = await doctor(p.dir, ['--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      version: 1,
      tool: { name: 'lockstep' },
      project: '.',
      failed: true,
      summary: { errors: 2, warnings: 0 },
      orms: [{ orm: 'prisma', dir: '.' }],
    });
    expect(report.findings[1]).toMatchObject({
      check: 'start-before-migrate',
      severity: 'error',
      file: 'package.json',
      line: 8,
      column: 15,
      fixable: false,
    });
    expect(report.findings[1].related[0]).toMatchObject({ file: 'package.json', line: 9, message: 'the migration' });
    expect(report.findings[0].edits).toBeUndefined();
    expect(report.checkInfo['start-before-migrate'].why).toContain('old schema');
  });

  it('--format sarif: SARIF 2.1.0 with every check as a rule and each finding located', async () => {
    p = fixture('typeorm-entity-import-cycle', 'bad');
    const result = await doctor(p.dir, ['--format', 'sarif']);
    expect(result.code).toBe(1);
    const sarif = JSON.parse(result.stdout);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules).toHaveLength(allChecks().length);
    expect(run.tool.driver.rules.find((r: { id: string }) => r.id === 'typeorm-entity-import-cycle')).toMatchObject({
      name: 'TypeormEntityImportCycle',
      defaultConfiguration: { level: 'error' },
    });
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({
      ruleId: 'typeorm-entity-import-cycle',
      level: 'error',
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'src/entity/User.ts', uriBaseId: 'SRCROOT' },
            region: { startLine: 5, startColumn: 27 },
          },
        },
      ],
    });
    expect(run.results[0].message.text).toContain('src/entity/User.ts → src/entity/AuditedEntity.ts → src/entity/User.ts');
  });

  it('--format github: workflow-command annotations and the summary', async () => {
    p = fixture('migrate-in-build-step', 'bad');
    const result = await doctor(p.dir, ['--format', 'github']);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^::error file=Dockerfile,line=5,col=5,title=lockstep migrate-in-build-step::`npx prisma migrate deploy` runs at build time/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^::warning file=package.json,line=7,col=19,title=lockstep migrate-in-build-step::/),
    );
    expect(lines.filter(Boolean).at(-1)).toMatch(/^✖ 1 error, 2 warnings/);
  });

  it('never prints a connection string or a password, in any format', async () => {
    p = fixture('prisma-pooled-url-without-direct-url', 'bad');
    for (const args of [[], ['--json'], ['--format', 'sarif'], ['--format', 'github']]) {
      const result = await doctor(p.dir, args);
      expect(result.stdout + result.stderr).toContain('prisma-pooled-url-without-direct-url');
      expect(result.stdout + result.stderr).not.toContain('s3cr3t-pooled');
      expect(result.stdout + result.stderr).not.toContain('pgbouncer.internal:6432/app');
    }
  });

  it('usage errors exit 2 with what happened and the next step, never a stack trace', async () => {
    p = fixture('prisma-client-not-generated', 'good');
    expectCleanFailure(await doctor(p.dir, ['--only', 'no-such-check']), 2, 'LS_UNKNOWN_CHECK');
    expectCleanFailure(await doctor(p.dir, ['--dry-run']), 2, 'LS_BAD_OPTION');
    expectCleanFailure(await doctor(p.dir, ['--project', join(p.dir, 'missing')]), 2, 'LS_NO_PROJECT');
    expectCleanFailure(await doctor(p.dir, ['--explain', 'nope']), 2, 'LS_UNKNOWN_CHECK');
    p.write('lockstep.config.json', '{ "doctor": { "checks": { "prisma-db-push-in-production": "sometimes" } } }');
    expectCleanFailure(await doctor(p.dir), 2, 'LS_CONFIG_INVALID');
    const badFormat = await doctor(p.dir, ['--format', 'xml']);
    expect(badFormat.code).toBe(2);
  });

  it('--only runs some checks; --list-checks and --explain describe them; --help documents the exit codes', async () => {
    p = fixture('migrate-in-build-step', 'bad');
    const only = await doctor(p.dir, ['--only', 'prisma-generate-before-migrate', '--json']);
    expect(JSON.parse(only.stdout).findings.map((f: { check: string }) => f.check)).toEqual(['prisma-generate-before-migrate']);
    expect(only.code).toBe(0);
    const list = await doctor(p.dir, ['--list-checks']);
    expect(list.code).toBe(0);
    expect(list.stdout.trimEnd().split('\n')).toHaveLength(allChecks().length + 1);
    expect(list.stdout).toMatch(
      /drizzle-unawaited-migrate\s+error\s+drizzle\s+drizzle-orm migrate\(\) not awaited before the server starts \(--fix\)/,
    );
    const explain = await doctor(p.dir, ['--explain', 'typeorm-synchronize']);
    expect(explain.stdout).toContain('Why it fails in production');
    expect(explain.stdout).toContain("synchronize: process.env.NODE_ENV !== 'production'");
    const help = await runCli(['doctor', '--help']);
    expect(flat(help.stdout)).toContain(
      'Exit code: 0 no error-level finding, 1 error-level findings, 2 usage or configuration error.',
    );
    expect(help.stdout).toContain('--fix');
  });
});

describe('lockstep doctor --fix', () => {
  let p: TempProject | undefined;
  afterEach(() => p?.cleanup());
  const server = () => readFileSync(join(p!.dir, 'src/server.ts'), 'utf8');

  it('prints the diff, writes the file, and checks again: clean, exit 0', async () => {
    p = fixture('drizzle-unawaited-migrate', 'bad');
    const result = await doctor(p.dir, ['--fix']);
    expect(result.stdout).toContain(
      [
        '--- a/src/server.ts',
        '+++ b/src/server.ts',
        '@@ -9,6 +9,6 @@',
        ' });',
        ' ',
        ' // Bring the schema up to date on boot.',
        "-migrate(db, { migrationsFolder: './drizzle' });",
        "+await migrate(db, { migrationsFolder: './drizzle' });",
        ' ',
      ].join('\n'),
    );
    expect(result.stdout).toContain('Applied 1 fix in 1 file.');
    expect(result.stdout).toMatch(/✔ 0 errors, 0 warnings, 0 infos/);
    expect(result.code).toBe(0);
    expect(server()).toContain("\nawait migrate(db, { migrationsFolder: './drizzle' });\n");
    const again = await doctor(p.dir);
    expect(again.code).toBe(0);
  });

  it('--dry-run prints the diff and changes nothing', async () => {
    p = fixture('drizzle-unawaited-migrate', 'bad');
    const before = server();
    const result = await doctor(p.dir, ['--fix', '--dry-run']);
    expect(result.stdout).toContain("+await migrate(db, { migrationsFolder: './drizzle' });");
    expect(result.stdout).toContain('(--dry-run: nothing was written)');
    expect(result.code).toBe(1);
    expect(server()).toBe(before);
  });

  it('makes a non-exported main() async when its only caller ignores its result', async () => {
    p = fixture('drizzle-unawaited-migrate', 'bad');
    p.write(
      'src/server.ts',
      "import express from 'express';\nimport { migrate } from 'drizzle-orm/node-postgres/migrator';\nimport { db } from './db/index.js';\n\nfunction main() {\n  const app = express();\n  migrate(db, { migrationsFolder: './drizzle' });\n  app.listen(3000);\n}\n\nmain();\n",
    );
    const result = await doctor(p.dir, ['--fix']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('-function main() {\n+async function main() {');
    expect(server()).toContain(
      "async function main() {\n  const app = express();\n  await migrate(db, { migrationsFolder: './drizzle' });",
    );
  });

  it('refuses, and says why, when the fix is not mechanical: CommonJS top level, an exported function, a server that starts first', async () => {
    p = fixture('drizzle-unawaited-migrate', 'bad');
    const pkg = JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8'));
    delete pkg.type;
    p.write('package.json', JSON.stringify(pkg, null, 2));
    const cjs = await doctor(p.dir, ['--fix']);
    expect(cjs.code).toBe(1);
    expect(cjs.stdout).toContain('No fix to apply');
    expect(flat(cjs.stdout)).toContain(
      'not applied automatically: src/server.ts is a CommonJS module, where top-level await is not allowed',
    );

    p.write('package.json', JSON.stringify({ ...pkg, type: 'module' }, null, 2));
    p.write(
      'src/server.ts',
      "import { migrate } from 'drizzle-orm/node-postgres/migrator';\nimport { db } from './db/index.js';\nimport { app } from './app.js';\n\nexport function start() {\n  migrate(db, { migrationsFolder: './drizzle' });\n  return app.listen(3000);\n}\n",
    );
    const exported = await doctor(p.dir, ['--fix']);
    expect(flat(exported.stdout)).toContain('start() is exported, so callers elsewhere may use what it returns');

    p.write(
      'src/server.ts',
      "import { migrate } from 'drizzle-orm/node-postgres/migrator';\nimport { db } from './db/index.js';\nimport { app } from './app.js';\n\napp.listen(3000);\nmigrate(db, { migrationsFolder: './drizzle' });\n",
    );
    const late = await doctor(p.dir, ['--fix']);
    expect(flat(late.stdout)).toContain('the server already starts at line 5, before this call');
    expect(readFileSync(join(p.dir, 'src/server.ts'), 'utf8')).toContain('\nmigrate(db');
  });
});
