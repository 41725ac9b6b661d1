/**
 * The commands production runs, in the order it runs them. A pipeline is one sequence that runs
 * on a release: a production package.json script (start, build, postinstall, release, migrate*,
 * deploy*...), a Dockerfile (RUN of every stage at build time, then the final stage's
 * ENTRYPOINT and CMD at start), a Procfile (release before web), a compose service, a CI job that
 * deploys, a Kubernetes workload, an entrypoint or release shell script. `npm run X`, `pnpm X`,
 * `yarn workspace W X`, `turbo run X`, `sh -c`, `concurrently`, shell scripts and `lockstep
 * deploy -- <app>` are followed, and every command keeps the file and line it is written on.
 */
import { classifyCommand, type ClassifiedCommand, type CommandKind, type ScriptCall } from './command-kinds.js';
import type { ComposeService } from './compose.js';
import type { CiJob, CiWorkflow } from './ci-workflows.js';
import type { Dockerfile, DockerStage } from './dockerfile.js';
import { dirOf, joinPath, type FileIndex } from './file-index.js';
import type { KubeWorkload } from './kubernetes.js';
import type { PackageInfo } from './packages.js';
import type { ProcfileEntry } from './procfile.js';
import { parseShell, type ShellWord, type SimpleCommand } from './shell.js';
import type { ShellSource } from './shell-source.js';
import type { TextFile } from './text-file.js';
import { TurboTasks } from './turbo.js';

export type Phase = 'build' | 'release' | 'start';

export interface CommandSite {
  file: TextFile;
  start: number;
  end: number;
}

export interface ProductionCommand {
  kind: CommandKind;
  command: ClassifiedCommand;
  site: CommandSite;
  phase: Phase;
  /** How production reaches the command, outermost first, e.g. `Dockerfile:14 CMD`, `"start" script (package.json:6)`. */
  via: string[];
  pipeline: Pipeline;
  /** Position in the pipeline's sequence. */
  step: number;
  /** `cmd &`, or a pipe: what follows does not wait for it. */
  background: boolean;
  /** Parts of `concurrently` / `run-p`: same group, different lanes run at the same time. */
  parallel: { group: number; lane: number } | undefined;
  /** The package the command runs in ('' for the root). */
  packageDir: string;
  /** A CI job's id, for ordering across jobs. */
  job: CiJob | undefined;
  /** node-file and migrate-script: the project's source file it runs, when found. */
  source: string | undefined;
  /**
   * The earlier steps whose failure does not keep this command from running (`migrate; node
   * server.js` without `set -e`, `migrate || echo failed`, a backgrounded command). Steps joined by
   * `&&`, `set -e`, `|| exit 1`, CI steps and Dockerfile instructions are not among them.
   */
  failureIgnored: readonly number[];
  /** Reserved words in front of the command (`if`, `!`, `while`): it is a condition whose failure the script handles. */
  tested: boolean;
}

export type PipelineKind = 'package-script' | 'dockerfile' | 'procfile' | 'compose' | 'ci' | 'kubernetes' | 'shell-script';

export interface Pipeline {
  id: string;
  kind: PipelineKind;
  /** In words: `the "build" script of package.json`, `Dockerfile`, `compose service "api" (docker-compose.yml)`. */
  label: string;
  commands: ProductionCommand[];
  /** How many copies of the pipeline's start phase run at once (compose replicas, Kubernetes replicas). */
  replicas: number;
  /** The compose service or Kubernetes workload, for cross-service ordering. */
  service: ComposeService | undefined;
  /** The Dockerfile whose image a compose service or workload runs. */
  image: Dockerfile | undefined;
  /** A package script that is production only by a name that development uses too (`migrate`, `db:migrate`). */
  byAmbiguousName?: boolean;
}

export type Order = 'before' | 'after' | 'concurrent';

/** Whether `a` finishes before `b` starts. */
export function order(a: ProductionCommand, b: ProductionCommand): Order {
  if (a.job && b.job && a.job !== b.job) {
    if (jobPrecedes(a.job, b.job)) return 'before';
    if (jobPrecedes(b.job, a.job)) return 'after';
    return 'concurrent';
  }
  if (a.parallel && b.parallel && a.parallel.group === b.parallel.group && a.parallel.lane !== b.parallel.lane)
    return 'concurrent';
  if (a.step < b.step) return a.background ? 'concurrent' : 'before';
  if (a.step > b.step) return b.background ? 'concurrent' : 'after';
  return 'concurrent';
}

const jobOrder = new WeakMap<CiJob, Set<CiJob>>();
let jobsOfWorkflow = new WeakMap<CiJob, CiWorkflow>();

