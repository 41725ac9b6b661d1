/**
 * What a simple shell command does, as far as migrations are concerned: which ORM command it
 * runs (through npx, pnpm exec, yarn, dotenv, cross-env...), which package.json script it calls,
 * which file it starts with node, or whether it starts or deploys the app.
 */
import type { ShellWord } from './shell.js';

export type MigratorKind =
  | 'prisma-migrate-deploy'
  | 'drizzle-kit-migrate'
  | 'typeorm-migration-run'
  | 'lockstep-deploy'
  /** A script of the project that runs a migrator from code (drizzle-orm's migrate(), TypeORM's runMigrations()). */
  | 'migrate-script';

export type CommandKind =
  | MigratorKind
  | 'prisma-db-push'
  | 'prisma-migrate-dev'
  | 'prisma-migrate-reset'
  | 'prisma-generate'
  | 'drizzle-kit-push'
  | 'typeorm-schema-sync'
  | 'typeorm-schema-drop'
  /** `npm run X`, `pnpm X`, `yarn workspace W X`, `turbo run X`...: a package.json script. */
  | 'run-script'
  /** `sh deploy.sh`, `./entrypoint.sh`. */
  | 'shell-script'
  /** `node dist/server.js`, `tsx src/main.ts`: a file of the project, judged by its code. */
  | 'node-file'
  /** Commands that run others: `sh -c "..."`, `concurrently "a" "b"`, `run-s a b`. */
  | 'group'
  /** Starts the app: `next start`, `nest start`, `pm2-runtime`... */
  | 'app-start'
  /** Deploys the app from CI: `fly deploy`, `kubectl apply`, `vercel --prod`... */
  | 'app-deploy'
  | 'other';

export const MIGRATOR_KINDS: ReadonlySet<CommandKind> = new Set<CommandKind>([
  'prisma-migrate-deploy',
  'drizzle-kit-migrate',
  'typeorm-migration-run',
  'lockstep-deploy',
  'migrate-script',
]);
/** Migrators that take a database lock, so that concurrent runs wait for each other. */
export const LOCKED_MIGRATORS: ReadonlySet<CommandKind> = new Set<CommandKind>(['prisma-migrate-deploy', 'lockstep-deploy']);

export interface ScriptCall {
  name: string;
  runner: 'npm' | 'pnpm' | 'yarn' | 'bun' | 'turbo' | 'npm-run-all';
  /** A workspace package named by --filter, -w, `yarn workspace`; `*` for all of them (turbo without a filter, `pnpm -r`). */
  workspace: string | undefined;
  /** Every workspace selector, when there are several (`--filter a --filter b`). */
  workspaces?: string[];
  /** A directory named by --prefix, -C, --dir, --cwd; `/` for the workspace root (pnpm -w). */
  dir: string | undefined;
  /** The script runs in several packages: at the same time (turbo, pnpm -r) or one after the other (npm --workspaces). */
  fanOut?: 'parallel' | 'sequential';
  /** Words passed on to the script (`pnpm with-env prisma generate`, `npm run with:env -- prisma generate`). */
  args?: ShellWord[];
}

export interface GroupPart {
  /** Shell text to parse (`sh -c`, `concurrently`), with the file offset of each of its offsets. */
  shell?: { text: string; toFile: (at: number) => number };
  script?: ScriptCall;
}

export interface ClassifiedCommand {
  kind: CommandKind;
  /** The words after wrappers (npx, dotenv, cross-env, VAR=value...) are removed. */
  words: ShellWord[];
  /** VAR=value assignments in front of the command and in env/cross-env. */
  env: Record<string, string>;
  script?: ScriptCall;
  /** node-file and shell-script: the file as written. */
  file?: string;
  /** lockstep deploy -- <app>: the app command. */
  then?: ShellWord[];
  /** group: the parts and whether they run at the same time. */
  parts?: GroupPart[];
  parallel?: boolean;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const NODE_OPTIONS_WITH_VALUE = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '--env-file',
  '-P',
  '--project',
  '-O',
  '--compiler-options',
  '--tsconfig',
  '-C',
  '--conditions',
  '--title',
]);
const APP_START_TOOLS: Record<string, (args: string[]) => boolean> = {
  next: (a) => a[0] === 'start',
  nest: (a) => a[0] === 'start' && !a.includes('--watch'),
  nuxt: (a) => a[0] === 'start' || a[0] === 'preview',
  nuxi: (a) => a[0] === 'start' || a[0] === 'preview',
  'remix-serve': () => true,
  'react-router-serve': () => true,
  'pm2-runtime': () => true,
  pm2: (a) => a[0] === 'start',
  sails: (a) => a[0] === 'lift',
  astro: (a) => a[0] === 'preview',
};

