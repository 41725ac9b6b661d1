import { readFileSync } from 'node:fs';

/** A fenced code block of a markdown file. */
export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** The `## ` section it is in. */
  section: string;
  /** The reason given by `<!-- not-run: reason -->` on the line before the fence (blank lines allowed). */
  notRun: string | undefined;
}

export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const open = /^(\s*)(`{3,})([\w-]*)\s*$/.exec(line);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^\\s*${fence}\\s*$`).test(lines[j]!); j++)
      body.push(lines[j]!.startsWith(indent!) ? lines[j]!.slice(indent!.length) : lines[j]!);
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const mark = k >= 0 ? /^\s*<!--\s*not-run:\s*(.+?)\s*-->\s*$/.exec(lines[k]!) : null;
    blocks.push({ file, line: i + 1, lang: lang!, code: body.join('\n'), section, notRun: mark?.[1] });
    i = j;
  }
  return blocks;
}

/**
 * The simple commands of a shell block: continuation lines joined, comments dropped, split at
 * `&&`, `||`, `;` and `|`, each as its words (quotes removed; `<placeholder words>` kept as one
 * word; redirections dropped).
 */
export function shellCommands(code: string): string[][] {
  const text = code.replace(/\\\n/g, ' ');
  const commands: string[][] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/^\s*\$ /, '');
    let words: string[] = [];
    let word: string | undefined;
    let redirect = false;
    const push = () => {
      if (word === undefined) return;
      if (redirect) redirect = false;
      else words.push(word);
      word = undefined;
    };
    const end = () => {
      push();
      if (words.length) commands.push(words);
      words = [];
    };
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (c === "'" || c === '"') {
        const close = line.indexOf(c, i + 1);
        word = (word ?? '') + line.slice(i + 1, close < 0 ? undefined : close);
        i = close < 0 ? line.length : close;
      } else if (c === ' ' || c === '\t') push();
      else if (c === '#' && word === undefined) break;
      else if (c === '<' && word === undefined && line.indexOf('>', i) > i) {
        const close = line.indexOf('>', i);
        word = line.slice(i, close + 1);
        i = close;
      } else if (c === '>' || (c === '<' && word === undefined)) {
        if (word !== undefined && /^\d$/.test(word)) word = undefined;
        push();
        redirect = true;
        if (line[i + 1] === '&') i++;
      } else if (c === ';' || c === '|' || (c === '&' && line[i + 1] === '&')) {
        end();
        if (line[i + 1] === '|' || line[i + 1] === '&') i++;
      } else word = (word ?? '') + c;
    }
    end();
  }
  return commands;
}

/** The lockstep invocation in a simple command (after `VAR=value` assignments and `npx`), or undefined. */
export function lockstepArgs(words: string[]): string[] | undefined {
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) i++;
  if (words[i] === 'npx' || words[i] === 'exec') i++;
  return words[i] === 'lockstep' ? words.slice(i + 1) : undefined;
}

/**
 * The shell command lines inside a non-shell block: a YAML step's `run:` (one line or a `|` block),
 * a Dockerfile's RUN, CMD and ENTRYPOINT (shell or JSON exec form).
 */
export function embeddedShell(lang: string, code: string): string {
  const lines = code.split('\n');
  const out: string[] = [];
  if (lang === 'yaml' || lang === 'yml') {
    for (let i = 0; i < lines.length; i++) {
      const run = /^(\s*)(?:-\s+)?run:\s*(.*)$/.exec(lines[i]!);
      if (!run) continue;
      if (/^[|>]/.test(run[2]!)) {
        const indent = run[1]!.length;
        for (i++; i < lines.length && (lines[i]!.trim() === '' || lines[i]!.search(/\S/) > indent); i++)
          out.push(lines[i]!.trim());
        i--;
      } else out.push(run[2]!);
    }
  } else if (lang === 'dockerfile') {
    for (const line of lines) {
      const instruction = /^\s*(?:RUN|CMD|ENTRYPOINT)\s+(.*)$/i.exec(line);
      if (!instruction) continue;
      const body = instruction[1]!.trim();
      if (body.startsWith('[')) {
        try {
          out.push((JSON.parse(body) as string[]).map((word) => (/[\s"']/.test(word) ? `'${word}'` : word)).join(' '));
        } catch {
          out.push(body);
        }
      } else out.push(body);
    }
  }
  return out.join('\n');
}
