import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/project.js';

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** The Dockerfile's instructions: comments dropped, continuation lines joined. */
function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending !== '' && line.startsWith('#')) return;
    if (pending === '') startLine = index + 1;
    pending += `${line.replace(/\\$/, '').trim()} `;
    if (line.endsWith('\\')) return;
    const [keyword, ...rest] = pending.trim().split(/\s+/);
    result.push({ keyword: keyword!.toUpperCase(), args: rest.join(' '), line: startLine });
    pending = '';
  });
  return result;
}

/** The stages: each FROM and the instructions up to the next one. */
function stages(all: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const instruction of all) {
    if (instruction.keyword === 'FROM') result.push([instruction]);
    else result.at(-1)?.push(instruction);
  }
  return result;
}

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const all = instructions(dockerfile);

describe('Dockerfile', () => {
  it('has a build stage and a final stage that copies from it', () => {
    const parts = stages(all);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    const names = parts.map((stage) => /\bAS\s+(\S+)/i.exec(stage[0]!.args)?.[1]).filter(Boolean);
    const final = parts.at(-1)!;
    const copiesFromStage = final.some((i) => i.keyword === 'COPY' && names.some((name) => i.args.includes(`--from=${name}`)));
    expect(copiesFromStage).toBe(true);
  });

  it('runs as a non-root user in the final stage', () => {
    const users = stages(all)
      .at(-1)!
      .filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.args.split(':')[0]!;
    expect(['root', '0', '']).not.toContain(user);
    // Nothing after the last USER switches back or runs as root.
    const last = stages(all).at(-1)!;
    const after = last.slice(last.indexOf(users.at(-1)!) + 1);
    expect(after.some((i) => i.keyword === 'RUN')).toBe(false);
  });

  it('has lockstep as its entrypoint, in exec form', () => {
    const entrypoints = stages(all)
      .at(-1)!
      .filter((i) => i.keyword === 'ENTRYPOINT');
    expect(entrypoints).toHaveLength(1);
    expect(JSON.parse(entrypoints[0]!.args)).toEqual(['lockstep']);
  });

  it('builds from pinned images with no latest tag', () => {
    for (const from of all.filter((i) => i.keyword === 'FROM')) expect(from.args).not.toMatch(/:latest\b/);
    const arg = all.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    expect(arg?.args).toMatch(/^NODE_IMAGE=node:\d+\.\d+-[\w-]+$/);
  });

  it('keeps node_modules, dist and .git out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git']) expect(ignored).toContain(entry);
    // What the build needs is not ignored.
    for (const entry of ['src', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.build.json', 'docs', 'examples'])
      expect(ignored).not.toContain(entry);
  });

  it('passes hadolint when hadolint is on the PATH', () => {
    const probe = spawnSync('hadolint', ['--version'], { encoding: 'utf8' });
    if (probe.error) return; // not installed here: the rules above are the check
    const result = spawnSync('hadolint', [join(REPO_ROOT, 'Dockerfile')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