/** a's job finishes before b's job starts: b needs a (transitively), or a GitLab stage comes first. */
function jobPrecedes(a: CiJob, b: CiJob): boolean {
  const workflow = jobsOfWorkflow.get(b);
  if (!workflow) return false;
  let before = jobOrder.get(b);
  if (!before) {
    before = new Set<CiJob>();
    const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
    const stack = [...b.needs];
    while (stack.length > 0) {
      const job = byId.get(stack.pop()!);
      if (!job || before.has(job)) continue;
      before.add(job);
      stack.push(...job.needs);
    }
    if (workflow.kind === 'gitlab' && b.needs.length === 0)
      for (const job of workflow.jobs) if (job.stage < b.stage) before.add(job);
    jobOrder.set(b, before);
  }
  return before.has(a);
}

/** What the builder needs from the project scan. */
export interface PipelineInputs {
  files: FileIndex;
  packages: PackageInfo[];
  dockerfiles: Dockerfile[];
  procfiles: Array<{ file: TextFile; entries: ProcfileEntry[] }>;
  compose: ComposeService[];
  ci: CiWorkflow[];
  kubernetes: KubeWorkload[];
  /** Maps a compiled file (dist/server.js) to its source (src/server.ts) for a package. */
  sourceOf(packageDir: string, path: string): string | undefined;
  /** What a source file does when run: migrates (drizzle migrate(), TypeORM runMigrations()), serves requests. */
  roleOf(source: string): { migrates: boolean; serves: boolean };
  /** The commands a source file (or a module it imports) starts as child processes. */
  commandsIn(source: string): Array<{ file: TextFile; source: ShellSource; module: string }>;
  /** The build context directory of a Dockerfile. */
  dockerContext(dockerfile: Dockerfile): string;
}

const DEV_MARKER =
  /(^|[:_.-])(dev|develop|development|local|test|tests|e2e|seed|seeds|studio|watch|reset|lint|format|storybook|debug|docs|typecheck|clean)([:_.-]|$)/i;

/** The phase a package.json script belongs to in production, by its name; undefined for scripts production does not run by name. */
export function scriptPhase(name: string): Phase | undefined {
  if (/^(pre|post)?(install|build|start)$/.test(name) || name === 'prepare') return name.includes('start') ? 'start' : 'build';
  if (DEV_MARKER.test(name)) return undefined;
  if (/^build[:_-]/.test(name) || /^(vercel-build|heroku-prebuild|heroku-postbuild|netlify-build|render-build)$/.test(name))
    return 'build';
  if (/^start[:_-]|^serve$/.test(name)) return 'start';
  if (/^(pre|post)?(release|deploy|migrate)([:_-]|$)|[:_-](deploy|release|migrate|prod|production)$/.test(name)) return 'release';
  return undefined;
}

/** A Dockerfile or compose file named for development (`Dockerfile.dev`, `docker-compose.local.yml`, `compose.override.yml`). */
function isDevelopmentFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
  return DEV_MARKER.test(name) || /(^|[.-])override$/.test(name);
}

/** A command that starts a development server (`npm run dev`, `next dev`, `nodemon`, `tsx watch`...): the container is a development one. */
function runsDevServer(text: string): boolean {
  return /\b(npm run|pnpm( run)?|yarn( run)?|bun run)\s+(dev|develop|start:dev|watch)\b|\b(next|nuxt|nuxi|vite|astro|remix) dev\b|\bnodemon\b|\btsx watch\b|\bts-node-dev\b|--watch\b/.test(
    text,
  );
}

function sourceText(source: ShellSource | undefined): string {
  return !source ? '' : source.kind === 'shell' ? source.text : source.words.map((w) => w.value).join(' ');
}

function finalCommandText(dockerfile: Dockerfile): string {
  const final = dockerfile.stages[dockerfile.stages.length - 1];
  if (!final) return '';
  return ['ENTRYPOINT', 'CMD'].map((k) => lastInstruction(dockerfile, final, k)?.args ?? '').join(' ');
}

const PRODUCTION_SHELL_SCRIPT =
  /^(docker-)?(entrypoint|start|boot|run|release|deploy|migrate|predeploy|postdeploy)([._-][\w.-]*)?\.(sh|bash)$/;

interface Context {
  pipeline: Pipeline;
  phase: Phase;
  via: string[];
  pkg: PackageInfo | undefined;
  /** Working directory relative to the root. */
  cwd: string;
  file: TextFile;
  depth: number;
  scripts: Set<string>;
  parallel: ProductionCommand['parallel'];
  job: CiJob | undefined;
  /** Dockerfile: the final stage's WORKDIR (image path), to find scripts in the repository. */
  workdir: string | undefined;
  /** Where an entrypoint script's `"$@"` is: the CMD to run there. */
  cmd: ShellSource | undefined;
  /** The steps whose failure what runs here ignores (see ProductionCommand.failureIgnored). */
  ignored: readonly number[];
  /** The shell exits on the first failing command (`set -e`, a CI step's shell). */
  errexit: boolean;
  /** The command must exit for what follows to run (`a && b`, an init container, a Job): it is not a server. */
  mustExit: boolean;
  /** The command is a condition (`if cmd`, `! cmd`): the script handles its failure. */
  tested?: boolean;
}