/** Splits off `VAR=value` assignments and wrapper commands; returns what remains. */
function unwrap(words: ShellWord[], isScript: (name: string) => boolean): { words: ShellWord[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  let rest = words;
  for (let guard = 0; guard < 20 && rest.length > 0; guard++) {
    const head = rest[0]!.value;
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(head);
    if (assignment) {
      env[assignment[1]!] = assignment[2]!;
      rest = rest.slice(1);
      continue;
    }
    const base = baseName(head);
    if (base === 'env' || base === 'cross-env' || base === 'cross-env-shell') {
      rest = rest.slice(1);
      while (rest[0] && /^-/.test(rest[0].value)) rest = rest.slice(1);
      continue;
    }
    if (base === 'exec' || base === 'nohup' || base === 'time' || base === 'sudo' || base === 'tini' || base === 'dumb-init') {
      rest = rest.slice(1);
      while (rest[0] && /^-/.test(rest[0].value)) rest = rest.slice(1);
      if (rest[0]?.value === '--') rest = rest.slice(1);
      continue;
    }
    if ((base === 'infisical' || base === 'doppler' || base === 'op') && rest[1]?.value === 'run') {
      const separator = rest.findIndex((w) => w.value === '--');
      if (separator === -1) break;
      rest = rest.slice(separator + 1);
      continue;
    }
    if (base === 'env-cmd') {
      rest = rest.slice(1);
      while (rest[0] && /^-/.test(rest[0].value))
        rest = rest.slice(/^(-f|--file|-e|--environments|-r|--rc-file)$/.test(rest[0].value) ? 2 : 1);
      if (rest[0]?.value === '--') rest = rest.slice(1);
      continue;
    }
    if (
      base === 'dotenv' ||
      base === 'dotenv-cli' ||
      base === 'dotenvx' ||
      base === 'dotenv-flow' ||
      base === 'dotenv-flow-cli'
    ) {
      const separator = rest.findIndex((w) => w.value === '--');
      if (separator !== -1) {
        rest = rest.slice(separator + 1);
        continue;
      }
      rest = rest.slice(base === 'dotenvx' && rest[1]?.value === 'run' ? 2 : 1);
      while (rest[0] && /^-/.test(rest[0].value))
        rest = rest.slice(/^-(e|c|v|p|n)$|^--(path|node-env|default-node-env)$/.test(rest[0].value) ? 2 : 1);
      continue;
    }
    if (base === 'npx' || base === 'pnpx' || base === 'bunx') {
      rest = rest.slice(1);
      while (rest[0] && /^-/.test(rest[0].value)) rest = rest.slice(/^(-p|--package)$/.test(rest[0].value) ? 2 : 1);
      continue;
    }
    if (
      (base === 'pnpm' || base === 'yarn' || base === 'npm' || base === 'bun') &&
      (rest[1]?.value === 'exec' || rest[1]?.value === 'dlx' || rest[1]?.value === 'x')
    ) {
      rest = rest.slice(2);
      while (rest[0] && /^-/.test(rest[0].value)) rest = rest.slice(1);
      if (rest[0]?.value === '--') rest = rest.slice(1);
      continue;
    }
    if (
      (base === 'pnpm' || base === 'yarn' || base === 'bun') &&
      rest[1] &&
      !/^-/.test(rest[1].value) &&
      !isRunnerSubcommand(base, rest[1].value) &&
      !isScript(rest[1].value)
    ) {
      // `pnpm prisma migrate deploy`, `yarn drizzle-kit push`: a binary, not a script.
      rest = rest.slice(1);
      continue;
    }
    break;
  }
  return { words: rest, env };
}

const RUNNER_BUILTINS: Record<string, readonly string[]> = {
  yarn: ['run', 'workspace', 'workspaces', 'install', 'add', 'remove', 'dlx', 'exec', 'why', 'info', 'start', 'test'],
  pnpm: ['run', 'run-script', 'install', 'i', 'add', 'remove', 'exec', 'dlx', 'recursive', 'store', 'deploy', 'start', 'test'],
  bun: ['run', 'install', 'add', 'x', 'build', 'test'],
};

function isRunnerSubcommand(runner: string, word: string): boolean {
  return RUNNER_BUILTINS[runner]?.includes(word) ?? false;
}

export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}

