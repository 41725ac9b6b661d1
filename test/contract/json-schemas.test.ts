import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderJsonSchemas } from '../../scripts/json-schemas.js';
import { JSON_OUTPUT_TYPES } from '../../src/report/json-output.js';
import { runCli, type CliResult } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, REPO_ROOT, type TestProject } from '../support/project.js';

const COMMANDS = Object.keys(JSON_OUTPUT_TYPES) as Array<keyof typeof JSON_OUTPUT_TYPES>;
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const validators = new Map<string, ValidateFunction>();

function schemaFor(command: string): ValidateFunction {
  let validate = validators.get(command);
  if (!validate) {
    // As a user imports it: through the package's exports (lockstep/schemas/<command>.json).
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', `${command}.json`), 'utf8')) as object;
    validate = ajv.compile(schema);
    validators.set(command, validate);
  }
  return validate;
}

/** Every line of a --json run's stdout, each valid against the command's schema; returns them parsed. */
function expectValid(command: string, run: CliResult): Array<Record<string, unknown>> {
  const lines = run.stdout.split('\n').filter((line) => line.trim() !== '');
  expect(lines.length, `${command}: no output; stderr: ${run.stderr}`).toBeGreaterThan(0);
  if (command !== 'deploy') expect(lines, `${command} prints one document`).toHaveLength(1);
  const validate = schemaFor(command);
  return lines.map((line) => {
    const value = JSON.parse(line) as Record<string, unknown>;
    const ok = validate(value);
    expect(
      ok,
      `${command} --json output does not match schemas/${command}.json: ${ajv.errorsText(validate.errors)}\n${line}`,
    ).toBe(true);
    return value;
  });
}

const A = 'CREATE TABLE "a" ("id" INTEGER PRIMARY KEY);\n';
const B_BROKEN = 'CREATE TABLE "b" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "b" VALUES (1 / 0);\n';
const B = 'CREATE TABLE "b" ("id" INTEGER PRIMARY KEY);\n';
/** The schema those migrations build, so that drift's schema comparison finds nothing either. */
const SCHEMA =
  'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel a {\n  id Int @id\n}\n\nmodel b {\n  id Int @id\n}\n';

