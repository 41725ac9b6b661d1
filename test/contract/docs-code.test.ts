/**
 * Docs that run: every TypeScript block of README.md, docs/*.md and the examples' READMEs is type-checked against the
 * built package, every `lockstep ...` command line of their shell blocks is checked against the
 * CLI's commands and flags, and the README's quick start is run end to end. A block that cannot
 * run is marked `<!-- not-run: reason -->` on the line before it; exactly those are skipped.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Command, Option } from 'commander';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { AUDIT_EVENTS } from '../../src/audit/audit-log.js';
import { cleanEnv, CLI } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { codeBlocks, embeddedShell, lockstepArgs, shellCommands, type CodeBlock } from '../support/markdown-blocks.js';
import { REPO_ROOT } from '../support/project.js';

const DOCS = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(join(REPO_ROOT, 'examples')).map((example) => `examples/${example}/README.md`),
];
const blocks = DOCS.flatMap((file) => codeBlocks(join(REPO_ROOT, file)));
const where = (block: CodeBlock) => `${relative(REPO_ROOT, block.file)}:${block.line}`;
const TS = new Set(['ts', 'typescript', 'mts']);
const SHELL = new Set(['sh', 'bash', 'shell', 'console']);

/** Names the docs' snippets use without declaring them: the reader's own app. */
const SNIPPET_GLOBALS = `declare global {
  /** The reader's HTTP app (express, fastify...). */
  const app: { listen(port: number): unknown };
}
export {};
`;

/** Problems with one \`lockstep ...\` invocation, checked against the CLI's own definition. */
function cliProblems(program: Command, args: string[]): string[] {
  if (args.length === 0 || ['--help', '-h', '--version', '-V', 'help'].includes(args[0]!) || args[0]!.startsWith('<')) return [];
  const command = program.commands.find((c) => c.name() === args[0] || c.aliases().includes(args[0]!));
  if (!command) return [`no command "${args[0]}"`];
  const problems: string[] = [];
  const options = command.options as Option[];
  const positional: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') break; // the app's command
    if (!word.startsWith('-') || word === '-') {
      positional.push(word);
      continue;
    }
    if (word === '--help' || word === '-h') continue;
    const [flag, inline] = word.includes('=')
      ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]
      : [word, undefined];
    const option = options.find((o) => o.long === flag || o.short === flag);
    if (!option) {
      problems.push(`${command.name()} has no option ${flag}`);
      continue;
    }
    if (!option.required && !option.optional) continue;
    const value = inline ?? (option.optional && args[i + 1]?.startsWith('-') ? undefined : args[++i]);
    if (value === undefined && option.required) problems.push(`${flag} needs a value`);
    const literal = value !== undefined && !/[<$*…]|\.\.\./.test(value);
    if (literal && option.argChoices && !option.argChoices.includes(value))
      problems.push(`${flag} ${value}: not one of ${option.argChoices.join(', ')}`);
  }
  if (positional.length > 0 && command.registeredArguments.length === 0)
    problems.push(`${command.name()} takes no arguments, given ${positional.join(' ')}`);
  return problems;
}

describe("the code blocks of README.md, docs/*.md and the examples' READMEs", () => {
  it('are found, and every not-run mark gives a reason', () => {
    expect(blocks.filter((b) => TS.has(b.lang) && b.notRun === undefined).length).toBeGreaterThanOrEqual(2);
    expect(blocks.filter((b) => SHELL.has(b.lang)).length).toBeGreaterThan(5);
    for (const block of blocks) if (block.notRun !== undefined) expect(block.notRun.length, where(block)).toBeGreaterThan(5);
  });

  it('TypeScript blocks type-check against the built package (`lockstep` resolving to dist/)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-docs-ts-'));
    try {
      mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
      symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'lockstep'), 'dir');
      symlinkSync(join(REPO_ROOT, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-snippets', private: true, type: 'module' }));
      writeFileSync(join(dir, 'globals.d.ts'), SNIPPET_GLOBALS);
      const files = new Map<string, CodeBlock>();
      blocks
        .filter((b) => TS.has(b.lang) && b.notRun === undefined)
        .forEach((block, index) => {
          const file = join(dir, `block-${index}.ts`);
          writeFileSync(file, `${block.code}\nexport {};\n`);
          files.set(file, block);
        });
      const program = ts.createProgram([...files.keys(), join(dir, 'globals.d.ts')], {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(dir, 'node_modules', '@types')],
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => {
        const block = d.file ? files.get(d.file.fileName) : undefined;
        const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
        return `${block ? `${relative(REPO_ROOT, block.file)}:${block.line + 1 + line}` : (d.file?.fileName ?? '?')}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      expect(problems).toEqual([]);
      expect(files.size).toBeGreaterThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every lockstep command line (shell blocks, YAML run steps, Dockerfile RUN and CMD) names a command and flags the CLI has', async () => {
    const { cliProgram } = (await import(join(REPO_ROOT, 'dist', 'cli', 'program.js'))) as { cliProgram: () => Command };
    const program = cliProgram();
    const problems: string[] = [];
    let checked = 0;
    for (const block of blocks.filter((b) => b.notRun === undefined)) {
      const shell = SHELL.has(block.lang) ? block.code : embeddedShell(block.lang, block.code);
      for (const words of shellCommands(shell)) {
        const args = lockstepArgs(words);
        if (!args) continue;
        checked++;
        for (const problem of cliProblems(program, args))
          problems.push(`${where(block)}: lockstep ${args.join(' ')}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(15);
    // The check itself catches a renamed flag or command.
    expect(cliProblems(program, ['deploy', '--lock-timeout', '2s', '--', 'node', 'x.js'])).toEqual([]);
    expect(cliProblems(program, ['deploy', '--lock-timout', '2s'])).toEqual(['deploy has no option --lock-timout']);
    expect(cliProblems(program, ['lint', '--format', 'xml'])).toEqual([
      '--format xml: not one of text, json, sarif, github, gitlab',
    ]);
    expect(cliProblems(program, ['migrate'])).toEqual(['no command "migrate"']);
    expect(cliProblems(program, ['doctor', '--embedded'])).toEqual(['doctor has no option --embedded']);
  });
});