export class PipelineBuilder {
  readonly pipelines: Pipeline[] = [];
  private readonly byName = new Map<string, PackageInfo>();
  private readonly reachedScripts = new Set<string>();
  private parallelGroups = 0;
  private readonly turbo: TurboTasks;

  constructor(private readonly input: PipelineInputs) {
    for (const pkg of input.packages) if (pkg.name) this.byName.set(pkg.name, pkg);
    this.turbo = new TurboTasks(input.files, input.packages);
    jobsOfWorkflow = new WeakMap();
    for (const workflow of input.ci) for (const job of workflow.jobs) jobsOfWorkflow.set(job, workflow);
  }

  build(): Pipeline[] {
    for (const dockerfile of this.input.dockerfiles)
      if (!isDevelopmentFile(dockerfile.file.path) && !runsDevServer(finalCommandText(dockerfile))) this.dockerfile(dockerfile);
    for (const procfile of this.input.procfiles) this.procfile(procfile.file, procfile.entries);
    for (const service of this.input.compose)
      if (
        !isDevelopmentFile(service.file.path) &&
        !runsDevServer(`${sourceText(service.command)} ${sourceText(service.entrypoint)}`)
      )
        this.composeService(service);
    for (const workflow of this.input.ci) {
      // The deploy jobs of one workflow are one pipeline, ordered by `needs` and stages.
      const pipeline = this.newPipeline('ci', `the deploy jobs of ${workflow.file.path}`);
      for (const job of workflow.jobs) if (job.deploys) this.ciJob(job, pipeline);
    }
    for (const workload of this.input.kubernetes) this.kubeWorkload(workload);
    for (const pkg of this.input.packages) {
      for (const name of pkg.scripts.keys()) {
        const phase = scriptPhase(name);
        if (!phase || (/^(pre|post)/.test(name) && pkg.scripts.has(name.replace(/^(pre|post)/, '')))) continue;
        // `migrate`, `db:migrate`: a name developers also give the local `prisma migrate dev`.
        const ambiguous = phase === 'release' && !/(deploy|release|prod|production)/.test(name) ? 'migrate' : undefined;
        const pipeline = this.newPipeline(
          'package-script',
          `the "${name}" script of ${pkg.file.path}`,
          ambiguous ? { byAmbiguousName: true } : {},
        );
        this.runScript(pkg, name, this.rootContext(pipeline, phase, pkg, pkg.file), true);
      }
    }
    for (const path of this.input.files.named(
      (name) => PRODUCTION_SHELL_SCRIPT.test(name) && !DEV_MARKER.test(name.replace(/\.(sh|bash)$/, '')),
    )) {
      if (this.reachedScripts.has(path)) continue;
      const file = this.input.files.read(path);
      if (!file) continue;
      const phase: Phase = /entrypoint|start|boot|run/.test(path.slice(path.lastIndexOf('/') + 1)) ? 'start' : 'release';
      const pipeline = this.newPipeline('shell-script', path);
      this.shell(
        { kind: 'shell', text: file.text, toFile: (at) => at },
        this.rootContext(pipeline, phase, this.packageFor(dirOf(path)), file),
      );
    }
    return this.pipelines.filter((p) => p.commands.length > 0);
  }

  private newPipeline(kind: PipelineKind, label: string, extra: Partial<Pipeline> = {}): Pipeline {
    const pipeline: Pipeline = {
      id: `${kind}:${this.pipelines.length}`,
      kind,
      label,
      commands: [],
      replicas: 1,
      service: undefined,
      image: undefined,
      ...extra,
    };
    this.pipelines.push(pipeline);
    return pipeline;
  }

  private rootContext(
    pipeline: Pipeline,
    phase: Phase,
    pkg: PackageInfo | undefined,
    file: TextFile,
    extra: Partial<Context> = {},
  ): Context {
    return {
      pipeline,
      phase,
      via: [],
      pkg,
      cwd: pkg?.dir ?? dirOf(file.path),
      file,
      depth: 0,
      scripts: new Set(),
      parallel: undefined,
      job: undefined,
      workdir: undefined,
      cmd: undefined,
      ignored: [],
      errexit: false,
      mustExit: false,
      ...extra,
    };
  }

  /** The package whose directory holds `dir` (the deepest one), else the root package. */
  private packageFor(dir: string): PackageInfo | undefined {
    let best: PackageInfo | undefined;
    for (const pkg of this.input.packages) {
      if (pkg.dir === '' || dir === pkg.dir || dir.startsWith(`${pkg.dir}/`)) {
        if (!best || pkg.dir.length > best.dir.length) best = pkg;
      }
    }
    return best;
  }

  private where(file: TextFile, offset: number): string {
    return `${file.path}:${file.position(offset).line}`;
  }

