/**
 * .gitignore and .dockerignore, matched the way git and Docker match them.
 *
 * git (gitignore(5)): blank lines and `#` comments are skipped; `!` re-includes; a trailing `/`
 * matches directories only; a pattern with a `/` at its start or in its middle is relative to the
 * directory of the .gitignore, otherwise it matches a name at any depth below it; `*` and `?` do
 * not cross `/`; `**` matches any number of directories; the last matching pattern wins; a file
 * inside an ignored directory is ignored whatever later patterns say (git does not descend into
 * ignored directories). Nested .gitignore files apply below their directory and win over the ones
 * above them.
 *
 * Docker (.dockerignore): every pattern is relative to the root of the build context, whether or
 * not it has a `/`; a pattern excludes what it matches and everything below it; `!` re-includes,
 * also inside an excluded directory; the last matching pattern wins.
 */

interface Rule {
  /** Directory of the ignore file, relative to the scanned root ('' for the root), ending in '/' unless ''. */
  base: string;
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
  /** The pattern as written, with the file and line, to say why a path is ignored. */
  source: { file: string; line: number; pattern: string };
}

export interface IgnoreVerdict {
  ignored: boolean;
  /** The pattern that decided, when one did. */
  rule: { file: string; line: number; pattern: string } | undefined;
}

/** Translates a glob body to a regular expression body (no anchors). */
function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const before = i === 0 || glob[i - 1] === '/';
        const after = glob[i + 2] === '/' || i + 2 === glob.length;
        if (before && after) {
          if (glob[i + 2] === '/') {
            out += '(?:.*/)?';
            i += 2;
          } else {
            out += '.*';
            i += 1;
          }
          continue;
        }
      }
      out += '[^/]*';
      continue;
    }
    if (c === '?') {
      out += '[^/]';
      continue;
    }
    if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close !== -1) {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
        continue;
      }
    }
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[i + 1]!);
      i++;
      continue;
    }
    out += escapeRegex(c);
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

function readPatterns(text: string): Array<{ pattern: string; line: number }> {
  const out: Array<{ pattern: string; line: number }> = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    let line = raw;
    if (line.startsWith('#') || line.trim() === '') return;
    // Trailing spaces are ignored unless escaped.
    line = line.replace(/(?<!\\)\s+$/, '');
    if (line === '') return;
    out.push({ pattern: line, line: index + 1 });
  });
  return out;
}

/** The .gitignore files of a tree. */
export class GitIgnore {
  private readonly rules: Rule[] = [];

  /** Adds an ignore file found at `file` (relative to the root, e.g. `apps/api/.gitignore`). */
  add(file: string, text: string): this {
    const slash = file.lastIndexOf('/');
    const base = slash === -1 ? '' : file.slice(0, slash + 1);
    for (const { pattern: written, line } of readPatterns(text)) {
      let pattern = written;
      const negate = pattern.startsWith('!');
      if (negate) pattern = pattern.slice(1);
      else if (pattern.startsWith('\\!') || pattern.startsWith('\\#')) pattern = pattern.slice(1);
      const dirOnly = pattern.endsWith('/');
      if (dirOnly) pattern = pattern.replace(/\/+$/, '');
      if (pattern === '') continue;
      const anchored = pattern.includes('/');
      if (pattern.startsWith('/')) pattern = pattern.slice(1);
      const body = globToRegex(pattern);
      const regex = new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`);
      this.rules.push({ base, regex, negate, dirOnly, source: { file, line, pattern: written } });
    }
    // Deeper files win: keep rules ordered by depth of their base, then by line.
    this.rules.sort((a, b) => a.base.split('/').length - b.base.split('/').length);
    return this;
  }

  private verdictOf(path: string, isDir: boolean): IgnoreVerdict | undefined {
    let verdict: IgnoreVerdict | undefined;
    for (const rule of this.rules) {
      if (rule.base && !path.startsWith(rule.base)) continue;
      if (rule.dirOnly && !isDir) continue;
      if (rule.regex.test(path.slice(rule.base.length))) verdict = { ignored: !rule.negate, rule: rule.source };
    }
    return verdict;
  }

  /** Whether git ignores `path` (relative to the root, `/`-separated). */
  check(path: string, isDir = false): IgnoreVerdict {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = this.verdictOf(parts.slice(0, i).join('/'), true);
      if (parent?.ignored) return parent;
    }
    return this.verdictOf(path, isDir) ?? { ignored: false, rule: undefined };
  }

  get size(): number {
    return this.rules.length;
  }
}

/** A .dockerignore at the root of a build context. */
export class DockerIgnore {
  private readonly rules: Array<{ regex: RegExp; negate: boolean; source: { file: string; line: number; pattern: string } }> = [];

  constructor(
    readonly file: string,
    text: string,
  ) {
    for (const { pattern: written, line } of readPatterns(text)) {
      let pattern = written.trim();
      const negate = pattern.startsWith('!');
      if (negate) pattern = pattern.slice(1).trim();
      pattern = cleanPath(pattern);
      if (pattern === '' || pattern === '.') continue;
      this.rules.push({ regex: new RegExp(`^${globToRegex(pattern)}$`), negate, source: { file, line, pattern: written } });
    }
  }

  /** Whether a path relative to the context root is left out of the build context. */
  check(path: string): IgnoreVerdict {
    const parts = cleanPath(path).split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let verdict: IgnoreVerdict = { ignored: false, rule: undefined };
    for (const rule of this.rules) {
      if (prefixes.some((prefix) => rule.regex.test(prefix))) verdict = { ignored: !rule.negate, rule: rule.source };
    }
    return verdict;
  }
}

/** filepath.Clean for `/`-separated relative paths: no leading `/` or `./`, no `.` or empty segments, `..` resolved. */
function cleanPath(path: string): string {
  const out: string[] = [];
  for (const segment of path.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return out.join('/');
}
