import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/**
 * Runs code of the project (an ORM config, a TypeORM data source, entities and migrations) with the
 * project's folder as the working directory, as the ORM's CLI runs it when started there (`cd
 * packages/db && npx typeorm migration:run`): `process.cwd()`, `path.resolve('…')`, relative file
 * reads, relative globs and dotenv's default `.env` all resolve against the project, wherever
 * lockstep itself was started.
 *
 * The working directory belongs to the whole process, and the API runs inside the user's process,
 * so the change is kept as small and as safe as it can be:
 * - it lasts only while `fn` runs, and the previous directory is restored when `fn` resolves or
 *   throws;
 * - calls for the same folder share one change (concurrent deploys of one project to several
 *   databases, nested calls), so they neither wait for each other nor restore too early;
 * - a call for another folder waits until those are done: two projects never run in each other's
 *   folder;
 * - where process.chdir is not available (a worker thread), `process.cwd()` answers the project's
 *   folder instead, which covers process.cwd() and path.resolve but not file calls on relative paths.
 * Other code of the process that runs meanwhile (timers, requests already being served) sees the
 * project's folder too; `await deploy()` before the app starts, as the README shows, has none.
 */
export async function inProjectDir<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const dir = resolve(root);
  // Called from code that already runs in a project's folder (and still does).
  const inside = current.getStore();
  if (inside !== undefined && active?.dir === inside) {
    if (inside === dir) return fn();
    throw new Error(`lockstep: code of ${dir} was asked to run while code of ${inside} runs`);
  }
  await enter(dir);
  try {
    return await current.run(dir, fn);
  } finally {
    leave();
  }
}

/** The project folder the calling code runs in, if any. */
const current = new AsyncLocalStorage<string>();

let active: { dir: string; restore: () => void; holders: number } | undefined;
const waiting: Array<() => void> = [];

async function enter(dir: string): Promise<void> {
  while (active && active.dir !== dir) await new Promise<void>((wake) => waiting.push(wake));
  if (active) {
    active.holders++;
    return;
  }
  active = { dir, restore: switchTo(dir), holders: 1 };
}

function leave(): void {
  if (!active || --active.holders > 0) return;
  const { restore } = active;
  active = undefined;
  restore();
  for (const wake of waiting.splice(0)) wake();
}

/** Makes `dir` the working directory; returns what puts the previous one back. */
function switchTo(dir: string): () => void {
  const previous = process.cwd();
  if (previous === dir) return () => undefined;
  if (isMainThread) {
    process.chdir(dir);
    return () => {
      try {
        process.chdir(previous);
      } catch {
        /* the previous directory was removed meanwhile: there is nothing to go back to */
      }
    };
  }
  const cwd = Object.getOwnPropertyDescriptor(process, 'cwd')!;
  Object.defineProperty(process, 'cwd', { ...cwd, value: () => dir });
  return () => Object.defineProperty(process, 'cwd', cwd);
}
