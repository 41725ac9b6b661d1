import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/project.js';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as Action;

/** Each `"$LOCKSTEP_CLI" <command> ...` in the steps' scripts: the command and the flags on its line. */
function invocations(): Array<{ command: string; flags: string[] }> {
  const result: Array<{ command: string; flags: string[] }> = [];
  for (const step of action.runs.steps) {
    for (const line of (step.run ?? '').split('\n')) {
      const match = /"\$LOCKSTEP_CLI"\s+([a-z-]+)(.*)$/.exec(line);
      if (!match) continue;
      result.push({ command: match[1]!, flags: [...match[2]!.matchAll(/(?<![\w-])(--[a-z][a-z-]*)/g)].map((m) => m[1]!) });
    }
  }
  return result;
}

describe('action.yml', () => {
  it('is a composite action with the documented inputs', () => {
    expect(action.runs.using).toBe('composite');
    for (const input of [
      'project',
      'database-url',
      'fail-on',
      'lint',
      'lint-since',
      'upload-sarif',
      'drift-schema-only',
      'deploy',
      'version',
    ]) {
      expect(action.inputs[input], input).toBeDefined();
      expect(action.inputs[input]!.description.length).toBeGreaterThan(10);
    }
    expect(action.inputs['fail-on']!.default).toBe('error');
    expect(action.inputs.project!.default).toBe('.');
    // Every input a step reads is declared, and every declared input is read.
    const text = JSON.stringify(action.runs.steps);
    const used = new Set([...text.matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1]!));
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it('uploads SARIF to code scanning and prints annotations', () => {
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toContain('steps.lint.outputs.sarif-file');
    const lint = action.runs.steps.find((s) => s.id === 'lint')!;
    expect(lint.run).toContain('--format sarif');
    expect(lint.run).toContain('--format github');
  });

  it('passes inputs to scripts through the environment, never inline', () => {
    for (const step of action.runs.steps) expect(step.run ?? '', step.name).not.toMatch(/\$\{\{/);
    const database = action.runs.steps.filter((s) => JSON.stringify(s).includes('inputs.database-url'));
    for (const step of database) expect(step.env?.INPUT_DATABASE_URL).toBe('${{ inputs.database-url }}');
  });

  it('uses only commands and flags the CLI has', async () => {
    const calls = invocations();
    expect(calls.map((c) => c.command).sort()).toEqual(['deploy', 'drift', 'lint', 'lint']);
    for (const { command, flags } of calls) {
      const help = await runCli([command, '--help']);
      expect(help.code, command).toBe(0);
      for (const flag of flags) expect(help.stdout, `${command} ${flag}`).toMatch(new RegExp(`(^|[\\s,])${flag}(?![\\w-])`, 'm'));
    }
    const lint = await runCli(['lint', '--help']);
    // --format's choices include the two the action uses; --fail-on takes the input's values.
    expect(lint.stdout).toMatch(/"sarif"/);
    expect(lint.stdout).toMatch(/"github"/);
    expect(lint.stdout).toMatch(/--fail-on <severity>[\s\S]*"error", "warning", "info"/);
  });

  it('is documented with a workflow that uses every input it sets', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'github-action.md'), 'utf8');
    for (const input of Object.keys(action.inputs)) expect(doc, input).toContain(`\`${input}\``);
    const workflow = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const parsed = parse(workflow) as {
      jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>;
    };
    for (const job of Object.values(parsed.jobs)) {
      const step = job.steps.find((s) => s.uses?.includes('lockstep'));
      expect(step).toBeDefined();
      for (const key of Object.keys(step!.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
    }
  });
});