  // ------------------------------------------------------------ sources

  private dockerfile(dockerfile: Dockerfile, into?: { pipeline: Pipeline; phase: 'start-only'; via: string[] }): void {
    const file = dockerfile.file;
    const context = this.input.dockerContext(dockerfile);
    const pipeline = into?.pipeline ?? this.newPipeline('dockerfile', file.path, { image: dockerfile });
    const final = dockerfile.stages[dockerfile.stages.length - 1];
    if (!final) return;
    const pkgOf = (workdir: string | undefined) => {
      if (workdir)
        for (const pkg of this.input.packages)
          if (pkg.dir && (workdir.endsWith(`/${pkg.dir}`) || workdir === pkg.dir)) return pkg;
      return this.packageFor(dirOf(file.path)) ?? this.packageFor(context);
    };
    if (!into) {
      for (const stage of dockerfile.stages) {
        let workdir: string | undefined = inheritedWorkdir(dockerfile, stage);
        for (const instruction of stage.instructions) {
          if (instruction.keyword === 'WORKDIR') workdir = resolveImagePath(workdir, instruction.args.trim());
          if (instruction.keyword !== 'RUN') continue;
          const label = `${file.path}:${instruction.line} RUN${stage.name ? ` in stage ${stage.name}` : ''}`;
          const source: ShellSource = instruction.heredoc
            ? { kind: 'shell', text: instruction.heredoc.text, toFile: (at) => instruction.heredoc!.start + at }
            : instruction.exec
              ? { kind: 'words', words: instruction.exec }
              : { kind: 'shell', text: instruction.args, toFile: (at) => instruction.argsStart + at };
          const pkg = pkgOf(workdir);
          this.shell(source, this.rootContext(pipeline, 'build', pkg, file, { via: [label], workdir, cwd: pkg?.dir ?? context }));
        }
      }
    }
    const workdir = finalWorkdir(dockerfile, final);
    const entrypoint = lastInstruction(dockerfile, final, 'ENTRYPOINT');
    const cmd = lastInstruction(dockerfile, final, 'CMD');
    const toSource = (instruction: NonNullable<typeof cmd>): ShellSource =>
      instruction.exec
        ? { kind: 'words', words: instruction.exec }
        : { kind: 'shell', text: instruction.args, toFile: (at) => instruction.argsStart + at };
    const pkg = pkgOf(workdir);
    const via = [...(into?.via ?? [])];
    if (entrypoint) {
      const cmdSource = cmd ? toSource(cmd) : undefined;
      this.shell(
        toSource(entrypoint),
        this.rootContext(pipeline, 'start', pkg, file, {
          via: [...via, `${file.path}:${entrypoint.line} ENTRYPOINT`],
          workdir,
          cwd: pkg?.dir ?? context,
          cmd: cmdSource,
        }),
      );
      // An exec-form ENTRYPOINT that is not a script receives CMD as arguments; a shell script runs it at "$@".
      if (
        cmd &&
        !this.entrypointRunsCmd(entrypoint.exec?.[0]?.value ?? entrypoint.args.trim().split(/\s+/)[0] ?? '', workdir, context)
      ) {
        this.shell(
          toSource(cmd),
          this.rootContext(pipeline, 'start', pkg, file, {
            via: [...via, `${file.path}:${cmd.line} CMD`],
            workdir,
            cwd: pkg?.dir ?? context,
          }),
        );
      }
    } else if (cmd) {
      this.shell(
        toSource(cmd),
        this.rootContext(pipeline, 'start', pkg, file, {
          via: [...via, `${file.path}:${cmd.line} CMD`],
          workdir,
          cwd: pkg?.dir ?? context,
        }),
      );
    }
  }

  private entrypointRunsCmd(program: string, workdir: string | undefined, context: string): boolean {
    const script = this.findScript(program, workdir, context);
    if (!script) return false;
    return /"\$@"|\$@|\$\*/.test(this.input.files.read(script)?.text ?? '');
  }

  private procfile(file: TextFile, entries: ProcfileEntry[]): void {
    const pipeline = this.newPipeline('procfile', file.path);
    const pkg = this.packageFor(dirOf(file.path));
    const sorted = [...entries.filter((e) => e.type === 'release'), ...entries.filter((e) => e.type !== 'release')];
    for (const entry of sorted) {
      const phase: Phase = entry.type === 'release' ? 'release' : 'start';
      this.shell(
        entry.command,
        this.rootContext(pipeline, phase, pkg, file, { via: [`${file.path}:${entry.line} ${entry.type}`] }),
      );
    }
  }

