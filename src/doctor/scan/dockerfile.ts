/**
 * Dockerfiles: stages (`FROM ... AS name`) and their instructions, with line continuations,
 * comments, parser directives (`# escape=`), exec form (`["node", "server.js"]`), BuildKit
 * flags (`RUN --mount=...`, `COPY --from=build`) and heredocs (`RUN <<EOF`).
 */
import type { ShellWord } from './shell.js';
import type { TextFile } from './text-file.js';

export interface DockerInstruction {
  keyword: string;
  /** The arguments as written (continuations included), and their file offset. */
  args: string;
  argsStart: number;
  line: number;
  /** `--from=build`, `--chown=...`, `--mount=...`. */
  flags: Record<string, string>;
  /** Exec form: the JSON array's strings with their positions. */
  exec: ShellWord[] | undefined;
  /** RUN <<EOF: the heredoc body and its file offset. */
  heredoc: { text: string; start: number } | undefined;
}

export interface DockerStage {
  index: number;
  name: string | undefined;
  /** The image or earlier stage it starts from. */
  from: string;
  line: number;
  instructions: DockerInstruction[];
}

export interface Dockerfile {
  file: TextFile;
  stages: DockerStage[];
}

export function isDockerfileName(name: string): boolean {
  return /^(Dockerfile|dockerfile|Containerfile)(\..+)?$/.test(name) || /\.(Dockerfile|dockerfile)$/.test(name);
}

export function parseDockerfile(file: TextFile): Dockerfile {
  const text = file.text;
  let escapeChar = '\\';
  const directive = /^#\s*escape\s*=\s*(\S)/m.exec(text.slice(0, 200));
  if (
    directive &&
    text
      .slice(0, directive.index)
      .split('\n')
      .every((l) => /^#/.test(l) || l.trim() === '')
  )
    escapeChar = directive[1]!;

  const stages: DockerStage[] = [];
  let i = 0;
  while (i < text.length) {
    // Skip blank lines and comment lines.
    const lineEnd = indexOrEnd(text, '\n', i);
    const rawLine = text.slice(i, lineEnd);
    if (rawLine.trim() === '' || rawLine.trimStart().startsWith('#')) {
      i = lineEnd + 1;
      continue;
    }
    const lead = rawLine.length - rawLine.trimStart().length;
    const start = i + lead;
    const keywordMatch = /^([A-Za-z]+)\s*/.exec(text.slice(start, lineEnd));
    if (!keywordMatch) {
      i = lineEnd + 1;
      continue;
    }
    const keyword = keywordMatch[1]!.toUpperCase();
    let argsStart = start + keywordMatch[0].length;
    // The instruction runs to the first line that does not end with the escape character;
    // comment lines inside a continuation are skipped.
    let end = lineEnd;
    for (;;) {
      const line = text.slice(text.lastIndexOf('\n', end - 1) + 1, end).replace(/\r$/, '');
      if (!line.trimEnd().endsWith(escapeChar) || end >= text.length) break;
      let next = end + 1;
      for (;;) {
        const nextEnd = indexOrEnd(text, '\n', next);
        if (text.slice(next, nextEnd).trimStart().startsWith('#')) next = nextEnd + 1;
        else break;
      }
      end = indexOrEnd(text, '\n', next);
    }
    let args = text.slice(argsStart, end).replace(/\r$/, '');
    i = end + 1;
    const flags: Record<string, string> = {};
    for (;;) {
      const flag = /^--([a-z-]+)(?:=("[^"]*"|\S*))?\s+/.exec(args);
      if (!flag || keyword === 'CMD' || keyword === 'ENTRYPOINT') break;
      flags[flag[1]!] = (flag[2] ?? '').replace(/^"|"$/g, '');
      args = args.slice(flag[0].length);
      argsStart += flag[0].length;
    }
    let heredoc: DockerInstruction['heredoc'];
    const here = /^<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(args);
    if (here && (keyword === 'RUN' || keyword === 'COPY')) {
      const bodyStart = i;
      const marker = new RegExp(`^\\s*${here[3]}\\s*$`, 'm');
      const rest = text.slice(bodyStart);
      const close = marker.exec(rest);
      const bodyEnd = close ? bodyStart + close.index : text.length;
      heredoc = { text: text.slice(bodyStart, bodyEnd), start: bodyStart };
      i = close ? indexOrEnd(text, '\n', bodyEnd) + 1 : text.length;
    }
    const instruction: DockerInstruction = {
      keyword,
      args,
      argsStart,
      line: file.position(start).line,
      flags,
      exec: /^\s*\[/.test(args) ? execForm(args, argsStart) : undefined,
      heredoc,
    };
    if (keyword === 'FROM') {
      const words = args.trim().split(/\s+/);
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({
        index: stages.length,
        name: as !== -1 ? words[as + 1]?.toLowerCase() : undefined,
        from: words[0] ?? '',
        line: instruction.line,
        instructions: [],
      });
      continue;
    }
    stages[stages.length - 1]?.instructions.push(instruction);
  }
  return { file, stages };
}

function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at === -1 ? text.length : at;
}

/** `["a", "b"]` with the position of each string; undefined when it is not a JSON array of strings. */
function execForm(args: string, base: number): ShellWord[] | undefined {
  const words: ShellWord[] = [];
  let i = args.indexOf('[') + 1;
  for (;;) {
    while (/[\s,\\]/.test(args[i] ?? '') && !(args[i] === '\\' && args[i + 1] === '"')) i++;
    if (args[i] === ']') return words;
    if (args[i] !== '"') return undefined;
    const start = i + 1;
    let value = '';
    const map: number[] = [];
    i++;
    while (i < args.length && args[i] !== '"') {
      map.push(i);
      if (args[i] === '\\') {
        const e = args[i + 1];
        value += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
        i += 2;
        continue;
      }
      value += args[i];
      i++;
    }
    map.push(i);
    if (args[i] !== '"') return undefined;
    i++;
    words.push({ value, start: base + start - 1, end: base + i, inner: (at) => base + map[Math.min(at, map.length - 1)]! });
  }
}

/** The values set by ENV in a stage (and the stages it builds on), with where each is written. */
export function stageEnv(dockerfile: Dockerfile, stage: DockerStage): Map<string, { value: string; offset: number }> {
  const env = new Map<string, { value: string; offset: number }>();
  const parent = dockerfile.stages.find(
    (s) => s.name !== undefined && s.name === stage.from.toLowerCase() && s.index < stage.index,
  );
  if (parent) for (const [k, v] of stageEnv(dockerfile, parent)) env.set(k, v);
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== 'ENV') continue;
    const args = instruction.args;
    const pairs = /^[A-Za-z_][A-Za-z0-9_]*=/.test(args.trim())
      ? [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)]
      : [];
    if (pairs.length > 0) {
      for (const pair of pairs)
        env.set(pair[1]!, { value: pair[2]!.replace(/^["']|["']$/g, ''), offset: instruction.argsStart + pair.index! });
    } else {
      const legacy = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/s.exec(args);
      if (legacy) env.set(legacy[1]!, { value: legacy[2]!.trim(), offset: instruction.argsStart + args.indexOf(legacy[1]!) });
    }
  }
  return env;
}
