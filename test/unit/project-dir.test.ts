import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { inProjectDir } from '../../src/project/project-dir.js';
import { REPO_ROOT } from '../support/project.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'lockstep-unit-dir-')));
const a = join(base);
const b = realpathSync(tmpdir());
afterAll(() => rmSync(base, { recursive: true, force: true }));
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('inProjectDir: project code runs in its folder, and the process gets its working directory back', () => {
  it('changes the working directory while the code runs and restores it when it resolves or throws', async () => {
    const before = process.cwd();
    expect(await inProjectDir(a, async () => process.cwd())).toBe(a);
    expect(process.cwd()).toBe(before);
    await expect(
      inProjectDir(a, async () => {
        await tick();
        throw new Error('config failed');
      }),
    ).rejects.toThrow('config failed');
    expect(process.cwd()).toBe(before);
  });

  it('runs of the same folder overlap and share the change; a run of another folder waits until they end', async () => {
    const before = process.cwd();
    const seen: string[] = [];
    const run = (dir: string, label: string, ms: number) =>
      inProjectDir(dir, async () => {
        seen.push(`${label} starts in ${process.cwd()}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        seen.push(`${label} ends in ${process.cwd()}`);
      });
    await Promise.all([run(a, 'first', 30), run(a, 'second', 10), run(b, 'other', 1)]);
    expect(seen).toEqual([
      `first starts in ${a}`,
      `second starts in ${a}`,
      `second ends in ${a}`,
      `first ends in ${a}`,
      `other starts in ${b}`,
      `other ends in ${b}`,
    ]);
    expect(process.cwd()).toBe(before);
  });

  it('a nested run of the same folder runs at once; of another folder, it is refused instead of waiting for itself', async () => {
    expect(await inProjectDir(a, () => inProjectDir(a, async () => process.cwd()))).toBe(a);
    await expect(inProjectDir(a, () => inProjectDir(b, async () => 'never'))).rejects.toThrow(/asked to run while code of/);
  });

  it('in a worker thread, where process.chdir is not allowed, process.cwd() answers the folder', async () => {
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.module).then(async ({ inProjectDir }) => {
        const before = process.cwd();
        const inside = await inProjectDir(workerData.dir, async () => [process.cwd(), require('node:path').resolve('x')]);
        parentPort.postMessage({ inside, after: process.cwd() === before });
      });`;
    const worker = new Worker(code, {
      eval: true,
      workerData: { module: join(REPO_ROOT, 'dist', 'project', 'project-dir.js'), dir: a },
    });
    const answer = await new Promise<{ inside: string[]; after: boolean }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(answer).toEqual({ inside: [a, join(a, 'x')], after: true });
  });
});
