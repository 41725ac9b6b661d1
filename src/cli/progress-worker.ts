/**
 * The spinner of a slow step, turned in a thread of its own so that it keeps moving while the
 * main thread is busy (see progress.ts). It writes straight to stderr's file descriptor.
 */
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Slots of the shared Int32Array: the write lock (0 free, 1 the main thread, 2 this worker), whether a spinner line is drawn, the current step's generation. */
export const SLOT = { lock: 0, drawn: 1, generation: 2 } as const;

export interface ProgressWorkerData {
  shared: Int32Array;
  fd: number;
  columns: number;
  frameMs: number;
}

export interface ProgressMessage {
  generation: number;
  activity: string;
  since: number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
export const FIRST_FRAME = 0;

/** One frame of the spinner line: `⠋ Waiting for the migration lock… 3s`, cut to the terminal's width. */
export function spinnerText(frame: number, activity: string, waitedMs: number, columns: number): string {
  const seconds = Math.floor(waitedMs / 1000);
  const text = `${FRAMES[frame % FRAMES.length]} ${activity.charAt(0).toUpperCase()}${activity.slice(1)}…${seconds >= 2 ? ` ${seconds}s` : ''}`;
  return text.slice(0, Math.max(10, columns - 1));
}

/** What progress.ts appends to the worker's process.argv: the module then runs as the worker (the main thread does not load node:worker_threads for it). */
export const WORKER_ARGUMENT = '--lockstep-progress-worker';

function run(data: ProgressWorkerData, port: import('node:worker_threads').MessagePort): void {
  const { shared, fd } = data;
  let step: ProgressMessage | undefined;
  let frame = FIRST_FRAME + 1;
  port.on('message', (message: ProgressMessage) => (step = message));
  setInterval(() => {
    // Draw only while the step is still the current one, and never while the main thread writes.
    if (!step || Atomics.load(shared, SLOT.generation) !== step.generation) return;
    if (Atomics.compareExchange(shared, SLOT.lock, 0, 2) !== 0) return;
    try {
      if (Atomics.load(shared, SLOT.generation) !== step.generation) return;
      writeSync(fd, `\r\u001b[K${spinnerText(frame++, step.activity, Date.now() - step.since, data.columns)}`);
      Atomics.store(shared, SLOT.drawn, 1);
    } catch {
      /* a full or closed stderr: the spinner is not worth an error */
    } finally {
      Atomics.store(shared, SLOT.lock, 0);
      Atomics.notify(shared, SLOT.lock);
    }
  }, data.frameMs);
}

if (process.argv.includes(WORKER_ARGUMENT)) {
  const { isMainThread, parentPort, workerData } = createRequire(import.meta.url)(
    'node:worker_threads',
  ) as typeof import('node:worker_threads');
  if (!isMainThread && parentPort && (workerData as ProgressWorkerData | undefined)?.shared)
    run(workerData as ProgressWorkerData, parentPort);
}
