import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { EXIT_COMMAND_NOT_FOUND } from '../../src/cli/exec-app.js';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/project.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'cli.md'), 'utf8');

/** The commands `lockstep --help` lists. */
async function commands(): Promise<string[]> {
  const help = await runCli(['--help']);
  expect(help.code).toBe(0);
  const section = help.stdout.split(/^Commands:$/m)[1]!.split(/^\S/m)[0]!;
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/**
 * Exit codes src sets as literals outside ExitCode: `process.exit(n)`, `process.exit(cond ? X : n)`,
 * `exitCode = n`, `exitCode: n`; and the bases of computed ones (`process.exit(128 + signal)`).
 */
function literalExitCodes(): { fixed: Map<number, string>; offsets: Map<number, string> } {
  const fixed = new Map<number, string>();
  const offsets = new Map<number, string>();
  for (const file of sourceFiles(join(REPO_ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const where = relative(REPO_ROOT, file);
    for (const match of text.matchAll(/(?:process\.exit\(|exitCode\s*[=:]\s*)(\d+)\b(?!\s*\+)/g))
      fixed.set(Number(match[1]), where);
    for (const match of text.matchAll(/process\.exit\([^()\n]*\?[^:()\n]*:\s*(\d+)\)/g)) fixed.set(Number(match[1]), where);
    for (const match of text.matchAll(/process\.exit\((\d+)\s*\+/g)) offsets.set(Number(match[1]), where);
  }
  return { fixed, offsets };
}

/** The exit codes in docs/cli.md's table. */
const documentedCodes = new Set([...doc.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])));

describe('CLI reference', () => {
  it('every command has --help with at least one example of that command', async () => {
    const names = await commands();
    expect(names.sort()).toEqual(['baseline', 'deploy', 'detect', 'doctor', 'drift', 'lint', 'resolve', 'status']);
    for (const name of names) {
      const help = await runCli([name, '--help']);
      expect(help.code, name).toBe(0);
      expect(help.stdout, name).toMatch(/^Examples:$/m);
      expect(help.stdout, name).toMatch(new RegExp(`^ {2}\\$ lockstep ${name}\\b`, 'm'));
    }
    const top = await runCli(['--help']);
    expect(top.stdout).toMatch(/^Examples:$/m);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('docs/cli.md names every command, with a --json section for each', async () => {
    for (const name of await commands()) {
      expect(doc, name).toContain(`\`${name}\``);
      expect(doc, name).toMatch(new RegExp(`^### ${name}$`, 'm'));
    }
  });

  it('docs/cli.md documents every exit code used in src', () => {
    for (const [name, code] of Object.entries(ExitCode)) {
      expect(documentedCodes.has(code), `ExitCode.${name} = ${code}`).toBe(true);
      expect(doc).toContain(`ExitCode.${name}`);
    }
    expect(documentedCodes.has(EXIT_COMMAND_NOT_FOUND)).toBe(true);
    const { fixed, offsets } = literalExitCodes();
    expect(fixed.has(126)).toBe(true); // the scan finds the app runner's codes
    for (const [code, file] of fixed) expect(documentedCodes.has(code), `exit code ${code} in ${file}`).toBe(true);
    for (const [base, file] of offsets) expect(doc, `exit code ${base} + n in ${file}`).toContain(`| ${base} + *signal* |`);
  });

  it('each command documents its exit codes in --help', async () => {
    for (const name of ['status', 'detect', 'drift', 'lint', 'doctor']) {
      const help = await runCli([name, '--help']);
      expect(help.stdout, name).toMatch(/Exit code/);
    }
    const top = await runCli(['--help']);
    expect(top.stdout).toMatch(/Exit codes: 0 success, 1 .*, 2 usage/);
  });
});
