/**
 * What lockstep is waiting for, shown on stderr so that a first run (starting the embedded
 * database, loading a TypeScript config, connecting, waiting for the migration lock) never sits
 * silent. A step that ends quickly shows nothing. At an interactive terminal it is one line with
 * a spinner, rewritten in place and erased when the wait is over; in CI, on a pipe or a dumb
 * terminal, one plain line per step. Never on stdout, which --json owns.
 *
 * A step is shown once it has lasted PROGRESS_DELAY_MS, by a timer of this thread. A `slow` step
 * (starting the embedded database: PGlite compiles WebAssembly and keeps this thread busy for
 * seconds, when no timer can fire) is shown at once instead, and at a terminal its spinner is
 * turned by a worker thread (progress-worker.ts) that writes to stderr itself; the two threads
 * share a small lock, so that lockstep's own lines erase the spinner line first and a frame never
 * lands inside one. The worker starts only for such a step, so that a quick command pays nothing.
 */
import { createRequire } from 'node:module';
import { isCi } from '../util/ci.js';
import {
  FIRST_FRAME,
  SLOT,
  spinnerText,
  WORKER_ARGUMENT,
  type ProgressMessage,
  type ProgressWorkerData,
} from './progress-worker.js';

/** A step that lasts longer than this is shown: well within a second of its start. */
export const PROGRESS_DELAY_MS = 400;
const FRAME_MS = 100;
const ERASE_LINE = '\r\u001b[K';

export interface ProgressDisplay {
  /**
   * The listener for ProjectOptions.onProgress: the current wait, or undefined when it is over.
   * A `slow` step (one that takes seconds, like starting the embedded database) is shown at once.
   */
  update(activity: string | undefined, info?: { slow?: boolean }): void;
  /**
   * Writes one of lockstep's own lines: the spinner line is erased first and the worker held off
   * until the line is out (the spinner comes back on its next frame).
   */
  write(stream: NodeJS.WriteStream, text: string): void;
}

interface Step {
  activity: string;
  slow: boolean;
  since: number;
  generation: number;
}

export function progressDisplay(
  stream: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): ProgressDisplay {
  const spinner = Boolean(stream.isTTY) && env.TERM !== 'dumb' && !isCi(env);
  return spinner ? spinnerDisplay(stream) : linesDisplay(stream);
}

function linesDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  let current: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    update(activity, info) {
      if (activity === current) return;
      current = activity;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (activity === undefined) return;
      const show = () => stream.write(`lockstep: ${activity}…\n`);
      if (info?.slow) return void show();
      timer = setTimeout(show, PROGRESS_DELAY_MS);
      timer.unref();
    },
    write(target, text) {
      target.write(text);
    },
  };
}

function spinnerDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  const shared = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const columns = () => stream.columns || 80;
  let worker: import('node:worker_threads').Worker | undefined;
  let step: Step | undefined;
  let frame = FIRST_FRAME;
  let interval: NodeJS.Timeout | undefined;

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
  const draw = (current: Step) =>
    exclusive(() => {
      stream.write(`${ERASE_LINE}${spinnerText(frame++, current.activity, Date.now() - current.since, columns())}`);
      Atomics.store(shared, SLOT.drawn, 1);
    });
  const startWorker = () => {
    const data: ProgressWorkerData = { shared, fd: (stream as { fd?: number }).fd ?? 2, columns: columns(), frameMs: FRAME_MS };
    // node:worker_threads is loaded only here, for the first slow step at a terminal.
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    worker = new Worker(new URL('./progress-worker.js', import.meta.url), { workerData: data, argv: [WORKER_ARGUMENT] });
    worker.unref();
    worker.on('error', () => (worker = undefined));
  };
  process.once('exit', () => exclusive(() => undefined));

  return {
    update(activity, info) {
      if (activity === step?.activity) return;
      // A new generation stops the worker drawing the step it was given, at once.
      const generation = Atomics.add(shared, SLOT.generation, 1) + 1;
      if (activity === undefined) {
        step = undefined;
        if (interval) clearInterval(interval);
        interval = undefined;
        exclusive(() => undefined);
        return;
      }
      const current: Step = { activity, slow: Boolean(info?.slow), since: Date.now(), generation };
      step = current;
      if (current.slow) {
        draw(current);
        if (!worker) startWorker();
        const message: ProgressMessage = { generation, activity, since: current.since };
        worker?.postMessage(message);
      }
      interval ??= setInterval(() => {
        // A slow step's spinner is the worker's; the others are drawn here once they last.
        if (step && !(step.slow && worker) && Date.now() - step.since >= PROGRESS_DELAY_MS) draw(step);
      }, FRAME_MS);
      interval.unref();
    },
    write(target, text) {
      // Writes to a terminal or a pipe are synchronous on Linux: the line is out when the lock is let go.
      exclusive(() => target.write(text));
    },
  };
}
