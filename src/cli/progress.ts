/**
 * What lockstep is waiting for, shown on stderr so that a first run (starting the embedded
 * database, loading a TypeScript config, connecting, waiting for the migration lock) never sits
 * silent. A step that ends quickly shows nothing. At an interactive terminal it is one line with
 * a spinner, rewritten in place and erased when the wait is over; in CI, on a pipe or a dumb
 * terminal, one plain line per step. Never on stdout, which --json owns.
 *
 * Some steps keep this thread busy for seconds (PGlite compiles WebAssembly, a loader transforms
 * TypeScript), so the timer and the spinner run in a worker thread (progress-worker.ts), which
 * writes to stderr itself. The two threads share a small lock: lockstep's own output erases the
 * spinner line and is written while the worker waits, so a frame never lands inside a line.
 */
import { Worker } from 'node:worker_threads';
import { isCi } from '../util/ci.js';
import { FIRST_FRAME, SLOT, spinnerText, type ProgressMessage, type ProgressWorkerData } from './progress-worker.js';

/** A step that lasts longer than this is shown: well within a second of its start. */
export const PROGRESS_DELAY_MS = 400;
const ERASE_LINE = '\r\u001b[K';

export interface ProgressDisplay {
  /**
   * The listener for ProjectOptions.onProgress: the current wait, or undefined when it is over.
   * A `slow` step (one that takes seconds, like starting the embedded database) is shown at once.
   */
  update(activity: string | undefined, info?: { slow?: boolean }): void;
  /**
   * Writes one of lockstep's own lines: the spinner line is erased first and the worker held off
   * until the line is out (it draws again on its next frame).
   */
  write(stream: NodeJS.WriteStream, text: string): void;
}

type Stream = NodeJS.WriteStream;

export function progressDisplay(stream: Stream = process.stderr, env: NodeJS.ProcessEnv = process.env): ProgressDisplay {
  const spinner = Boolean(stream.isTTY) && env.TERM !== 'dumb' && !isCi(env);
  const shared = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  let worker: Worker | undefined;
  let current: string | undefined;
  const fd = (stream as { fd?: number }).fd ?? 2;

  const start = () => {
    const data: ProgressWorkerData = { shared, fd, mode: spinner ? 'spinner' : 'lines', delayMs: PROGRESS_DELAY_MS, columns: stream.columns || 80 };
    worker = new Worker(new URL('./progress-worker.js', import.meta.url), { workerData: data, stdout: false, stderr: false });
    worker.unref();
    worker.on('error', () => (worker = undefined));
  };
  /** Runs `fn` holding the lock, with the spinner line erased. */
  const exclusive = (fn: () => void) => {
    // The worker holds the lock only for one write; wait it out.
    while (Atomics.compareExchange(shared, SLOT.lock, 0, 1) !== 0) Atomics.wait(shared, SLOT.lock, 2, 1);
    try {
      if (Atomics.load(shared, SLOT.drawn) === 1) {
        stream.write(ERASE_LINE);
        Atomics.store(shared, SLOT.drawn, 0);
      }
      fn();
    } finally {
      Atomics.store(shared, SLOT.lock, 0);
    }
  };
  if (spinner) process.once('exit', () => exclusive(() => undefined));

  return {
    update(activity, info) {
      if (activity === current) return;
      current = activity;
      // A new generation makes the worker drop what it was showing, at once.
      const generation = Atomics.add(shared, SLOT.generation, 1) + 1;
      if (activity === undefined) {
        exclusive(() => undefined);
        return;
      }
      if (!worker) start();
      const slow = Boolean(info?.slow);
      // A slow step is shown from here, now: the worker may still be starting while this thread is busy.
      if (slow) {
        exclusive(() => {
          if (spinner) {
            stream.write(`${ERASE_LINE}${spinnerText(FIRST_FRAME, activity, 0, stream.columns || 80)}`);
            Atomics.store(shared, SLOT.drawn, 1);
          } else stream.write(`lockstep: ${activity}…\n`);
        });
      }
      const message: ProgressMessage = { generation, activity, slow, shown: slow, since: Date.now() };
      worker?.postMessage(message);
    },
    write(target, text) {
      if (!spinner) {
        target.write(text);
        return;
      }
      // Writes to a terminal or a pipe are synchronous on Linux: the line is out when the lock is let go.
      exclusive(() => target.write(text));
    },
  };
}