function positional(args: string[], withValue: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('-')) {
      if (withValue.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

const PRISMA_VALUE_FLAGS = new Set(['--schema', '--config', '--name', '-n', '--url', '--from-url', '--to-url', '--generator']);
const TYPEORM_VALUE_FLAGS = new Set(['-d', '--dataSource', '--data-source', '-t', '--transaction', '-o']);

/** Reads a script call: `npm run X`, `npm start`, `pnpm --filter api build`, `pnpm -r build`, `yarn workspace api X`, `turbo run X`. */
function scriptCall(words: ShellWord[], isScript: (name: string) => boolean): ScriptCall | undefined {
  const tool = baseName(words[0]?.value ?? '');
  const args = words.slice(1);
  const workspaces: string[] = [];
  let dir: string | undefined;
  let all = false;
  let passed: ShellWord[] | undefined;
  const rest: ShellWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.value;
    if (a === '--') {
      passed = args.slice(i + 1);
      break;
    }
    const eq = /^(--[a-z-]+)=(.*)$/.exec(a);
    const flag = eq ? eq[1]! : a;
    const value = eq ? eq[2]! : args[i + 1]?.value;
    const takes = (names: string[]) => names.includes(flag);
    // pnpm's -w is --workspace-root; npm's -w names a workspace.
    if (tool === 'pnpm' && takes(['-w', '--workspace-root'])) {
      dir = '/';
      continue;
    }
    if (takes(['--filter', '-F', '-w', '--workspace'])) {
      if (value !== undefined) workspaces.push(value);
      if (!eq) i++;
      continue;
    }
    if (takes(['--prefix', '-C', '--dir', '--cwd'])) {
      dir = value;
      if (!eq) i++;
      continue;
    }
    if ((tool === 'pnpm' && (a === '-r' || a === '--recursive')) || (tool === 'npm' && (a === '--workspaces' || a === '-ws'))) {
      all = true;
      continue;
    }
    rest.push(args[i]!);
  }
  const plain = rest.filter((w) => !w.value.startsWith('-'));
  const selected = (
    runner: ScriptCall['runner'],
    name: string | undefined,
    extra: ShellWord[],
    fanOut: ScriptCall['fanOut'],
  ): ScriptCall | undefined => {
    if (!name) return undefined;
    const list = all ? ['*'] : workspaces;
    return {
      name,
      runner,
      workspace: list[0],
      ...(list.length > 1 ? { workspaces: list } : {}),
      dir,
      ...(list.length > 1 || list[0] === '*' ? { fanOut } : {}),
      ...(extra.length > 0 ? { args: extra } : {}),
    };
  };
  const after = (word: ShellWord | undefined) => (word ? rest.slice(rest.indexOf(word) + 1) : []);
  if (tool === 'npm') {
    const [sub, name] = plain;
    if (sub?.value === 'run' || sub?.value === 'run-script') return selected('npm', name?.value, passed ?? [], 'sequential');
    if (sub && ['start', 'test', 'stop', 'restart'].includes(sub.value))
      return selected('npm', sub.value, passed ?? [], 'sequential');
    return undefined;
  }
  if (tool === 'pnpm' || tool === 'yarn' || tool === 'bun') {
    if (tool === 'yarn' && plain[0]?.value === 'workspace' && plain[1] && plain[2]) {
      const nameWord = plain[2].value === 'run' ? plain[3] : plain[2];
      workspaces.push(plain[1].value);
      return selected('yarn', nameWord?.value, [...after(nameWord), ...(passed ?? [])], 'parallel');
    }
    if (tool === 'yarn' && plain[0]?.value === 'workspaces') {
      // yarn 1 `workspaces run X`, yarn 2+ `workspaces foreach [-A] run X`
      const runAt = plain.findIndex((w) => w.value === 'run');
      const nameWord = runAt === -1 ? undefined : plain[runAt + 1];
      all = true;
      return selected('yarn', nameWord?.value, [...after(nameWord), ...(passed ?? [])], 'parallel');
    }
    if (plain[0]?.value === 'run' || plain[0]?.value === 'run-script')
      return selected(tool, plain[1]?.value, [...after(plain[1]), ...(passed ?? [])], 'parallel');
    const named = workspaces.length > 0 || dir !== undefined || all;
    const first = plain[0];
    if (
      first &&
      (isScript(first.value) ||
        ['start', 'build', 'test'].includes(first.value) ||
        (named && !isRunnerSubcommand(tool, first.value)))
    ) {
      return selected(tool, first.value, [...after(first), ...(passed ?? [])], 'parallel');
    }
    return undefined;
  }
  if (tool === 'turbo') {
    const nameWord = plain[0]?.value === 'run' ? plain[1] : plain[0];
    if (workspaces.length === 0) all = true;
    return selected('turbo', nameWord?.value, passed ?? [], 'parallel');
  }
  return undefined;
}

/** Classifies one simple command. `isScript` says whether a name is a script of the package it runs in. */
export function classifyCommand(input: ShellWord[], isScript: (name: string) => boolean = () => false): ClassifiedCommand {
  const { words, env } = unwrap(input, isScript);
  const argv = words.map((w) => w.value);
  const result = (kind: CommandKind, extra: Partial<ClassifiedCommand> = {}): ClassifiedCommand => ({
    kind,
    words,
    env,
    ...extra,
  });
  if (argv.length === 0) return result('other');
  const tool = baseName(argv[0]!);
  const args = argv.slice(1);

  if (tool === 'prisma') {
    const [a, b] = positional(args, PRISMA_VALUE_FLAGS);
    if (a === 'db' && b === 'push') return result('prisma-db-push');
    if (a === 'migrate' && b === 'dev') return result('prisma-migrate-dev');
    if (a === 'migrate' && b === 'reset') return result('prisma-migrate-reset');
    if (a === 'migrate' && b === 'deploy') return result('prisma-migrate-deploy');
    if (a === 'generate') return result('prisma-generate');
    return result('other');
  }
  if (tool === 'drizzle-kit') {
    const [a] = positional(args, new Set(['--config']));
    if (a && /^push(:|$)/.test(a)) return result('drizzle-kit-push');
    if (a === 'migrate') return result('drizzle-kit-migrate');
    return result('other');
  }
  const typeormCli =
    /^typeorm(-ts-node-(commonjs|esm))?$/.test(tool) ||
    ((tool === 'node' || tool === 'ts-node' || tool === 'tsx') && args.some((a) => /typeorm\/cli(\.js)?$/.test(a)));
  if (typeormCli) {
    const sub = positional(args, TYPEORM_VALUE_FLAGS).find((a) => /^(migration|schema):/.test(a));
    if (sub === 'migration:run') return result('typeorm-migration-run');
    if (sub === 'schema:sync') return result('typeorm-schema-sync');
    if (sub === 'schema:drop') return result('typeorm-schema-drop');
    return result('other');
  }
  if (tool === 'lockstep') {
    const separator = words.findIndex((w) => w.value === '--');
    if (positional(args)[0] === 'deploy' || args[0] === 'deploy') {
      // biome-ignore lint/suspicious/noThenProperty: "then" is the command that follows `--`, not a thenable
      return result('lockstep-deploy', separator === -1 ? {} : { then: words.slice(separator + 1) });
    }
    return result('other');
  }
  if (SHELLS.has(tool)) {
    const c = args.indexOf('-c');
    if (c !== -1 && words[c + 2]) {
      const word = words[c + 2]!;
      return result('group', { parts: [{ shell: { text: word.value, toFile: word.inner } }], parallel: false });
    }
    const file = positional(args)[0];
    return file ? result('shell-script', { file }) : result('other');
  }
  if (/\.(sh|bash)$/.test(argv[0]!)) return result('shell-script', { file: argv[0]! });
  if (tool === 'concurrently') {
    const parts = words
      .slice(1)
      .filter((w) => !w.value.startsWith('-'))
      .map((w) => ({ shell: { text: w.value, toFile: w.inner } }));
    return result('group', { parts, parallel: true });
  }
  if (tool === 'run-s' || tool === 'run-p' || tool === 'npm-run-all') {
    const parallel = tool === 'run-p' || args.includes('-p') || args.includes('--parallel');
    const parts = args
      .filter((a) => !a.startsWith('-'))
      .map((name) => ({ script: { name, runner: 'npm-run-all' as const, workspace: undefined, dir: undefined } }));
    return result('group', { parts, parallel });
  }
  const call = scriptCall(words, isScript);
  if (call) return result('run-script', { script: call });

  if (
    tool === 'node' ||
    tool === 'ts-node' ||
    tool === 'ts-node-esm' ||
    tool === 'tsx' ||
    tool === 'nodemon' ||
    tool === 'bun' ||
    tool === 'deno' ||
    tool === 'esno' ||
    tool === 'vite-node'
  ) {
    const rest = positional(
      tool === 'deno' && args[0] === 'run' ? args.slice(1) : tool === 'bun' && args[0] === 'run' ? args.slice(1) : args,
      NODE_OPTIONS_WITH_VALUE,
    );
    if (tool === 'tsx' && rest[0] === 'watch') return result('other');
    if (args.includes('-e') || args.includes('--eval')) return result('other');
    const file = rest[0];
    return file ? result('node-file', { file }) : result('other');
  }
  const starter = APP_START_TOOLS[tool];
  if (starter?.(args)) {
    const file = tool === 'pm2-runtime' || tool === 'pm2' ? positional(args).filter((a) => a !== 'start')[0] : undefined;
    return result('app-start', file && /\.(c|m)?(j|t)s$/.test(file) ? { file } : {});
  }
  if (isAppDeploy(tool, args)) return result('app-deploy');
  return result('other');
}

function isAppDeploy(tool: string, args: string[]): boolean {
  const sub = positional(args);
  switch (tool) {
    case 'fly':
    case 'flyctl':
      return sub[0] === 'deploy';
    case 'vercel':
      return sub[0] === 'deploy' || args.includes('--prod') || sub.length === 0;
    case 'netlify':
      return sub[0] === 'deploy';
    case 'kubectl':
      return sub[0] === 'apply' || (sub[0] === 'rollout' && sub[1] === 'restart') || (sub[0] === 'set' && sub[1] === 'image');
    case 'helm':
      return sub[0] === 'upgrade' || sub[0] === 'install';
    case 'railway':
      return sub[0] === 'up' || sub[0] === 'deploy';
    case 'heroku':
      return sub[0] === 'container:release';
    case 'gcloud':
      return sub.includes('deploy');
    case 'aws':
      return sub[0] === 'ecs' && (sub[1] === 'update-service' || sub[1] === 'deploy');
    case 'serverless':
    case 'sls':
    case 'cdk':
    case 'sst':
      return sub[0] === 'deploy';
    case 'docker':
      return (sub[0] === 'stack' && sub[1] === 'deploy') || (sub[0] === 'compose' && sub[1] === 'up');
    case 'docker-compose':
      return sub[0] === 'up';
    case 'git':
      return sub[0] === 'push' && /heroku|dokku/.test(sub[1] ?? '');
    default:
      return false;
  }
}
