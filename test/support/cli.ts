import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './project.js';

export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stderr without progress lines (see withoutProgress), so that "nothing else on stderr" does not depend on the machine's speed. */
  stderr: string;
  /** stderr as the process wrote it, progress lines included. */
  rawStderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Called with the child as soon as it is spawned (to kill it, say). */
  onSpawn?: (child: ChildProcess) => void;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  timeoutMs?: number;
  /** Run as this user (the test process must be root to switch). */
  user?: { uid: number; gid: number };
}

/** The environment a CLI run gets: this process's, without database settings that could leak in. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of ['DATABASE_URL', 'DIRECT_URL', 'LOCKSTEP_DEBUG', 'FORCE_COLOR', 'NODE_ENV']) delete env[key];
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Runs the built `lockstep` binary as a user would. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: cleanEnv(options.env),
      ...(options.user ?? {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(chunk.toString());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(chunk.toString());
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr: withoutProgress(stderr), rawStderr: stderr });
    });
    options.onSpawn?.(child);
  });
}

/** NDJSON lines of a `--json` run, parsed. */
export function events(stdout: string): Array<Record<string, unknown> & { type: string }> {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown> & { type: string });
}

/**
 * stderr without the progress lines a step that took a while prints (`lockstep: connecting to
 * ...…`), so that "nothing else on stderr" does not depend on how fast the machine is.
 */
export function withoutProgress(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !/^lockstep: .*…$/.test(line))
    .join('\n');
}

const shellWord = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the built `lockstep` binary at an interactive terminal, as a person would: `script`
 * gives it a pseudo-terminal for stdin, stdout and stderr (which arrive merged, in `stdout`).
 */
export function runCliInTerminal(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const command = [process.execPath, CLI, ...args].map(shellWord).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: options.cwd ?? REPO_ROOT,
      env: cleanEnv({ TERM: 'xterm', ...options.env }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(chunk.toString());
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr: withoutProgress(stderr), rawStderr: stderr });
    });
    options.onSpawn?.(child);
  });
}
