/**
 * What a Dockerfile puts in its image: where a file of the build context lands in a stage, through
 * `COPY`/`ADD` from the context (less what .dockerignore leaves out), `COPY --from=<stage>` and
 * stages built `FROM` earlier stages. Used to tell whether the migrations reach the final image.
 */
import type { Dockerfile, DockerInstruction, DockerStage } from './dockerfile.js';
import { dirOf, joinPath, type FileIndex } from './file-index.js';
import type { DockerIgnore } from './ignore-files.js';

interface CopyStep {
  from: string | undefined;
  sources: string[];
  /** Absolute image path. */
  dest: string;
  destIsDir: boolean;
  instruction: DockerInstruction;
}

function splitArgs(instruction: DockerInstruction): string[] {
  if (instruction.exec) return instruction.exec.map((w) => w.value);
  const out: string[] = [];
  for (const match of instruction.args.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g))
    out.push(match[1] ?? match[2] ?? match[3]!);
  return out.filter((w) => w !== '\\');
}

function imageJoin(base: string | undefined, path: string): string {
  if (path.startsWith('/')) return `/${joinPath(path)}`;
  return `/${joinPath(base ?? '/', path)}`;
}

function parentStage(dockerfile: Dockerfile, stage: DockerStage): DockerStage | undefined {
  const from = stage.from.toLowerCase();
  return dockerfile.stages.find((s) => s.index < stage.index && (s.name === from || String(s.index) === from));
}

function stageByRef(dockerfile: Dockerfile, ref: string, before: number): DockerStage | undefined {
  const lower = ref.toLowerCase();
  return dockerfile.stages.find((s) => s.index < before && (s.name === lower || String(s.index) === lower));
}

function copySteps(dockerfile: Dockerfile, stage: DockerStage): CopyStep[] {
  const steps: CopyStep[] = [];
  let workdir = inheritedWorkdir(dockerfile, stage);
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'WORKDIR') workdir = imageJoin(workdir, instruction.args.trim().replace(/^["']|["']$/g, ''));
    if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
    if (instruction.heredoc) continue;
    const args = splitArgs(instruction);
    if (args.length < 2) continue;
    const destRaw = args[args.length - 1]!;
    const sources = args.slice(0, -1).filter((s) => !/^[a-z]+:\/\//i.test(s));
    steps.push({
      from: instruction.flags.from,
      sources,
      dest: imageJoin(workdir, destRaw),
      destIsDir: destRaw.endsWith('/') || destRaw === '.' || sources.length > 1,
      instruction,
    });
  }
  return steps;
}

function inheritedWorkdir(dockerfile: Dockerfile, stage: DockerStage): string | undefined {
  const parent = parentStage(dockerfile, stage);
  if (!parent) return undefined;
  let workdir = inheritedWorkdir(dockerfile, parent);
  for (const instruction of parent.instructions)
    if (instruction.keyword === 'WORKDIR') workdir = imageJoin(workdir, instruction.args.trim());
  return workdir;
}

function globRegex(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*/g, '\u0000')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')
      .replace(/\u0000/g, '.*')}$`,
  );
}

/**
 * Where `path` (relative to the source: the context, or a stage's root) lands when copied from
 * `source` to `dest`; undefined when the copy does not include it.
 */
function landing(source: string, path: string, dest: string, destIsDir: boolean): string | undefined {
  const src = joinPath(source);
  if (src === '') return `${dest}/${path}`.replace(/\/+/g, '/');
  if (/[*?[]/.test(src)) {
    const regex = globRegex(src);
    const parts = path.split('/');
    for (let i = parts.length; i >= 1; i--) {
      const candidate = parts.slice(0, i).join('/');
      if (!regex.test(candidate)) continue;
      // A matched directory's contents are copied into dest; a matched file goes into dest/.
      return i === parts.length ? `${dest}/${parts[parts.length - 1]}` : `${dest}/${parts.slice(i).join('/')}`;
    }
    return undefined;
  }
  if (path === src) return destIsDir ? `${dest}/${path.slice(path.lastIndexOf('/') + 1)}` : dest;
  if (path.startsWith(`${src}/`)) return `${dest}/${path.slice(src.length + 1)}`;
  return undefined;
}

/** The image paths at which a context file is present in a stage. */
export function imagePaths(
  dockerfile: Dockerfile,
  stage: DockerStage,
  contextPath: string,
  ignore: DockerIgnore | undefined,
  depth = 0,
): string[] {
  if (depth > 20) return [];
  const out = new Set<string>();
  const parent = parentStage(dockerfile, stage);
  if (parent) for (const p of imagePaths(dockerfile, parent, contextPath, ignore, depth + 1)) out.add(p);
  const excluded = ignore?.check(contextPath).ignored ?? false;
  for (const step of copySteps(dockerfile, stage)) {
    if (step.from !== undefined) {
      const from = stageByRef(dockerfile, step.from, stage.index);
      if (!from) continue;
      for (const there of imagePaths(dockerfile, from, contextPath, ignore, depth + 1)) {
        for (const source of step.sources) {
          const relative = there.replace(/^\//, '');
          const src = source.startsWith('/') ? source.slice(1) : source;
          const landed = landing(src, relative, step.dest, step.destIsDir);
          if (landed) out.add(landed);
        }
      }
      continue;
    }
    if (excluded) continue;
    for (const source of step.sources) {
      const landed = landing(source, contextPath, step.dest, step.destIsDir);
      if (landed) out.add(landed);
    }
  }
  return [...out];
}

/** The final stage: what `docker build` without --target produces. */
export function finalStage(dockerfile: Dockerfile): DockerStage | undefined {
  return dockerfile.stages[dockerfile.stages.length - 1];
}

/**
 * The build context of a Dockerfile: the compose `build.context` that names it, else the nearest
 * directory (the Dockerfile's own, then its parents) in which the files its COPY instructions
 * name exist.
 */
export function dockerContext(dockerfile: Dockerfile, files: FileIndex, composeContexts: Map<string, string>): string {
  const fromCompose = composeContexts.get(dockerfile.file.path);
  if (fromCompose !== undefined) return fromCompose;
  const named = dockerfile.stages
    .flatMap((stage) => copySteps(dockerfile, stage))
    .filter((step) => step.from === undefined)
    .flatMap((step) => step.sources)
    .map((s) => joinPath(s))
    .filter((s) => s !== '' && !/[*?[]/.test(s));
  let dir = dirOf(dockerfile.file.path);
  for (;;) {
    if (named.length === 0 || named.every((s) => files.exists(joinPath(dir, s)))) return dir;
    if (dir === '') return dirOf(dockerfile.file.path);
    dir = dirOf(dir);
  }
}
