import type { ShellWord } from './shell.js';

/**
 * A command as a file writes it: shell text (a script line, a RUN, a `run:` block) with the file
 * offset of each of its offsets, or words already split (exec form, a YAML list).
 */
export type ShellSource = { kind: 'shell'; text: string; toFile: (at: number) => number } | { kind: 'words'; words: ShellWord[] };
