/**
 * The commands a module starts through a child process: `execSync('prisma migrate deploy')`,
 * `spawn('npx', ['drizzle-kit', 'migrate'])`, execa, zx's and Bun's `$\`...\``, and functions
 * made from them with `promisify`. Only callees bound to those modules count (a regular
 * expression's `.exec()` does not), and only what can be read statically: string literals,
 * template literals, `const` values, and a binary held in a variable named for its tool
 * (`prismaBin`, `drizzleKitPath`).
 */
import { type AstNode, memberPath, unwrapExpression, walk } from '../../js/estree.js';
import type { ParsedSource } from '../scan/source-index.js';
import type { ShellWord } from '../scan/shell.js';
import type { ShellSource } from '../scan/shell-source.js';
import { evaluate, moduleBindings, UNKNOWN, type EvalContext } from './static-eval.js';

const PROCESS_MODULES = new Set(['child_process', 'node:child_process', 'execa', 'zx', 'zx/core', 'bun']);
/** Functions that run a command line through a shell. */
const SHELL_LINE = new Set(['exec', 'execSync', 'execaCommand', 'execaCommandSync', '$']);
/** Functions that run a file with an argument list. */
const ARGV = new Set(['execFile', 'execFileSync', 'spawn', 'spawnSync', 'execa', 'execaSync']);
/** A variable that holds a tool's binary: `prismaBin`, `PRISMA_CLI`, `drizzleKitPath`. */
const TOOL_VARIABLE = /^(prisma|drizzle[-_]?kit|typeorm|lockstep)([-_]?(bin|binary|cli|path|cmd|command|exe|executable))?$/i;

export interface ExecCommand {
  source: ShellSource;
  /** Offset of the call. */
  offset: number;
}

export function execCommands(parsed: ParsedSource): ExecCommand[] {
  const program = parsed.program as unknown as AstNode;
  // Local name -> the function it is (execSync, spawn...); namespaces of child_process.
  const functions = new Map<string, string>();
  const namespaces = new Set<string>(['Bun']);
  for (const imp of parsed.imports) {
    if (!PROCESS_MODULES.has(imp.specifier)) continue;
    for (const b of imp.bindings) {
      if (b.imported === '*' || b.imported === 'default') namespaces.add(b.local);
      else functions.set(b.local, b.imported);
    }
  }
  walk(program, (node) => {
    if (node.type !== 'VariableDeclarator') return;
    const init = unwrapExpression(node.init as AstNode);
    if (init?.type !== 'CallExpression') return;
    const callee = memberPath(init.callee as AstNode);
    const id = node.id as AstNode;
    // require('child_process')
    if (callee?.length === 1 && callee[0] === 'require') {
      const arg = (init.arguments as AstNode[])[0];
      if (arg?.type !== 'Literal' || !PROCESS_MODULES.has(arg.value as string)) return;
      if (id.type === 'Identifier') namespaces.add(id.name as string);
      if (id.type === 'ObjectPattern') {
        for (const p of id.properties as AstNode[]) {
          const key = p.key as AstNode | undefined;
          const value = p.value as AstNode | undefined;
          if (key?.type === 'Identifier' && value?.type === 'Identifier') functions.set(value.name as string, key.name as string);
        }
      }
      return;
    }
    // const execAsync = promisify(exec)
    if (callee && callee[callee.length - 1] === 'promisify' && id.type === 'Identifier') {
      const target = known(memberPath((init.arguments as AstNode[])[0]));
      if (target) functions.set(id.name as string, target);
    }
  });

  function known(path: string[] | undefined): string | undefined {
    if (!path) return undefined;
    if (path.length === 1) return functions.get(path[0]!);
    if (path.length === 2 && namespaces.has(path[0]!)) return path[1]!;
    return undefined;
  }

  const ctx: EvalContext = { env: {}, ...moduleBindings(program) };
  const text = parsed.file.text;
  const out: ExecCommand[] = [];
  walk(program, (node) => {
    if (node.type === 'TaggedTemplateExpression') {
      const tag = unwrapExpression(node.tag as AstNode);
      const name = tag?.type === 'CallExpression' ? known(memberPath(tag.callee as AstNode)) : known(memberPath(tag));
      if (name === '$') out.push({ source: templateSource(node.quasi as AstNode, text), offset: node.start });
      return;
    }
    if (node.type !== 'CallExpression') return;
    const name = known(memberPath(node.callee as AstNode));
    if (!name) return;
    const args = node.arguments as AstNode[];
    const first = unwrapExpression(args[0]);
    if (!first) return;
    if (SHELL_LINE.has(name)) {
      const source = lineSource(first, text, ctx);
      if (source) out.push({ source, offset: node.start });
      return;
    }
    if (ARGV.has(name)) {
      // Bun.spawn(['prisma', 'migrate', 'deploy']) takes one array; the others a file and an array.
      const items =
        first.type === 'ArrayExpression'
          ? (first.elements as AstNode[])
          : [
              first,
              ...((unwrapExpression(args[1])?.type === 'ArrayExpression'
                ? unwrapExpression(args[1])!.elements
                : []) as AstNode[]),
            ];
      const words = items.filter(Boolean).map((item) => word(item, text, ctx));
      if (words.length > 0 && words[0]!.value !== '') out.push({ source: { kind: 'words', words }, offset: node.start });
    }
  });
  return out;
}

function lineSource(node: AstNode, text: string, ctx: EvalContext): ShellSource | undefined {
  if (node.type === 'Literal' && typeof node.value === 'string') {
    const start = node.start + 1;
    return { kind: 'shell', text: text.slice(start, node.end - 1), toFile: (at) => start + at };
  }
  if (node.type === 'TemplateLiteral') return templateSource(node, text);
  const value = evaluate(node, ctx);
  if (typeof value === 'string') return { kind: 'shell', text: value, toFile: () => node.start };
  return undefined;
}

/** A template literal as shell text, written as it is (`${...}` parts stay as they are written). */
function templateSource(node: AstNode, text: string): ShellSource {
  const start = node.start + 1;
  return { kind: 'shell', text: text.slice(start, node.end - 1), toFile: (at) => start + at };
}

function word(node: AstNode, text: string, ctx: EvalContext): ShellWord {
  const n = unwrapExpression(node) ?? node;
  const at = (value: string, start = n.start, end = n.end): ShellWord => ({ value, start, end, inner: () => start });
  if (n.type === 'Literal' && typeof n.value === 'string')
    return { value: n.value, start: n.start, end: n.end, inner: (i) => n.start + 1 + i };
  const value = evaluate(n, ctx);
  if (typeof value === 'string') return at(value);
  if (value === UNKNOWN && n.type === 'Identifier' && TOOL_VARIABLE.test(n.name as string)) {
    const tool = /^(prisma|drizzle[-_]?kit|typeorm|lockstep)/i
      .exec(n.name as string)![1]!
      .toLowerCase()
      .replace(/[-_]/, '');
    return at(tool === 'drizzlekit' ? 'drizzle-kit' : tool);
  }
  return at(text.slice(n.start, n.end));
}
