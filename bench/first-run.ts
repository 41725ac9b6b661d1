import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import os, { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { LOCKSTEP_CLI, ms, ROOT, RUNS, rounds, run, spread, summarize, table, verdict, WORK, type Scenario } from './support.js';

const TARGET_MS = 5000;
const EXAMPLE = join(ROOT, 'examples', 'prisma-shop');
const DIR = join(WORK, 'first-run');
/** A copy of dist without the initdb archive: the first run as it was before the archive. */
const DIST_WITHOUT_ARCHIVE = join(DIR, 'no-archive', 'dist');

let copies = 0;
/** A fresh copy of the example with no embedded database yet. */
function freshExample(): string {
  const dir = join(DIR, `project-${copies++}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (source) => !source.includes('.lockstep') && !source.includes('node_modules'),
  });
  return dir;
}

/** GNU time reports the child's CPU time (user + system), which other load on the machine barely changes. */
const GNU_TIME = '/usr/bin/time';
const CPU_LINE = /^lockstep-bench-cpu ([\d.]+) ([\d.]+)$/m;

interface FirstRun {
  ms: number;
  /** User plus system CPU time of the process, when GNU time is there to measure it. */
  cpuMs: number;
  /** From spawn to the first progress line on stderr. */
  firstProgressMs: number;
}

/**
 * `lockstep deploy --embedded`, timing the whole process and its first progress line: on a pipe, or
 * at a terminal (a pseudo-terminal made by `script`, where progress is a spinner line).
 */
function firstDeploy(cli: string, project: string, terminal = false): Promise<FirstRun> {
  return new Promise((resolvePromise, reject) => {
    const began = performance.now();
    let firstProgressMs = Number.NaN;
    let stderr = '';
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    for (const key of ['DATABASE_URL', 'CI', 'NO_COLOR']) delete env[key];
    const args = [cli, 'deploy', '--embedded', '--project', project];
    const [command, argv] = terminal
      ? ['script', ['-qfec', [process.execPath, ...args].map((a) => `'${a}'`).join(' '), '/dev/null']]
      : existsSync(GNU_TIME)
        ? [GNU_TIME, ['-f', 'lockstep-bench-cpu %U %S', process.execPath, ...args]]
        : [process.execPath, args];
    const child = spawn(command, argv, { cwd: ROOT, stdio: [terminal ? 'pipe' : 'ignore', 'pipe', 'pipe'], env });
    const onOutput = (chunk: Buffer) => {
      const text = String(chunk);
      if (Number.isNaN(firstProgressMs) && (terminal ? text.includes('Starting the embedded') : text.includes('lockstep: ')))
        firstProgressMs = performance.now() - began;
      stderr += text;
    };
    child.stderr!.on('data', onOutput);
    if (terminal) child.stdout!.on('data', onOutput);
    else child.stdout!.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`lockstep deploy exited with ${code}:\n${stderr}`));
      const cpu = CPU_LINE.exec(stderr);
      resolvePromise({
        ms: performance.now() - began,
        cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN,
        firstProgressMs,
      });
    });
  });
}

const availableCores = () => os.availableParallelism?.() ?? os.cpus().length;

/** The parts of a first run, each timed inside one fresh Node.js process. */
const PARTS_SCRIPT = `
const t = () => performance.now();
const dist = process.argv[1];
const dir = process.argv[2];
const out = {};
let s = t(); await import(dist + '/index.js'); out.load = t() - s;
s = t(); const { PGlite } = await import('@electric-sql/pglite'); out.pgliteImport = t() - s;
const archive = await import(dist + '/db/postgres/pglite-initdb-archive.js');
s = t(); archive.restoreInitdbArchive(dir + '/restored'); out.restoreFiles = t() - s;
s = t(); let db = await PGlite.create(dir + '/restored', { startParams: archive.pgliteStartParams(PGlite.defaultStartParams) }); out.restore = t() - s;
await db.close();
s = t(); db = await PGlite.create(dir + '/initdb'); out.initdb = t() - s;
await db.close();
s = t(); db = await PGlite.create(dir + '/restored', { startParams: archive.pgliteStartParams(PGlite.defaultStartParams) }); out.reopen = t() - s;
await db.close();
console.log(JSON.stringify(out));
`;

interface Parts {
  load: number;
  pgliteImport: number;
  restoreFiles: number;
  restore: number;
  initdb: number;
  reopen: number;
}

async function parts(): Promise<Parts> {
  const dir = join(DIR, `parts-${copies++}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const result = await run(process.execPath, ['--input-type=module', '-e', PARTS_SCRIPT, join(ROOT, 'dist'), dir]);
  rmSync(dir, { recursive: true, force: true });
  return JSON.parse(result.stdout) as Parts;
}

export const firstRun: Scenario = {
  name: 'first-run',
  async run() {
    rmSync(DIR, { recursive: true, force: true });
    cpSync(join(ROOT, 'dist'), DIST_WITHOUT_ARCHIVE, {
      recursive: true,
      filter: (source) => !source.includes(join('dist', 'pglite')),
    });
    const runners = {
      archive: {
        label: 'first `lockstep deploy --embedded` (data directory restored from the shipped initdb archive)',
        cli: LOCKSTEP_CLI,
        terminal: false,
      },
      terminal: {
        label: 'the same at a terminal (a pseudo-terminal from `script`: spinner line)',
        cli: LOCKSTEP_CLI,
        terminal: true,
      },
      initdb: {
        label: 'first `lockstep deploy --embedded` without the archive (PGlite runs initdb)',
        cli: join(DIST_WITHOUT_ARCHIVE, 'cli', 'main.js'),
        terminal: false,
      },
    };
    const loadBefore = loadavg()[0]!;
    const samples = await rounds(runners, async ({ cli, terminal }) => {
      const project = freshExample();
      const result = await firstDeploy(cli, project, terminal);
      rmSync(project, { recursive: true, force: true });
      return result;
    });
    const loadAfter = loadavg()[0]!;
    const partSamples: Parts[] = [];
    for (let i = 0; i < samples.archive.length; i++) partSamples.push(await parts());
    rmSync(DIR, { recursive: true, force: true });

    const wall = (key: keyof typeof runners) => summarize(samples[key].map((s) => s.ms));
    const cpu = (key: keyof typeof runners) =>
      samples[key].some((s) => Number.isNaN(s.cpuMs)) ? 'not measured' : spread(summarize(samples[key].map((s) => s.cpuMs)));
    const progress = summarize(samples.archive.map((s) => s.firstProgressMs));
    const spinner = summarize(samples.terminal.map((s) => s.firstProgressMs));
    const part = (key: keyof Parts) => spread(summarize(partSamples.map((p) => p[key])));
    const archive = wall('archive');
    return [
      '## First run on the embedded database',
      '',
      `The first \`lockstep deploy --embedded\` of \`examples/prisma-shop\` (7 migrations) in a fresh copy of the example, so the embedded PostgreSQL (PGlite) is created by the run: what a new user waits for after \`npm install\`. Wall time of the whole process, stderr on a pipe, and its CPU time (user + system, from GNU time), which load from other processes on the machine changes much less than the wall time; median of ${RUNS} (min–max).`,
      '',
      table(
        ['Runner', 'Wall time', 'CPU time'],
        Object.entries(runners).map(([key, { label }]) => [
          label,
          spread(wall(key as keyof typeof runners)),
          cpu(key as keyof typeof runners),
        ]),
      ),
      '',
      `- Target: the first deploy within ${ms(TARGET_MS)}: ${verdict(archive.median <= TARGET_MS)} (median ${ms(archive.median)}, slowest run ${ms(archive.max)}).`,
      `- The machine's one-minute load average was ${loadBefore.toFixed(1)} when these runs started and ${loadAfter.toFixed(1)} when they ended, on ${availableCores()} cores: with more runnable processes than cores, a run waits for CPU, and its wall time is a multiple of its CPU time (${spread(summarize(samples.archive.map((s) => s.cpuMs)))} with the archive), the better guide to the wait on an otherwise idle machine of this speed (the run is mostly one thread; waits for the disk come on top).`,
      `- The first progress line (\`lockstep: starting the embedded PostgreSQL (PGlite)…\`) reached stderr ${spread(progress)} after the process started on a pipe; at a terminal the spinner line appeared after ${spread(spinner)}.`,
      '',
      `Where the time goes, each part timed inside a fresh Node.js process (median of ${RUNS}, min–max):`,
      '',
      table(
        ['Part', 'Time'],
        [
          ['loading lockstep\'s modules (`import("lockstep")`)', part('load')],
          ["loading PGlite's module", part('pgliteImport')],
          ['restoring the shipped initdb archive (brotli, a 40 MB tar) into a new data directory', part('restoreFiles')],
          ['starting PGlite on that restored data directory (first start)', part('restore')],
          ['starting PGlite on a new data directory with initdb (no archive)', part('initdb')],
          ['starting PGlite on an existing data directory (every later run)', part('reopen')],
        ],
      ),
    ].join('\n');
  },
};