  private composeService(service: ComposeService): void {
    const image = service.build ? this.dockerfileFor(dirOf(service.file.path), service.build) : undefined;
    const pipeline = this.newPipeline('compose', `compose service "${service.name}" (${service.file.path})`, {
      replicas: service.replicas ?? 1,
      service,
      image,
    });
    const pkg = this.packageFor(
      service.build ? joinPath(dirOf(service.file.path), service.build.context) : dirOf(service.file.path),
    );
    const via = [`${service.file.path}:${service.line} service ${service.name}`];
    if (service.entrypoint || service.command) {
      // An entrypoint and a command in list form are one argument vector (`entrypoint: ["sh", "-c"]`).
      const both =
        service.entrypoint?.kind === 'words' && service.command?.kind === 'words'
          ? [{ kind: 'words' as const, words: [...service.entrypoint.words, ...service.command.words] }]
          : [service.entrypoint, service.command];
      for (const source of both) {
        if (source) this.shell(source, this.rootContext(pipeline, 'start', pkg, service.file, { via }));
      }
      return;
    }
    if (image) this.dockerfile(image, { pipeline, phase: 'start-only', via });
  }

  private dockerfileFor(base: string, build: { context: string; dockerfile: string }): Dockerfile | undefined {
    const path = joinPath(base, build.context, build.dockerfile);
    return this.input.dockerfiles.find((d) => d.file.path === path);
  }

  private ciJob(job: CiJob, pipeline: Pipeline): void {
    for (const step of job.steps) {
      const cwd = step.cwd ? joinPath(step.cwd.replace(/^\$\{\{\s*github\.workspace\s*\}\}\/?/, '')) : '';
      const pkg = this.input.packages.find((p) => p.dir === cwd) ?? this.packageFor(cwd);
      // CI runners stop a job at the first failing step, and run each step's shell with -e.
      this.shell(
        step.command,
        this.rootContext(pipeline, 'release', pkg, job.file, {
          via: [`${job.file.path}:${step.line} job ${job.id}`],
          job,
          cwd,
          errexit: true,
        }),
      );
    }
  }

  private kubeWorkload(workload: KubeWorkload): void {
    const only = this.input.dockerfiles.length === 1 ? this.input.dockerfiles[0] : undefined;
    const pipeline = this.newPipeline('kubernetes', `${workload.kind} "${workload.name}" (${workload.file.path})`, {
      replicas: workload.replicas,
      image: only,
    });
    const phase: Phase = workload.kind === 'Job' || workload.kind === 'CronJob' ? 'release' : 'start';
    const pkg = this.packageFor('');
    for (const container of workload.containers) {
      const via = [
        `${workload.file.path}:${workload.line} ${workload.kind} ${workload.name}${container.init ? ` initContainer ${container.name}` : ''}`,
      ];
      // Init containers and the containers of a Job run to completion: they are not the app serving.
      const mustExit = container.init || phase === 'release';
      if (container.command || container.args) {
        // command + args form one argument vector (`command: ["sh", "-c"]`, `args: ["migrate && start"]`).
        const words = [container.command, container.args].flatMap((source) => (source?.kind === 'words' ? source.words : []));
        const sources =
          words.length > 0
            ? [{ kind: 'words' as const, words }]
            : [container.command, container.args].filter((s): s is ShellSource => Boolean(s));
        for (const source of sources)
          this.shell(source, this.rootContext(pipeline, phase, pkg, workload.file, { via, mustExit }));
      } else if (only && !container.init) {
        this.dockerfile(only, { pipeline, phase: 'start-only', via });
      }
    }
  }

  // ------------------------------------------------------------ expansion

  private runScript(
    pkg: PackageInfo,
    name: string,
    ctx: Context,
    withHooks: boolean,
    args?: { words: ShellWord[]; file: TextFile },
  ): void {
    const key = `${pkg.dir}:${name}`;
    if (ctx.scripts.has(key) || ctx.depth > 12) return;
    const names = withHooks ? [`pre${name}`, name, `post${name}`] : [name];
    for (const n of names) {
      const script = pkg.scripts.get(n);
      if (!script) continue;
      const at = script.fileOffset(0);
      const scripts = new Set(ctx.scripts).add(`${pkg.dir}:${n}`);
      const inner: Context = {
        ...ctx,
        pkg,
        cwd: pkg.dir,
        file: pkg.file,
        depth: ctx.depth + 1,
        scripts,
        via: [...ctx.via, `${this.where(pkg.file, at)} "${n}"`],
        cmd: undefined,
      };
      this.shell({ kind: 'shell', text: script.command, toFile: script.fileOffset }, inner);
      // `"with-env": "dotenv -e ../../.env --"` called as `pnpm with-env prisma generate`: the script only wraps the words passed to it.
      if (n === name && args && args.words.length > 0 && isPureWrapper(script.command)) {
        const passed = classifyCommand(args.words, (other) => pkg.scripts.has(other));
        this.command(passed, args.words[0]!.start, args.words[args.words.length - 1]!.end, false, { ...inner, file: args.file });
      }
    }
  }