describe('facts the docs state', () => {
  it("the README's list of the options each command shares matches the CLI", async () => {
    const { cliProgram } = (await import(join(REPO_ROOT, 'dist', 'cli', 'program.js'))) as { cliProgram: () => Command };
    const flags = (name: string) =>
      new Set((cliProgram().commands.find((c) => c.name() === name)!.options as Option[]).map((o) => o.long));
    const shared = ['--project', '--cwd', '--json'];
    const database = ['--orm', '--config', '--url', '--embedded', '--no-embedded'];
    for (const command of ['deploy', 'status', 'resolve', 'baseline', 'detect', 'drift'])
      for (const flag of [...shared, ...database]) expect(flags(command).has(flag), `${command} ${flag}`).toBe(true);
    for (const flag of [...shared, '--orm', '--config', '--url']) expect(flags('lint').has(flag), `lint ${flag}`).toBe(true);
    expect(flags('lint').has('--embedded')).toBe(false);
    for (const flag of shared) expect(flags('doctor').has(flag), `doctor ${flag}`).toBe(true);
    for (const flag of database) expect(flags('doctor').has(flag), `doctor ${flag}`).toBe(false);
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('`doctor` reads files only and takes none of them');
    expect(readme).toContain('(a database is optional for it, so it has no `--embedded`)');
  });

  it('docs/deploy.md lists every event the audit table records', () => {
    const deployDoc = readFileSync(join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8');
    const section = deployDoc.slice(deployDoc.indexOf('## 6. The audit table'), deployDoc.indexOf('\n## 7.'));
    for (const event of AUDIT_EVENTS) expect(section, event).toContain(`\`${event}\``);
  });
});

describe("the README's quick start, run as written on a copy of the examples", { timeout: 300_000 }, () => {
  let db: TestDatabase | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('each block exits 0, and the server block reports on the server it deployed to', async () => {
    db = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'lockstep-quickstart-'));
    const quickStart = blocks.filter(
      (b) => b.file.endsWith('README.md') && b.section === 'Run the example' && SHELL.has(b.lang) && b.notRun === undefined,
    );
    expect(quickStart.length).toBeGreaterThanOrEqual(2);
    // The examples as the installed package carries them (node_modules/lockstep/examples) and as a clone has them.
    const copyExamples = (to: string) =>
      cpSync(join(REPO_ROOT, 'examples'), to, {
        recursive: true,
        filter: (src) => !src.includes('node_modules') && !src.includes('.lockstep'),
      });
    copyExamples(join(dir, 'examples'));
    copyExamples(join(dir, 'node_modules', 'lockstep', 'examples'));
    // `npx lockstep` and `lockstep` are the built package; `npm install` (of the repository or of lockstep) is the install this checkout already is.
    const bin = join(dir, '.bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'lockstep'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    writeFileSync(
      join(bin, 'npx'),
      `#!/bin/sh\nwhile [ "\${1#-}" != "$1" ]; do shift; done\n[ "$1" = lockstep ] || { echo "npx $1: not in the quick start" >&2; exit 9; }\nshift\nexec lockstep "$@"\n`,
      { mode: 0o755 },
    );
    writeFileSync(
      join(bin, 'npm'),
      `#!/bin/sh\ncase "$1" in install|i|ci) exit 0 ;; esac\necho "npm $*: not in the quick start" >&2\nexit 9\n`,
      { mode: 0o755 },
    );
    for (const [index, block] of quickStart.entries()) {
      // The block's server URL becomes this test's own database.
      const script = block.code.replace(/postgres(ql)?:\/\/[^\s'"]+/g, db.url);
      writeFileSync(join(dir!, `block-${index}.sh`), `set -e\n${script}\n`);
      // At an interactive terminal, as a person follows it (script(1) gives it one), outside CI.
      const run = spawnSync('script', ['-qec', `bash block-${index}.sh`, '/dev/null'], {
        cwd: dir,
        env: cleanEnv({ PATH: `${bin}:${process.env.PATH}`, CI: undefined, TERM: 'xterm' }),
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect(run.status, `${where(block)}:\n${block.code}\n${run.stdout}${run.stderr}`).toBe(0);
      if (/DATABASE_URL|--url/.test(block.code)) {
        // Every command of a block that points at a server reports on that server, never the embedded database.
        expect(run.stdout, where(block)).not.toContain('embedded');
        expect(run.stdout).toContain(db.name);
      }
    }
  });
});
