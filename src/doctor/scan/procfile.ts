/** Procfile (Heroku, Dokku, Render...): `release:` runs before the new `web:` processes start. */
import type { ShellSource } from './shell-source.js';
import type { TextFile } from './text-file.js';

export interface ProcfileEntry {
  type: string;
  command: ShellSource;
  line: number;
}

export function parseProcfile(file: TextFile): ProcfileEntry[] {
  const entries: ProcfileEntry[] = [];
  let offset = 0;
  file.text.split('\n').forEach((raw, index) => {
    const match = /^([A-Za-z0-9_-]+):\s*(.*?)\s*$/.exec(raw.replace(/\r$/, ''));
    if (match && !raw.trimStart().startsWith('#') && match[2]) {
      const at = offset + raw.indexOf(match[2], match[1]!.length + 1);
      entries.push({ type: match[1]!, command: { kind: 'shell', text: match[2], toFile: (o) => at + o }, line: index + 1 });
    }
    offset += raw.length + 1;
  });
  return entries;
}
