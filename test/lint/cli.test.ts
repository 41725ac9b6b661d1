import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cleanEnv, runCli, withoutProgress, type CliResult } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, REPO_ROOT, type TestProject } from '../support/project.js';

/** A failure is one clean message: what happened, the state, what to do; never a stack trace. */
function expectCleanFailure(result: CliResult, code: number, id: string) {
  expect(result.code).toBe(code);
  expect(result.stderr).toContain(`[${id}]`);
  expect(result.stderr).toContain('Next:');
  expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

function withStdin(args: string[], input: string | Buffer, cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr: withoutProgress(stderr), rawStderr: stderr }));
    child.stdin.end(input);
  });
}

describe('lockstep lint (CLI)', () => {
  let dir: string;
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return name;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-lint-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const lint = (args: string[]) => runCli(['lint', ...args], { cwd: dir });

  const BAD = 'ALTER TABLE "User" ADD COLUMN "age" INTEGER;\nCREATE INDEX "User_age_idx" ON "User"("age");\n';

  it('text: grouped by file, with the offending line, a caret, the why and the fix; exit 1 on errors', async () => {
    file('bad.sql', BAD);
    const result = await lint(['bad.sql']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('bad.sql\n  2:1  error  require-concurrent-index-creation');
    expect(result.stdout).toContain('    2 | CREATE INDEX "User_age_idx" ON "User"("age");\n      | ^');
    expect(result.stdout).toMatch(/ {4}why {2}A plain CREATE INDEX/);
    expect(result.stdout).toMatch(/ {4}fix {2}CREATE INDEX CONCURRENTLY/);
    expect(result.stdout).toContain('✖ 1 error, 0 warnings, 0 infos in 1 file, 2 statements (runner lockstep, PostgreSQL 14');
  });

  it('exit 0 when only warnings remain, or everything is suppressed with a reason', async () => {
    file('warn.sql', 'ALTER TABLE t ALTER COLUMN c DROP NOT NULL;\n');
    const warn = await lint(['warn.sql']);
    expect(warn.code).toBe(0);
    expect(warn.stdout).toContain('warning  ban-drop-not-null');
    file(
      'suppressed.sql',
      '-- lockstep-ignore require-concurrent-index-creation: "User" has 40 rows (checked 2025-05-01)\nCREATE INDEX i ON "User"(a);\n',
    );
    const suppressed = await lint(['suppressed.sql']);
    expect(suppressed.code).toBe(0);
    expect(suppressed.stdout).toContain('(1 suppressed in the SQL)');
  });

  it('json: the whole report', async () => {
    file('bad.sql', BAD);
    const result = await lint(['bad.sql', '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      version: 1,
      tool: { name: 'lockstep' },
      runner: 'lockstep',
      failed: true,
      summary: { errors: 1 },
    });
    expect(report.findings[0]).toMatchObject({
      rule: 'require-concurrent-index-creation',
      severity: 'error',
      file: 'bad.sql',
      line: 2,
      column: 1,
      table: '"User"',
      suppressed: false,
      statement: { index: 1, line: 2, text: 'CREATE INDEX "User_age_idx" ON "User"("age")' },
    });
    expect((await lint(['bad.sql', '--json'])).stdout).toBe(result.stdout);
  });

  it('sarif: a valid SARIF 2.1.0 log for GitHub code scanning', async () => {
    file('bad.sql', BAD);
    file('ok.sql', '-- lockstep-ignore require-concurrent-index-creation: tiny table\nCREATE INDEX j ON "Tag"(name);\n');
    const result = await lint(['bad.sql', 'ok.sql', '--format', 'sarif']);
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('lockstep');
    expect(typeof run.tool.driver.version).toBe('string');
    for (const rule of run.tool.driver.rules) {
      expect(rule.id).toMatch(/^[a-z-]+$/);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length).toBeGreaterThan(0);
      expect(rule.help.text.length).toBeGreaterThan(0);
      expect(rule.help.markdown.length).toBeGreaterThan(0);
      expect(['none', 'note', 'warning', 'error']).toContain(rule.defaultConfiguration.level);
    }
    expect(run.results).toHaveLength(2);
    for (const r of run.results) {
      expect(typeof r.ruleId).toBe('string');
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(['none', 'note', 'warning', 'error']).toContain(r.level);
      expect(r.message.text.length).toBeGreaterThan(0);
      const { artifactLocation, region } = r.locations[0].physicalLocation;
      expect(artifactLocation.uri).toMatch(/^(bad|ok)\.sql$/);
      expect(artifactLocation.uriBaseId).toBe('SRCROOT');
      expect(region.startLine).toBeGreaterThanOrEqual(1);
      expect(region.startColumn).toBeGreaterThanOrEqual(1);
      expect(region.endLine).toBeGreaterThanOrEqual(region.startLine);
    }
    const suppressed = run.results.find(
      (r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) =>
        r.locations[0]!.physicalLocation.artifactLocation.uri === 'ok.sql',
    );
    expect(suppressed.suppressions).toEqual([{ kind: 'inSource', justification: 'tiny table' }]);
    expect(run.originalUriBaseIds.SRCROOT.uri).toMatch(/^file:\/\/\/.*\/$/);
    expect(run.columnKind).toBe('utf16CodeUnits');
  });

  it('github: workflow commands with escaped properties and messages', async () => {
    file('a,b:c.sql', 'ALTER TABLE t ALTER COLUMN c DROP NOT NULL;\nCREATE INDEX i ON t (a);\n');
    const result = await lint(['a,b:c.sql', '--format', 'github']);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^::warning file=a%2Cb%3Ac\.sql,line=1,col=1,title=lockstep ban-drop-not-null::DROP NOT NULL on "c" of t: .*%0AWhy: .*%0AFix: /,
    );
    expect(lines[1]).toMatch(/^::error file=a%2Cb%3Ac\.sql,line=2,col=1,title=lockstep require-concurrent-index-creation::/);
  });

  it("--explain prints a rule's doc; --list-rules every rule; unknown rules exit 2 with a suggestion", async () => {
    const explain = await runCli(['lint', '--explain', 'adding-foreign-key-constraint']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('Why it hurts in production');
    expect(explain.stdout).toContain('NOT VALID');
    const list = await runCli(['lint', '--list-rules']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ban-drop-table +error +destructive +DROP TABLE$/m);
    expect(list.stdout).toMatch(/^prefer-identity +off +style/m);
    const json = JSON.parse((await runCli(['lint', '--list-rules', '--format', 'json'])).stdout);
    expect(json.length).toBeGreaterThan(45);
    const unknown = await runCli(['lint', '--explain', 'adding-foreign-key']);
    expectCleanFailure(unknown, 2, 'LS_UNKNOWN_RULE');
    expect(unknown.stderr).toContain('lockstep lint --explain adding-foreign-key-constraint');
  });

  it('reads stdin for -, under --stdin-filename', async () => {
    const result = await withStdin(
      ['lint', '-', '--stdin-filename', 'prisma/migrations/x/migration.sql', '--format', 'json'],
      'DROP TABLE "Old";',
      dir,
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings[0]).toMatchObject({
      rule: 'ban-drop-table',
      file: 'prisma/migrations/x/migration.sql',
    });
    const invalid = await withStdin(['lint', '-'], Buffer.from([0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0xff, 0x3b]), dir);
    expectCleanFailure(invalid, 2, 'LS_LINT_FILE');
    expect(invalid.stderr).toContain('<stdin> is not valid UTF-8: the first invalid byte is at offset 7 (line 1)');
  });

  it('lints directories recursively, in path order', async () => {
    file('b.sql', 'DROP TABLE b;');
    const sub = join(dir, 'tree', 'm2');
    spawnSync('mkdir', ['-p', sub, join(dir, 'tree', 'm1')]);
    writeFileSync(join(dir, 'tree', 'm1', 'migration.sql'), 'DROP TABLE one;');
    writeFileSync(join(sub, 'migration.sql'), 'DROP TABLE two;');
    const result = await lint(['tree', '--format', 'json']);
    expect(JSON.parse(result.stdout).files.map((f: { path: string }) => f.path)).toEqual([
      'tree/m1/migration.sql',
      'tree/m2/migration.sql',
    ]);
  });

  describe('bad input', () => {
    it('an empty file: an error finding, exit 1; a comment-only file: exit 0', async () => {
      file('empty.sql', '');
      const empty = await lint(['empty.sql']);
      expect(empty.code).toBe(1);
      expect(empty.stdout).toContain('1:1  error  empty-migration');
      file('comments.sql', '-- nothing yet\n/* really nothing */\n');
      const comments = await lint(['comments.sql']);
      expect(comments.code).toBe(0);
      expect(comments.stdout).toContain('comments.sql: no SQL statements (comments only).');
    });

    it('invalid UTF-8: exit 2 with the byte offset', async () => {
      file('latin1.sql', Buffer.concat([Buffer.from('-- caf'), Buffer.from([0xe9]), Buffer.from('\nSELECT 1;\n')]));
      const result = await lint(['latin1.sql']);
      expectCleanFailure(result, 2, 'LS_LINT_FILE');
      expect(result.stderr).toContain('latin1.sql is not valid UTF-8: the first invalid byte is at offset 6 (line 1)');
    });

    it('a missing file or bad flags: exit 2', async () => {
      const missing = await lint(['nope.sql', 'also-nope.sql']);
      expectCleanFailure(missing, 2, 'LS_LINT_FILE');
      expect(missing.stderr).toContain('nope.sql does not exist');
      expect(missing.stderr).toContain('also-nope.sql does not exist');
      expect((await lint(['x.sql', '--format', 'xml'])).code).toBe(2);
      expect((await lint(['x.sql', '--runner', 'flyway'])).code).toBe(2);
      expectCleanFailure(await lint(['bad.sql', '--pg-version', '7']), 2, 'LS_BAD_OPTION');
    });

    it('a syntax error: exit 1 with file:line:column', async () => {
      file('syntax.sql', 'SELECT 1;\nALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT;\n');
      const result = await lint(['syntax.sql', '--format', 'github']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        '::error file=syntax.sql,line=2,col=49,title=lockstep syntax-error::PostgreSQL cannot parse this: syntax error at or near ";".',
      );
    });

    it('an invalid lint configuration: exit 2', async () => {
      const project = join(dir, 'configured');
      spawnSync('mkdir', ['-p', project]);
      writeFileSync(join(project, 'lockstep.config.json'), JSON.stringify({ lint: { rules: { 'ban-drop-tables': 'off' } } }));
      writeFileSync(join(project, 'a.sql'), 'DROP TABLE a;');
      const result = await runCli(['lint', 'a.sql'], { cwd: project });
      expectCleanFailure(result, 2, 'LS_CONFIG_INVALID');
      expect(result.stderr).toContain('Did you mean "ban-drop-table"?');
      writeFileSync(join(project, 'lockstep.config.json'), JSON.stringify({ lint: { rules: { 'ban-drop-table': 'warning' } } }));
      expect((await runCli(['lint', 'a.sql'], { cwd: project })).code).toBe(0);
    });

    it('a 50 MB file: linted without crashing', async () => {
      const block =
        '-- CreateTable\nCREATE TABLE "T" ("id" SERIAL NOT NULL, "name" TEXT, CONSTRAINT "T_pkey" PRIMARY KEY ("id"));\n\n-- CreateIndex\nCREATE INDEX "T_name_idx" ON "T"("name");\n\n-- AlterTable\nALTER TABLE "T" ADD COLUMN "note" TEXT;\n\n';
      const copies = Math.ceil((50 * 1024 * 1024) / block.length);
      writeFileSync(join(dir, 'huge.sql'), `${block.repeat(copies)}DROP TABLE "Gone";\n`);
      const result = await lint(['huge.sql', '--format', 'json']);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout);
      expect(report.files[0].statements).toBe(copies * 3 + 1);
      expect(report.findings.map((f: { rule: string; line: number }) => [f.rule, f.line])).toEqual([
        ['ban-drop-table', copies * 9 + 1],
      ]);
    }, 180_000);
  });

  it('lints the bundled prisma-shop example sensibly: the CONCURRENTLY migration is fine under lockstep', async () => {
    const result = await runCli(['lint', '--project', 'examples/prisma-shop', '--format', 'json'], { cwd: REPO_ROOT });
    const report = JSON.parse(result.stdout);
    expect(report.notes[0]).toContain('No database URL is configured: linting all 7 migrations');
    const byFile = (name: string) =>
      report.findings.filter((f: { file: string }) => f.file.includes(name)).map((f: { rule: string }) => f.rule);
    expect(byFile('init')).toEqual([]);
    expect(byFile('add_categories')).toEqual(['require-concurrent-index-creation', 'adding-foreign-key-constraint']);
    expect(byFile('add_product_sku')).toEqual(['require-concurrent-index-creation']);
    expect(byFile('add_refunded_order_status')).toEqual([]);
    expect(byFile('order_created_at_index_concurrently')).toEqual([]);
    expect(result.code).toBe(1);
    const prisma = JSON.parse(
      (await runCli(['lint', '--project', 'examples/prisma-shop', '--format', 'json', '--runner', 'prisma'], { cwd: REPO_ROOT }))
        .stdout,
    );
    const concurrently = prisma.findings
      .filter((f: { file: string }) => f.file.includes('order_created_at_index_concurrently'))
      .map((f: { rule: string }) => f.rule);
    expect(concurrently).toEqual(['prefer-robust-stmts', 'require-lock-timeout', 'require-statement-timeout']);
  });
});