  private shell(source: ShellSource, ctx: Context): void {
    if (ctx.depth > 12) return;
    const simple: SimpleCommand[] =
      source.kind === 'shell'
        ? parseShell(source.text, source.toFile)
        : source.words.length > 0
          ? [
              {
                words: source.words,
                start: source.words[0]!.start,
                end: source.words[source.words.length - 1]!.end,
                background: false,
                after: undefined,
                reserved: [],
              },
            ]
          : [];
    let cwd = ctx.cwd;
    let pkg = ctx.pkg;
    let ignored = ctx.ignored;
    let errexit = ctx.errexit || (source.kind === 'shell' && /^#!\S*\/(env\s+)?(ba|da|z|a)?sh\s+-\w*e/.test(source.text));
    // The steps of the current `&&` list; after `a || exit 1` the ones before the handler are known to have succeeded.
    let listStart = ctx.pipeline.commands.length;
    let guardedUntil = listStart;
    const ignore = (from: number, to: number) => {
      if (to > from) ignored = [...ignored, ...Array.from({ length: to - from }, (_, i) => from + i)];
    };
    simple.forEach((command, index) => {
      const steps = ctx.pipeline.commands.length;
      // Without `set -e`, a `;` or a new line runs the next command whatever the last one returned;
      // `a || echo failed` goes on after a failure (unless the handler exits), with `set -e` too.
      if (simple[index - 1]?.background) {
        // What runs in the background (or writes into a pipe) is never waited for.
        ignore(listStart, steps);
        listStart = guardedUntil = steps;
      } else if (command.after === ';' || command.after === 'newline') {
        // `if [ $? -ne 0 ]; then exit 1; fi` right after a command checks it.
        if (!errexit && !command.words.some((w) => w.value.includes('$?'))) ignore(Math.max(listStart, guardedUntil), steps);
        listStart = guardedUntil = steps;
      } else if (command.after === '||') {
        if (exits(command.words)) guardedUntil = steps;
        else {
          ignore(listStart, steps);
          listStart = guardedUntil = steps;
        }
      }
      const next = simple[index + 1];
      const mustExit = ctx.mustExit || (next !== undefined && !command.background);
      const first = command.words[0]?.value;
      if (first === 'set') {
        for (const word of command.words.slice(1)) {
          if (/^-[a-z]*e/.test(word.value) || word.value === 'errexit') errexit = true;
          if (/^\+[a-z]*e/.test(word.value)) errexit = false;
        }
        return;
      }
      if (first === 'cd' && command.words[1]) {
        cwd = ctx.workdir && command.words[1].value.startsWith('/') ? cwd : joinPath(cwd, command.words[1].value);
        pkg = this.input.packages.find((p) => p.dir === cwd) ?? pkg;
        return;
      }
      const inner: Context = { ...ctx, cwd, pkg, ignored, mustExit, tested: command.reserved.some((w) => TESTED.has(w)) };
      if (
        (first === 'exec' && (command.words[1]?.value === '"$@"' || command.words[1]?.value === '$@')) ||
        first === '"$@"' ||
        first === '$@'
      ) {
        if (ctx.cmd) this.shell(ctx.cmd, { ...inner, cmd: undefined, depth: ctx.depth + 1, via: [...ctx.via, 'CMD'] });
        return;
      }
      const classified = classifyCommand(command.words, (name) => Boolean(pkg?.scripts.has(name)));
      this.command(classified, command.start, command.end, command.background, inner);
    });
  }

  private record(
    kind: CommandKind,
    classified: ClassifiedCommand,
    start: number,
    end: number,
    background: boolean,
    ctx: Context,
    source?: string,
  ): void {
    const pipeline = ctx.pipeline;
    pipeline.commands.push({
      kind,
      command: classified,
      site: { file: ctx.file, start, end },
      phase: ctx.phase,
      via: ctx.via,
      pipeline,
      step: pipeline.commands.length,
      background,
      parallel: ctx.parallel,
      packageDir: ctx.pkg?.dir ?? '',
      job: ctx.job,
      source,
      failureIgnored: ctx.ignored,
      tested: ctx.tested ?? false,
    });
  }

  private command(classified: ClassifiedCommand, start: number, end: number, background: boolean, ctx: Context): void {
    switch (classified.kind) {
      case 'run-script': {
        const before = ctx.pipeline.commands.length;
        this.runScriptCall(
          classified.script!,
          ctx,
          classified.script!.runner !== 'pnpm' && classified.script!.runner !== 'turbo',
        );
        // `npm run serve &`: the whole script runs in the background.
        if (background) for (const command of ctx.pipeline.commands.slice(before)) command.background = true;
        return;
      }
      case 'group': {
        const group = classified.parallel ? ++this.parallelGroups : undefined;
        classified.parts!.forEach((part, lane) => {
          const partCtx = { ...ctx, depth: ctx.depth + 1, parallel: group !== undefined ? { group, lane } : ctx.parallel };
          if (part.shell) this.shell({ kind: 'shell', text: part.shell.text, toFile: part.shell.toFile }, partCtx);
          if (part.script) this.runScriptCall(part.script, partCtx, true);
        });
        return;
      }
      case 'shell-script': {
        const script = this.findScript(classified.file!, ctx.workdir, ctx.cwd);
        const file = script ? this.input.files.read(script) : undefined;
        if (!script || !file || ctx.depth > 8) {
          this.record('other', classified, start, end, background, ctx);
          return;
        }
        this.reachedScripts.add(script);
        this.shell(
          { kind: 'shell', text: file.text, toFile: (at) => at },
          { ...ctx, file, depth: ctx.depth + 1, via: [...ctx.via, `${script}`], cwd: ctx.cwd },
        );
        return;
      }
      case 'lockstep-deploy':
        this.record('lockstep-deploy', classified, start, end, background, ctx);
        if (classified.then && classified.then.length > 0) {
          const app = classifyCommand(classified.then, (name) => Boolean(ctx.pkg?.scripts.has(name)));
          this.command(app, classified.then[0]!.start, classified.then[classified.then.length - 1]!.end, background, ctx);
        }
        return;
      case 'node-file': {
        const path = classified.file!;
        const candidate = path.startsWith('/') ? this.fromImagePath(path, ctx.workdir) : joinPath(ctx.cwd, path);
        const source = candidate ? this.input.sourceOf(ctx.pkg?.dir ?? '', candidate) : undefined;
        const base = path.slice(path.lastIndexOf('/') + 1);
        if (source) {
          const role = this.input.roleOf(source);
          // What the code starts as child processes runs before the server it may start (`execSync('prisma migrate deploy')`).
          const started = this.input.commandsIn(source);
          for (const child of started) {
            this.shell(child.source, {
              ...ctx,
              file: child.file,
              depth: ctx.depth + 1,
              via: [...ctx.via, `${this.where(ctx.file, start)} ${child.module}`],
              cwd: ctx.pkg?.dir ?? ctx.cwd,
              mustExit: true,
            });
          }
          // A migration runner doctor cannot read (its own SQL runner) is known by its name.
          const migrates = role.migrates || (!role.serves && started.length === 0 && /migrat/i.test(base));
          if (migrates) this.record('migrate-script', classified, start, end, background && !role.serves, ctx, source);
          if (role.serves || !migrates)
            this.record(role.serves ? 'app-start' : 'other', classified, start, end, background, ctx, source);
          return;
        }
        // A file the repository does not hold: a migration runner by its name; the app unless the
        // command must exit for the next one to run (`node /opt/check-env.js && ...`), which a server never does.
        this.record(
          /migrat/i.test(base) ? 'migrate-script' : /seed|script/i.test(base) || ctx.mustExit ? 'other' : 'app-start',
          classified,
          start,
          end,
          background,
          ctx,
        );
        return;
      }
      default:
        this.record(classified.kind, classified, start, end, background, ctx);
    }
  }

  /**
   * Runs a script call in the packages it selects. When it fans out to several packages that run
   * at the same time (turbo, `pnpm -r`), each package is a lane of its own; turbo first runs the
   * tasks turbo.json's `dependsOn` names, which finish before the task starts.
   */
  private runScriptCall(call: ScriptCall, ctx: Context, withHooks: boolean): void {
    const targets = this.scriptTargets(call, ctx);
    const args = call.args ? { words: call.args, file: ctx.file } : undefined;
    const lanes = call.fanOut === 'parallel' && targets.length > 1 ? ++this.parallelGroups : undefined;
    const done = new Set<string>();
    const runTask = (pkg: PackageInfo, name: string, taskCtx: Context, depth: number): void => {
      const key = `${pkg.dir}:${name}`;
      if (done.has(key) || depth > 8) return;
      done.add(key);
      if (call.runner === 'turbo')
        for (const [dep, task] of this.turbo.dependencies(pkg, name))
          runTask(dep, task, { ...taskCtx, parallel: ctx.parallel }, depth + 1);
      this.runScript(pkg, name, taskCtx, withHooks, args);
    };
    for (const [lane, [pkg, name]] of targets.entries())
      runTask(pkg, name, lanes !== undefined ? { ...ctx, parallel: { group: lanes, lane } } : ctx, 0);
  }

  /** The packages and script names a script call runs. */
  private scriptTargets(call: ScriptCall, ctx: Context): Array<[PackageInfo, string]> {
    if (call.dir === '/') {
      const root = this.input.packages.find((p) => p.dir === '');
      return root ? [[root, call.name]] : [];
    }
    const selectors = call.workspaces ?? (call.workspace !== undefined ? [call.workspace] : []);
    if (selectors.length > 0) {
      const include = selectors.filter((s) => !s.startsWith('!'));
      const exclude = selectors.filter((s) => s.startsWith('!')).flatMap((s) => this.selectPackages(s.slice(1)));
      const chosen = (include.length > 0 ? include : ['*'])
        .flatMap((s) => this.selectPackages(s))
        .filter((p, i, all) => all.indexOf(p) === i && !exclude.includes(p));
      // A turbo task runs in the packages that define it; a named package without it runs nothing.
      return chosen.filter((p) => p.scripts.has(call.name) || call.runner === 'turbo').map((p) => [p, call.name]);
    }
    if (call.dir) {
      const dir = joinPath(ctx.cwd, call.dir);
      const pkg = this.input.packages.find((p) => p.dir === dir);
      return pkg ? [[pkg, call.name]] : [];
    }
    return ctx.pkg ? [[ctx.pkg, call.name]] : [];
  }

  /** The packages a workspace selector names: `*`, a package name or name pattern, `./apps/*`; turbo's `web...` and `...web` name web. */
  private selectPackages(selector: string): PackageInfo[] {
    const packages = this.input.packages;
    const members = packages.filter((p) => p.dir !== '');
    const clean = selector.replace(/^\.\.\.\^?|\^?\.\.\.$/g, '').replace(/^\{(.*)\}$/, '$1');
    if (clean === '*' || clean === '') return members.length > 0 ? members : packages;
    const named =
      this.byName.get(clean) ??
      packages.find((p) => p.dir !== '' && (p.dir === clean.replace(/^\.\//, '') || p.dir.endsWith(`/${clean}`)));
    if (named) return [named];
    const pattern = new RegExp(
      `^${clean
        .replace(/^\.\//, '')
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')}$`,
    );
    return members.filter((p) => (clean.startsWith('./') ? pattern.test(p.dir) : p.name !== undefined && pattern.test(p.name)));
  }

  /** A script named in a command (`./entrypoint.sh`, `/app/start.sh`), found in the repository. */
  private findScript(path: string, workdir: string | undefined, cwd: string): string | undefined {
    const files = this.input.files;
    if (!path.startsWith('/')) {
      const direct = joinPath(cwd, path);
      if (files.has(direct)) return direct;
    }
    const mapped = this.fromImagePath(path, workdir);
    if (mapped && files.has(mapped)) return mapped;
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (!/\.(sh|bash)$/.test(base) && !path.startsWith('.') && !path.startsWith('/')) return undefined;
    const named = files.named((name) => name === base);
    return named.length === 1 ? named[0] : undefined;
  }

  /** An absolute path in the image as a path in the repository: relative to the WORKDIR when under it. */
  private fromImagePath(path: string, workdir: string | undefined): string | undefined {
    if (!path.startsWith('/')) return path;
    if (workdir && path.startsWith(`${workdir}/`)) return path.slice(workdir.length + 1);
    return path.replace(/^\/(app|usr\/src\/app|home\/node\/app|srv|opt\/app)\//, '');
  }
}

const TESTED = new Set(['if', 'elif', 'while', 'until', '!']);

/** `exit 1`, `false`, `return 1`: a `||` handler that stops the script, so the failure is not ignored. */
function exits(words: ShellWord[]): boolean {
  const [head, code] = words.map((w) => w.value);
  return head === 'exit' || head === 'return' ? code === undefined || code !== '0' : head === 'false' || head === 'kill';
}

/** A script that only sets up the environment for the command passed to it (`dotenv -e .env --`, `cross-env`, `env-cmd`). */
function isPureWrapper(command: string): boolean {
  const commands = parseShell(command);
  return commands.length === 1 && classifyCommand(commands[0]!.words).words.length === 0;
}

function resolveImagePath(current: string | undefined, path: string): string {
  const clean = path.replace(/^["']|["']$/g, '');
  if (clean.startsWith('/')) return `/${joinPath(clean)}`;
  return `/${joinPath(current ?? '/', clean)}`;
}

function inheritedWorkdir(dockerfile: Dockerfile, stage: DockerStage): string | undefined {
  const parent = dockerfile.stages.find(
    (s) => s.name !== undefined && s.name === stage.from.toLowerCase() && s.index < stage.index,
  );
  return parent ? finalWorkdir(dockerfile, parent) : undefined;
}

function finalWorkdir(dockerfile: Dockerfile, stage: DockerStage): string | undefined {
  let workdir = inheritedWorkdir(dockerfile, stage);
  for (const instruction of stage.instructions)
    if (instruction.keyword === 'WORKDIR') workdir = resolveImagePath(workdir, instruction.args.trim());
  return workdir;
}

function lastInstruction(
  dockerfile: Dockerfile,
  stage: DockerStage,
  keyword: string,
): DockerStage['instructions'][number] | undefined {
  const own = [...stage.instructions].reverse().find((i) => i.keyword === keyword);
  if (own) return own;
  const parent = dockerfile.stages.find(
    (s) => s.name !== undefined && s.name === stage.from.toLowerCase() && s.index < stage.index,
  );
  return parent ? lastInstruction(dockerfile, parent, keyword) : undefined;
}
