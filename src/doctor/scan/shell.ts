/**
 * A shell command line split the way a POSIX shell splits it, keeping where each word is written:
 * quotes, escapes, line continuations, comments, `&&`, `||`, `;`, `|`, `&` (background), newlines,
 * subshells and redirections. Enough to find the simple commands of a package.json script, a
 * Dockerfile RUN, a CI step or a shell script, and to point at each of them.
 */

export interface ShellWord {
  /** The word after quote removal. */
  value: string;
  /** Offsets of the word as written, in the file. */
  start: number;
  end: number;
  /** The file offset of an offset inside `value` (exact unless the word has escapes before it). */
  inner: (at: number) => number;
}

/** What joins a command to the one before it. `(` and `)` (a subshell) count as `;`. */
export type ShellOperator = '&&' | '||' | ';' | 'newline' | '&' | '|';

export interface SimpleCommand {
  words: ShellWord[];
  start: number;
  end: number;
  /** Runs in the background (`cmd &`), or in a pipe with the next one: what follows does not wait for it. */
  background: boolean;
  /** The operator between the previous command and this one; undefined for the first. */
  after: ShellOperator | undefined;
  /** Reserved words in front of it (`if`, `!`, `then`, `while`...): it is a condition or part of a compound command. */
  reserved: string[];
}

const RESERVED_PREFIX = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time']);
const RESERVED_ALONE = new Set(['fi', 'done', 'esac', '}', 'then', 'else', 'do']);

/** Splits `text`; `toFile` maps an offset in `text` to an offset in the file it was read from. */
export function parseShell(text: string, toFile: (at: number) => number = (at) => at): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let words: ShellWord[] = [];
  let dropNext = false;
  let i = 0;
  // The operator that ended the last command, which joins it to the next one.
  let pending: ShellOperator | undefined;

  const finish = (background: boolean, ending: ShellOperator) => {
    const reserved: string[] = [];
    while (words.length > 0 && RESERVED_PREFIX.has(words[0]!.value)) reserved.push(words.shift()!.value);
    if (words.length > 0 && !(words.length === 1 && RESERVED_ALONE.has(words[0]!.value))) {
      commands.push({
        words,
        start: words[0]!.start,
        end: words[words.length - 1]!.end,
        background,
        after: commands.length > 0 ? pending : undefined,
        reserved,
      });
      pending = ending;
    } else {
      if (background && commands.length > 0) commands[commands.length - 1]!.background = true;
      // No command here (a blank line, `fi`, `done`): `a &&<newline>b` keeps the `&&`, and `fi && b` joins b to what ran in the `if`.
      if (commands.length > 0 && pending !== '&&' && pending !== '||' && (ending === '&&' || ending === '||')) pending = ending;
    }
    words = [];
    dropNext = false;
  };

  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (ch === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') {
      i += 3;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '\n' || ch === ';' || ch === '(' || ch === ')') {
      finish(false, ch === '\n' ? 'newline' : ';');
      i++;
      if (ch === ';' && text[i] === ';') i++;
      continue;
    }
    if (ch === '&') {
      if (text[i + 1] === '&') {
        finish(false, '&&');
        i += 2;
      } else if (text[i + 1] === '>') {
        dropNext = true;
        i += 2;
      } else {
        finish(true, '&');
        i++;
      }
      continue;
    }
    if (ch === '|') {
      if (text[i + 1] === '|') {
        finish(false, '||');
        i += 2;
      } else {
        finish(true, '|');
        i += text[i + 1] === '&' ? 2 : 1;
      }
      continue;
    }
    if (ch === '>' || ch === '<') {
      i++;
      while (text[i] === '>' || text[i] === '&' || text[i] === '<') i++;
      // `2>&1`: the target is part of the operator.
      if (/[0-9-]/.test(text[i] ?? '') && text[i - 1] === '&') {
        while (/[0-9-]/.test(text[i] ?? '')) i++;
      } else {
        dropNext = true;
      }
      continue;
    }
    // A word.
    const start = i;
    let value = '';
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\\') {
        if (text[i + 1] === '\n') {
          i += 2;
          break;
        }
        value += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        const stop = close === -1 ? text.length : close;
        value += text.slice(i + 1, stop);
        i = stop + 1;
        continue;
      }
      if (c === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && /["\\$`\n]/.test(text[i + 1] ?? '')) {
            if (text[i + 1] !== '\n') value += text[i + 1];
            i += 2;
            continue;
          }
          if (text[i] === '$' && text[i + 1] === '(') {
            const close = matchingParen(text, i + 1);
            value += text.slice(i, close + 1);
            i = close + 1;
            continue;
          }
          value += text[i];
          i++;
        }
        i++;
        continue;
      }
      if (c === '$' && text[i + 1] === '(') {
        const close = matchingParen(text, i + 1);
        value += text.slice(i, close + 1);
        i = close + 1;
        continue;
      }
      if (c === '`') {
        const close = text.indexOf('`', i + 1);
        const stop = close === -1 ? text.length : close;
        value += text.slice(i, stop + 1);
        i = stop + 1;
        continue;
      }
      if (/[\s;&|()<>]/.test(c)) break;
      // A redirection glued to a word's digits (`2>/dev/null`) ends the word.
      value += c;
      i++;
    }
    if (/^\d+$/.test(value) && (text[i] === '>' || text[i] === '<')) continue;
    if (dropNext) {
      dropNext = false;
      continue;
    }
    const contentStart = text[start] === '"' || text[start] === "'" ? start + 1 : start;
    words.push({ value, start: toFile(start), end: toFile(i), inner: (at) => toFile(contentStart + at) });
  }
  finish(false, 'newline');
  return commands;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return text.length - 1;
}
