/**
 * The progress line's timer and spinner, in a thread of its own so that it keeps time while the
 * main thread is busy (see progress.ts). It writes straight to stderr's file descriptor.
 */
import { writeSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Slots of the shared Int32Array: the write lock (0 free, 1 the main thread, 2 this worker), whether a spinner line is drawn, the current step's generation. */
export const SLOT = { lock: 0, drawn: 1, generation: 2 } as const;

export interface ProgressWorkerData {
  shared: Int32Array;
  fd: number;
  mode: 'spinner' | 'lines';
  delayMs: number;
  columns: number;
}

export interface ProgressMessage {
  generation: number;
  activity: string;
  slow: boolean;
  /** The main thread has shown it already (its plain line, or the spinner's first frame). */
  shown: boolean;
  since: number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
export const FIRST_FRAME = 0;
const FRAME_MS = 100;

/** One frame of the spinner line: `⠋ Waiting for the migration lock… 3s`, cut to the terminal's width. */
export function spinnerText(frame: number, activity: string, waitedMs: number, columns: number): string {
  const seconds = Math.floor(waitedMs / 1000);
  const text = `${FRAMES[frame % FRAMES.length]} ${activity.charAt(0).toUpperCase()}${activity.slice(1)}…${seconds >= 2 ? ` ${seconds}s` : ''}`;
  return text.slice(0, Math.max(10, columns - 1));
}

function run(data: ProgressWorkerData, port: NonNullable<typeof parentPort>): void {
  const { shared, fd } = data;
  let step: ProgressMessage | undefined;
  let frame = FIRST_FRAME + 1;
  let timer: NodeJS.Timeout | undefined;
  const live = (message: ProgressMessage) => Atomics.load(shared, SLOT.generation) === message.generation;
  /** Writes `text` unless the main thread holds the lock or the step is over. */
  const write = (message: ProgressMessage, text: string, drawn: boolean): boolean => {
    if (Atomics.compareExchange(shared, SLOT.lock, 0, 2) !== 0) return false;
    try {
      if (!live(message)) return false;
      try {
        writeSync(fd, text);
      } catch {
        return true; // a full or closed stderr: progress is not worth an error
      }
      if (drawn) Atomics.store(shared, SLOT.drawn, 1);
      return true;
    } finally {
      Atomics.store(shared, SLOT.lock, 0);
      Atomics.notify(shared, SLOT.lock);
    }
  };

  if (data.mode === 'spinner') {
    setInterval(() => {
      if (!step || !live(step)) return;
      const waited = Date.now() - step.since;
      if (!step.slow && waited < data.delayMs) return;
      write(step, `\r\u001b[K${spinnerText(frame++, step.activity, waited, data.columns)}`, true);
    }, FRAME_MS);
  }

  port.on('message', (message: ProgressMessage) => {
    step = message;
    if (data.mode !== 'lines' || message.shown) return;
    if (timer) clearTimeout(timer);
    const show = () => {
      // A line that cannot be written now (lockstep is writing one) is written a moment later.
      if (live(message) && !write(message, `lockstep: ${message.activity}…\n`, false) && live(message)) timer = setTimeout(show, 10);
    };
    timer = setTimeout(show, message.slow ? 0 : Math.max(0, data.delayMs - (Date.now() - message.since)));
  });
}

if (!isMainThread && parentPort && (workerData as ProgressWorkerData | undefined)?.shared) run(workerData as ProgressWorkerData, parentPort);
