/**
 * What lockstep is waiting for, shown on stderr so that a first run (starting the embedded
 * database, loading a TypeScript config, connecting, waiting for the migration lock) never sits
 * silent. A step that ends quickly shows nothing. On an interactive terminal it is one line with
 * a spinner, rewritten in place and erased when the wait is over; in CI, on a pipe or a dumb
 * terminal, one plain line per step. Never on stdout, which --json owns.
 */

/** A step that lasts longer than this is shown: well within a second of its start. */
export const PROGRESS_DELAY_MS = 400;
const FRAME_MS = 100;
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface ProgressDisplay {
  /**
   * The listener for ProjectOptions.onProgress: the current wait, or undefined when it is over.
   * A `slow` step is shown at once: it may keep the event loop busy (PGlite's start-up compiles
   * WebAssembly), so a timer would fire only after it.
   */
  update(activity: string | undefined, info?: { slow?: boolean }): void;
  /** Erases the spinner line before other output is written (it comes back on its next frame). */
  clear(): void;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

export function progressDisplay(stream: Stream, env: NodeJS.ProcessEnv = process.env): ProgressDisplay {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return stream.isTTY && env.TERM !== 'dumb' && !ci ? spinner(stream) : plainLines(stream);
}

const sentence = (activity: string) => activity.charAt(0).toUpperCase() + activity.slice(1);

function plainLines(stream: Stream): ProgressDisplay {
  let timer: NodeJS.Timeout | undefined;
  let current: string | undefined;
  return {
    update(activity, info) {
      if (activity === current) return;
      current = activity;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (activity === undefined) return;
      const show = () => {
        timer = undefined;
        stream.write(`lockstep: ${activity}…\n`);
      };
      if (info?.slow) return show();
      timer = setTimeout(show, PROGRESS_DELAY_MS);
      timer.unref();
    },
    clear() {},
  };
}

function spinner(stream: Stream): ProgressDisplay {
  let current: string | undefined;
  let since = 0;
  let frame = 0;
  let drawn = false;
  let timer: NodeJS.Timeout | undefined;
  const erase = () => {
    if (drawn) stream.write('\r\u001b[K');
    drawn = false;
  };
  const draw = () => {
    if (current === undefined) return;
    const waited = Math.floor((Date.now() - since) / 1000);
    const columns = (stream as { columns?: number }).columns || 80;
    const text = `${FRAMES[frame++ % FRAMES.length]} ${sentence(current)}…${waited >= 2 ? ` ${waited}s` : ''}`;
    stream.write(`\r\u001b[K${text.slice(0, Math.max(10, columns - 1))}`);
    drawn = true;
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    erase();
  };
  process.once('exit', erase);
  return {
    update(activity, info) {
      if (activity === current) return;
      if (activity === undefined) {
        current = undefined;
        stop();
        return;
      }
      current = activity;
      since = Date.now();
      if (drawn || info?.slow) draw();
      if (timer) return;
      timer = setInterval(() => {
        if (Date.now() - since >= PROGRESS_DELAY_MS) draw();
      }, FRAME_MS);
      timer.unref();
    },
    clear: erase,
  };
}