describe('JSON Schemas of the --json output', { timeout: 240_000 }, () => {
  it('are generated from the output types and up to date (npm run schemas)', () => {
    const rendered = renderJsonSchemas();
    expect(Object.keys(rendered).sort()).toEqual([...COMMANDS].sort());
    for (const [command, text] of Object.entries(rendered)) {
      expect(
        readFileSync(join(REPO_ROOT, 'schemas', `${command}.json`), 'utf8'),
        `schemas/${command}.json is stale: run npm run schemas`,
      ).toBe(text);
    }
  });

  it('are valid schemas, shipped in the package and exported as lockstep/schemas/<command>.json', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      files: string[];
    };
    expect(pkg.exports['./schemas/*']).toBe('./schemas/*');
    expect(pkg.files).toContain('schemas');
    for (const command of COMMANDS) expect(schemaFor(command)).toBeTypeOf('function');
    // Resolved through the package's exports, as an installed package is.
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-schema-import-'));
    try {
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'lockstep'), 'dir');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'reader', private: true, type: 'module' }));
      const script = `const titles = [];\nfor (const c of ${JSON.stringify(COMMANDS)}) titles.push((await import('lockstep/schemas/' + c + '.json', { with: { type: 'json' } })).default.title);\nconsole.log(titles.join('|'));`;
      writeFileSync(join(dir, 'read.mjs'), script);
      const run = spawnSync(process.execPath, ['read.mjs'], { cwd: dir, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe(COMMANDS.map((c) => `lockstep ${c} --json`).join('|'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('describe real output, success and failure', () => {
    let db: TestDatabase;
    let other: TestDatabase;
    let project: TestProject;
    const cli = (args: string[], url = db.url) =>
      runCli([...args, '--json'], { cwd: project.dir, env: { DATABASE_URL: url }, timeoutMs: 180_000 });

    beforeAll(async () => {
      db = await freshDatabase();
      other = await freshDatabase();
      project = prismaProject({ '20240101000000_a': A, '20240102000000_b': B_BROKEN }, { schema: SCHEMA });
    });
    afterAll(async () => {
      await db?.drop();
      await other?.drop();
      project?.cleanup();
    });

    it('detect, status, deploy, resolve, drift and baseline', async () => {
      const detected = await cli(['detect']);
      expect(detected.code).toBe(0);
      expect(expectValid('detect', detected)[0]).toMatchObject({ chosen: 'prisma' });
      const noProject = await runCli(['detect', '--json', '--project', join(project.dir, 'nowhere')]);
      expect(noProject.code).toBe(2);
      expect(expectValid('detect', noProject)[0]).toMatchObject({ type: 'error' });

      const pending = await cli(['status']);
      expect(pending.code).toBe(1);
      expect(expectValid('status', pending)[0]).toMatchObject({ state: 'pending' });

      const failed = await cli(['deploy']);
      expect(failed.code).toBe(1);
      const failedLines = expectValid('deploy', failed);
      expect(failedLines.map((line) => line.type)).toContain('migration-failed');
      expect(failedLines.at(-1)).toMatchObject({ type: 'error', error: { exitCode: 1 } });

      const blocked = await cli(['status']);
      expect(blocked.code).toBe(3);
      expect(expectValid('status', blocked)[0]).toMatchObject({ state: 'blocked' });
      const blockedDeploy = await cli(['deploy']);
      expect(blockedDeploy.code).toBe(3);
      expectValid('deploy', blockedDeploy);

      const unknown = await cli(['resolve', '--rolled-back', 'nope']);
      expect(unknown.code).toBe(2);
      expect(expectValid('resolve', unknown)[0]).toMatchObject({ type: 'error' });
      const resolved = await cli(['resolve', '--rolled-back', '20240102000000_b']);
      expect(resolved.code).toBe(0);
      expect(expectValid('resolve', resolved)[0]).toMatchObject({ action: 'rolled-back' });

      project.migration('20240102000000_b', B);
      const deployed = await runCli(['deploy', '--json', '--', process.execPath, '-e', ''], {
        cwd: project.dir,
        env: { DATABASE_URL: db.url },
        timeoutMs: 180_000,
      });
      expect(deployed.code, deployed.stderr).toBe(0);
      const lines = expectValid('deploy', deployed);
      expect(lines.map((line) => line.type)).toEqual(
        expect.arrayContaining([
          'run-started',
          'plan',
          'lint',
          'migration-started',
          'migration-applied',
          'run-finished',
          'result',
          'app-starting',
        ]),
      );

      const upToDate = await cli(['status']);
      expect(upToDate.code).toBe(0);
      expect(expectValid('status', upToDate)[0]).toMatchObject({ state: 'up-to-date' });
      // An applied migration edited afterwards: a warning event, and the deploy goes on; --verify adds its event.
      project.migration('20240101000000_a', `${A}-- a comment added after it was applied\n`);
      const edited = await cli(['deploy', '--verify']);
      expect(edited.code, edited.stderr).toBe(0);
      expect(expectValid('deploy', edited).map((line) => line.type)).toEqual(
        expect.arrayContaining(['warning', 'verify', 'result']),
      );
      const emptyUrl = await cli(['status', '--url', '']);
      expect(emptyUrl.code).toBe(2);
      expect(expectValid('status', emptyUrl)[0]).toMatchObject({ type: 'error', error: { code: 'LS_EMPTY_DATABASE_URL' } });

      const inSync = await cli(['drift']);
      expect(inSync.code, inSync.stderr).toBe(0);
      expectValid('drift', inSync);
      await db.query('ALTER TABLE "a" ADD COLUMN "note" TEXT');
      await db.query('CREATE INDEX "a_note" ON "a" ("note")');
      const drifted = await cli(['drift']);
      expect(drifted.code).toBe(3);
      expect(expectValid('drift', drifted)[0]).toMatchObject({ inSync: false });
      const driftRefused = await cli(['drift', '--url', 'mysql://x@localhost/y']);
      expect(driftRefused.code).toBe(2);
      expectValid('drift', driftRefused);

      const baselineRefused = await cli(['baseline']);
      expect(baselineRefused.code).toBe(2);
      expect(expectValid('baseline', baselineRefused)[0]).toMatchObject({ type: 'error', error: { code: 'LS_HAS_HISTORY' } });
      await other.query(A);
      const baselined = await cli(['baseline', '--to', '20240101000000_a'], other.url);
      expect(baselined.code, baselined.stderr).toBe(0);
      expectValid('baseline', baselined);
    });

    it('deploy waiting for the migration lock and for a table lock', async () => {
      const locked = await freshDatabase();
      const other = prismaProject({ '20240101000000_a': A });
      const holder = await locked.connect();
      try {
        const run = (args: string[]) =>
          runCli(['deploy', '--json', ...args], { cwd: other.dir, env: { DATABASE_URL: locked.url }, timeoutMs: 120_000 });
        await holder.query('SELECT pg_advisory_lock(72707369)');
        // lockstep reports the holder after 1 s of waiting, and gives up at --lock-wait.
        const gaveUp = await run(['--lock-wait', '3s']);
        expect(gaveUp.code).toBe(3);
        expect(expectValid('deploy', gaveUp).map((line) => line.type)).toEqual(expect.arrayContaining(['lock-waiting', 'error']));
        await holder.query('SELECT pg_advisory_unlock(72707369)');

        expect((await run([])).code).toBe(0);
        other.migration('20240102000000_b', 'ALTER TABLE "a" ADD COLUMN "b" INTEGER;\n');
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE "a" IN ACCESS EXCLUSIVE MODE');
        const timedOut = await run(['--lock-timeout', '100ms', '--lock-retries', '1', '--retry-delay', '10ms']);
        await holder.query('ROLLBACK');
        expect(timedOut.code).toBe(1);
        expect(expectValid('deploy', timedOut).map((line) => line.type)).toEqual(
          expect.arrayContaining(['lock-timeout', 'migration-failed', 'error']),
        );
      } finally {
        await holder.end();
        await locked.drop();
        other.cleanup();
      }
    });

    it('lint and doctor', async () => {
      const shop = join(REPO_ROOT, 'examples', 'prisma-shop');
      const lint = await runCli(['lint', '--json', '--project', shop]);
      expect([0, 1]).toContain(lint.code);
      expectValid('lint', lint);
      project.migration('20240103000000_c', 'ALTER TABLE "a" ADD COLUMN "n" INTEGER NOT NULL;\nDROP TABLE "b";\n');
      // Without a database, so that the tables' sizes do not grade the findings down.
      const findings = await runCli(['lint', '--json', join(project.migrationsDir, '20240103000000_c', 'migration.sql')]);
      expect(findings.code).toBe(1);
      const report = expectValid('lint', findings)[0]!;
      expect((report.findings as unknown[]).length).toBeGreaterThan(0);
      const missing = await runCli(['lint', '--json', join(project.dir, 'missing.sql')]);
      expect(missing.code).toBe(2);
      expect(expectValid('lint', missing)[0]).toMatchObject({ type: 'error' });

      const doctor = await runCli(['doctor', '--json', '--project', shop]);
      expect([0, 1]).toContain(doctor.code);
      expectValid('doctor', doctor);
      project.write(
        'package.json',
        JSON.stringify({
          name: 'x',
          scripts: { start: 'prisma db push && node server.js' },
          dependencies: { '@prisma/client': '^6.0.0' },
          devDependencies: { prisma: '^6.0.0' },
        }),
      );
      const withFindings = await runCli(['doctor', '--json', '--project', project.dir]);
      expect(withFindings.code).toBe(1);
      expect((expectValid('doctor', withFindings)[0]!.findings as unknown[]).length).toBeGreaterThan(0);
      const noDir = await runCli(['doctor', '--json', '--project', join(project.dir, 'nowhere')]);
      expect(noDir.code).toBe(2);
      expect(expectValid('doctor', noDir)[0]).toMatchObject({ type: 'error' });
    });
  });
});