describe('lockstep lint on a project', () => {
  let db: TestDatabase | undefined;
  let project: TestProject | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
    project?.cleanup();
    project = undefined;
  });

  const INIT =
    '-- CreateTable\nCREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n\n-- CreateIndex\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n';
  const ADD_INDEX =
    '-- AlterTable\nALTER TABLE "User" ADD COLUMN "name" TEXT;\n\n-- CreateIndex\nCREATE INDEX "User_name_idx" ON "User"("name");\n';

  it('lints only the pending migrations, with table sizes from the database', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20250101000000_init': INIT });
    expect((await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } })).code).toBe(0);
    await db.query(`INSERT INTO "User" (email) SELECT 'u' || g || '@x.io' FROM generate_series(1, 300) g; ANALYZE "User";`);
    project.migration('20250102000000_add_name', ADD_INDEX);
    const result = await runCli(['lint', '--format', 'json'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    const report = JSON.parse(result.stdout);
    expect(report.notes[0]).toMatch(
      /^1 of 2 migrations in prisma\/migrations is pending on database "lockstep_t_\w+" on 127\.0\.0\.1:5432\.$/,
    );
    expect(report.files.map((f: { path: string }) => f.path)).toEqual([
      expect.stringContaining('20250102000000_add_name/migration.sql'),
    ]);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      rule: 'require-concurrent-index-creation',
      severity: 'warning',
      table: '"User"',
      rows: 300,
      tableSize: 'small',
    });
    expect(result.code).toBe(0);
    const text = await runCli(['lint'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(text.stdout).toMatch(/table "User": ≈300 rows, \d+ kB, small/);
    expect(text.stdout + text.stderr).not.toContain(db.url);
  });

  it('--url grades named files by the tables of that database', async () => {
    db = await freshDatabase();
    await db.query('CREATE TABLE "Empty" (id int);');
    project = prismaProject({});
    project.write('x.sql', 'CREATE INDEX i ON "Empty"(id);');
    const result = await runCli(['lint', 'x.sql', '--url', db.url, '--format', 'json'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).findings[0]).toMatchObject({ severity: 'info', tableSize: 'empty' });
    const unreachable = await runCli(['lint', 'x.sql', '--url', 'postgresql://u:secret-pw@127.0.0.1:1/db'], { cwd: project.dir });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('[LS_CONNECT_REFUSED]');
    expect(unreachable.stderr).not.toContain('secret-pw');
  });

  it('--since lints the migrations a branch added or changed', async () => {
    project = prismaProject({ '20250101000000_init': INIT });
    const git = (...args: string[]) => {
      const r = spawnSync('git', args, {
        cwd: project!.dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@x',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@x',
        },
      });
      expect(r.status, r.stderr).toBe(0);
    };
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'init');
    git('checkout', '-q', '-b', 'feature');
    project.migration('20250102000000_add_name', ADD_INDEX);
    project.write('notes.sql', 'DROP TABLE "User";');
    git('add', '.');
    git('commit', '-q', '-m', 'feature');
    const result = await runCli(['lint', '--since', 'main', '--format', 'json'], { cwd: project.dir });
    const report = JSON.parse(result.stdout);
    expect(report.files.map((f: { path: string }) => f.path)).toEqual([
      'prisma/migrations/20250102000000_add_name/migration.sql',
    ]);
    expect(report.notes).toEqual(['1 migration file in prisma/migrations added or changed since main.']);
    expect(result.code).toBe(1);
    const none = await runCli(['lint', '--since', 'HEAD'], { cwd: project.dir });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No migration in prisma/migrations was added or changed since HEAD.');
    const badRef = await runCli(['lint', '--since', 'no-such-branch'], { cwd: project.dir });
    expectCleanFailure(badRef, 2, 'LS_GIT');
  });
});
