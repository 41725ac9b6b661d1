import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/** Exit code when the app's command cannot be started (as shells use for "command not found"). */
export const EXIT_COMMAND_NOT_FOUND = 127;

export interface RunAppOptions {
  /** The app's environment (default: lockstep's own). */
  env?: NodeJS.ProcessEnv;
  /** Runs once the app has exited, before lockstep exits with its code (stops the embedded database's server). */
  afterExit?: () => Promise<void>;
}

/**
 * Runs the app in lockstep's place: same stdio, every signal forwarded, and lockstep exits with the
 * app's exit code (or dies of the same signal). Node cannot exec(2), so lockstep stays as a thin
 * parent; it holds no database connection while the app runs (with the embedded database, it
 * serves that database to the app until the app exits).
 */
export function runApp(command: string, args: string[], options: RunAppOptions = {}): Promise<never> {
  return new Promise(() => {
    const child = spawn(command, args, { stdio: 'inherit', ...(options.env ? { env: options.env } : {}) });
    let finished = false;
    const finish = (exit: () => void) => {
      if (finished) return;
      finished = true;
      if (!options.afterExit) return exit();
      options.afterExit().then(exit, exit);
    };
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    child.on('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(
        `error [LS_APP_START] could not start "${command}": ${error.code === 'ENOENT' ? 'no such command' : error.message}.\n` +
          '  Database: the migrations were applied; only starting the app failed.\n' +
          '  Next: fix the command after "--" (it runs without a shell; use an absolute path or a command on PATH).\n',
      );
      finish(() => process.exit(error.code === 'ENOENT' ? EXIT_COMMAND_NOT_FOUND : 126));
    });
    child.on('exit', (code, signal) => {
      for (const s of FORWARDED) process.off(s, forward);
      finish(() => {
        if (signal) {
          // Die of the same signal, so a supervisor sees what the app saw.
          process.kill(process.pid, signal);
          setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 100);
          return;
        }
        process.exit(code ?? 0);
      });
    });
  });
}
