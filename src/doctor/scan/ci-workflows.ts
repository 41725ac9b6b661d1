/**
 * CI pipelines: GitHub Actions workflows (.github/workflows/*.yml) and .gitlab-ci.yml. Each job
 * with its shell steps, its place in the pipeline (`needs`, GitLab stages) and whether it deploys:
 * a job with an `environment` (other than a test or preview one), or whose id, name or stage says
 * deploy, release, production or prod.
 */
import { environmentOf, type EnvAssignment } from './compose.js';
import type { ShellSource } from './shell-source.js';
import type { TextFile } from './text-file.js';
import { get, getEntry, mapEntries, parseYaml, scalarText, stringList, type YamlNode } from './yaml.js';

export interface CiStep {
  label: string;
  command: ShellSource;
  line: number;
  /** GitHub's `working-directory` (of the step, or the job's and workflow's `defaults.run`), relative to the repository. */
  cwd: string | undefined;
}

export interface CiJob {
  file: TextFile;
  id: string;
  name: string;
  line: number;
  /** Why the job deploys, in words; undefined when it does not. */
  deploys: string | undefined;
  /** Jobs that must finish before this one. */
  needs: string[];
  /** GitLab: the stage's position in `stages`; GitHub: 0. */
  stage: number;
  steps: CiStep[];
  env: EnvAssignment[];
}

export interface CiWorkflow {
  file: TextFile;
  kind: 'github' | 'gitlab';
  jobs: CiJob[];
}

const DEPLOY_WORD = /(^|[^a-z])(deploy\w*|release|releases|production|prod|live|publish)([^a-z]|$)/i;
const NON_PRODUCTION_ENV = /^(test|testing|ci|dev|development|preview|review.*|local|e2e)$/i;

function environmentName(node: YamlNode | undefined): string | undefined {
  return scalarText(node) ?? scalarText(get(node, 'name'));
}

function deployReason(id: string, name: string, environment: string | undefined, stage: string | undefined): string | undefined {
  if (environment && !NON_PRODUCTION_ENV.test(environment) && !environment.includes('${{')) return `its environment is "${environment}"`;
  if (environment && environment.includes('${{')) return 'it deploys to an environment';
  if (stage && DEPLOY_WORD.test(stage)) return `it is in the "${stage}" stage`;
  if (DEPLOY_WORD.test(id)) return `it is named "${id}"`;
  if (name !== id && DEPLOY_WORD.test(name)) return `it is named "${name}"`;
  return undefined;
}

function shellOf(node: YamlNode | undefined): ShellSource | undefined {
  return node?.kind === 'scalar' && node.value !== null ? { kind: 'shell', text: node.text, toFile: node.fileOffset } : undefined;
}

export function parseGithubWorkflow(file: TextFile): CiWorkflow {
  const root = parseYaml(file.text);
  const jobs = get(root, 'jobs');
  const workflowEnv = environmentOf(get(root, 'env'), file);
  const out: CiJob[] = [];
  if (jobs?.kind === 'map') {
    for (const { key, keyStart, value } of mapEntries(jobs)) {
      if (value?.kind !== 'map') continue;
      const name = scalarText(get(value, 'name')) ?? key;
      const steps: CiStep[] = [];
      const stepsNode = get(value, 'steps');
      const defaultCwd = scalarText(get(get(get(value, 'defaults'), 'run'), 'working-directory')) ?? scalarText(get(get(get(root, 'defaults'), 'run'), 'working-directory'));
      if (stepsNode?.kind === 'seq') {
        stepsNode.items.forEach((step, index) => {
          const run = getEntry(step, 'run');
          const command = shellOf(run?.value);
          if (!command || !run) return;
          steps.push({ label: scalarText(get(step, 'name')) ?? `step ${index + 1}`, command, line: file.position(run.keyStart).line, cwd: scalarText(get(step, 'working-directory')) ?? defaultCwd });
        });
      }
      out.push({
        file,
        id: key,
        name,
        line: file.position(keyStart).line,
        deploys: deployReason(key, name, environmentName(get(value, 'environment')), undefined),
        needs: stringList(get(value, 'needs')).map((s) => s.text),
        stage: 0,
        steps,
        env: [...workflowEnv, ...environmentOf(get(value, 'env'), file)],
      });
    }
  }
  return { file, kind: 'github', jobs: out };
}

const GITLAB_RESERVED = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'types', 'pages:deploy']);
const GITLAB_DEFAULT_STAGES = ['.pre', 'build', 'test', 'deploy', '.post'];

export function parseGitlabCi(file: TextFile): CiWorkflow {
  const root = parseYaml(file.text);
  if (root?.kind !== 'map') return { file, kind: 'gitlab', jobs: [] };
  const stages = stringList(get(root, 'stages')).map((s) => s.text);
  const order = stages.length > 0 ? ['.pre', ...stages, '.post'] : GITLAB_DEFAULT_STAGES;
  const defaults = get(root, 'default');
  const globalEnv = environmentOf(get(root, 'variables'), file);
  const jobs: CiJob[] = [];
  for (const { key, keyStart, value } of mapEntries(root)) {
    if (GITLAB_RESERVED.has(key) || key.startsWith('.') || value?.kind !== 'map') continue;
    const extended = stringList(get(value, 'extends')).map((s) => get(root, s.text));
    const lookup = (name: string): YamlNode | undefined => get(value, name) ?? extended.map((e) => get(e, name)).find(Boolean);
    const stage = scalarText(lookup('stage')) ?? 'test';
    const steps: CiStep[] = [];
    for (const part of ['before_script', 'script', 'after_script']) {
      const node = lookup(part) ?? (part !== 'script' ? get(defaults, part) ?? get(root, part) : undefined);
      const items = node?.kind === 'seq' ? node.items : node ? [node] : [];
      for (const item of items) {
        if (item.kind === 'seq') {
          for (const inner of item.items) if (inner.kind === 'scalar' && inner.value !== null) steps.push({ label: part, command: { kind: 'shell', text: inner.text, toFile: inner.fileOffset }, line: file.position(inner.start).line, cwd: undefined });
          continue;
        }
        if (item.kind === 'scalar' && item.value !== null) steps.push({ label: part, command: { kind: 'shell', text: item.text, toFile: item.fileOffset }, line: file.position(item.start).line, cwd: undefined });
      }
    }
    jobs.push({
      file,
      id: key,
      name: key,
      line: file.position(keyStart).line,
      deploys: deployReason(key, key, environmentName(lookup('environment')), stage),
      needs: stringList(lookup('needs')).map((s) => s.text).concat((lookup('needs')?.kind === 'seq' ? (lookup('needs') as { items: YamlNode[] }).items : []).flatMap((i) => scalarText(get(i, 'job')) ?? [])),
      stage: Math.max(0, order.indexOf(stage)),
      steps,
      env: [...globalEnv, ...environmentOf(lookup('variables'), file)],
    });
  }
  return { file, kind: 'gitlab', jobs };
}
