/**
 * CI pipelines: GitHub Actions workflows (.github/workflows/*.yml) and .gitlab-ci.yml. Each job
 * with its shell steps, its place in the pipeline (`needs`, GitLab stages) and whether it deploys,
 * judged by what it does and when it runs (see deployReason).
 */
import { classifyCommand } from './command-kinds.js';
import { environmentOf, type EnvAssignment } from './compose.js';
import { parseShell } from './shell.js';
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
/** Words of a job that checks the code rather than ships it. */
const CHECK_WORD =
  /(^|[^a-z])(test|tests|testing|e2e|integration|unit|lint|check|checks|ci|verify|validate|typecheck|preview)([^a-z]|$)/i;
const NON_PRODUCTION_ENV = /^(test|testing|ci|dev|development|preview|review.*|local|e2e)$/i;
/** Events that run a workflow for a change under review, never on a release. */
const REVIEW_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'merge_group',
  'pull_request_review',
  'pull_request_review_comment',
]);
/** Actions that deploy the app (`uses:`). */
const DEPLOY_ACTION =
  /^(superfly\/flyctl-actions|amondnet\/vercel-action|aws-actions\/amazon-ecs-deploy|google-github-actions\/deploy-|azure\/(webapps|functions|k8s)-deploy|railwayapp\/|digitalocean\/app_action|cloudflare\/wrangler-action|akhileshns\/heroku-deploy|azure\/aks-set-context|appleboy\/ssh-action|easingthemes\/ssh-deploy)/i;
/** Database images of service containers: a job with its own database tests against it. */
const DATABASE_IMAGE = /(^|\/)(postgres|postgis|pgvector|timescaledb|mysql|mariadb|cockroach|supabase\/postgres)/i;

/** A job's or workflow's name with its `${{ expressions }}` left out: what the author wrote, not what a matrix fills in. */
function literalName(name: string): string {
  return name.replace(/\$\{\{[^}]*\}\}/g, ' ');
}

function environmentName(node: YamlNode | undefined): string | undefined {
  return scalarText(node) ?? scalarText(get(node, 'name'));
}

interface JobFacts {
  id: string;
  name: string;
  environment: string | undefined;
  stage: string | undefined;
  /** The workflow only runs for changes under review (pull requests), or the job only then. */
  reviewOnly: boolean;
  /** The job runs its own database (a service container): it tests against it. */
  ownDatabase: boolean;
  /** A step deploys the app (`fly deploy`, `vercel --prod`, `kubectl apply`, a deploy action). */
  deployStep: string | undefined;
}

/**
 * Whether a job deploys, judged by what it does and when it runs: an environment that is not a
 * test or preview one; a step that rolls the app out; or a name (or GitLab stage) that says deploy,
 * release or production, for a job that runs on a release (not only for pull requests) and does
 * not test against a database of its own. Words a matrix fills into a name do not count.
 */
function deployReason(job: JobFacts): string | undefined {
  const { environment } = job;
  if (environment && NON_PRODUCTION_ENV.test(environment)) return undefined;
  if (environment && !environment.includes('$')) return `its environment is "${environment}"`;
  if (job.reviewOnly) return undefined;
  if (environment) return 'it deploys to an environment';
  if (job.deployStep) return `it deploys the app (${job.deployStep})`;
  if (job.ownDatabase) return undefined;
  const id = literalName(job.id);
  const name = literalName(job.name);
  if (job.stage && DEPLOY_WORD.test(job.stage)) return `it is in the "${job.stage}" stage`;
  if (DEPLOY_WORD.test(id) && !CHECK_WORD.test(id)) return `it is named "${job.id}"`;
  if (name !== id && DEPLOY_WORD.test(name) && !CHECK_WORD.test(name)) return `it is named "${job.name}"`;
  return undefined;
}

/** The events a workflow runs on (`on: push`, `on: [push, pull_request]`, `on: { push: ... }`). */
function workflowEvents(root: YamlNode | undefined): string[] {
  const on = get(root, 'on') ?? get(root, 'true');
  if (!on) return [];
  if (on.kind === 'scalar') return [on.text];
  if (on.kind === 'seq') return stringList(on).map((s) => s.text);
  return mapEntries(on).map((e) => e.key);
}

/** A job condition that only holds for pull requests (`if: github.event_name == 'pull_request'`). */
function reviewOnlyCondition(condition: string | undefined): boolean {
  if (!condition) return false;
  return /github\.event_name\s*==\s*['"]pull_request(_target)?['"]/.test(condition) && !/\|\|/.test(condition);
}

function shellOf(node: YamlNode | undefined): ShellSource | undefined {
  return node?.kind === 'scalar' && node.value !== null ? { kind: 'shell', text: node.text, toFile: node.fileOffset } : undefined;
}

export function parseGithubWorkflow(file: TextFile): CiWorkflow {
  const root = parseYaml(file.text);
  const jobs = get(root, 'jobs');
  const workflowEnv = environmentOf(get(root, 'env'), file);
  const events = workflowEvents(root);
  const reviewOnly = events.length > 0 && events.every((e) => REVIEW_EVENTS.has(e));
  const out: CiJob[] = [];
  if (jobs?.kind === 'map') {
    for (const { key, keyStart, value } of mapEntries(jobs)) {
      if (value?.kind !== 'map') continue;
      const name = scalarText(get(value, 'name')) ?? key;
      const steps: CiStep[] = [];
      const stepsNode = get(value, 'steps');
      const defaultCwd =
        scalarText(get(get(get(value, 'defaults'), 'run'), 'working-directory')) ??
        scalarText(get(get(get(root, 'defaults'), 'run'), 'working-directory'));
      let deployStep: string | undefined;
      if (stepsNode?.kind === 'seq') {
        stepsNode.items.forEach((step, index) => {
          const uses = scalarText(get(step, 'uses'));
          if (uses && DEPLOY_ACTION.test(uses)) deployStep ??= uses;
          const run = getEntry(step, 'run');
          const command = shellOf(run?.value);
          if (!command || !run) return;
          if (command.kind === 'shell' && parseShell(command.text).some((c) => classifyCommand(c.words).kind === 'app-deploy'))
            deployStep ??= command.text.trim().split('\n')[0];
          steps.push({
            label: scalarText(get(step, 'name')) ?? `step ${index + 1}`,
            command,
            line: file.position(run.keyStart).line,
            cwd: scalarText(get(step, 'working-directory')) ?? defaultCwd,
          });
        });
      }
      const services = get(value, 'services');
      const ownDatabase =
        services?.kind === 'map' &&
        mapEntries(services).some((e) => DATABASE_IMAGE.test(scalarText(get(e.value, 'image')) ?? scalarText(e.value) ?? ''));
      out.push({
        file,
        id: key,
        name,
        line: file.position(keyStart).line,
        deploys: deployReason({
          id: key,
          name,
          environment: environmentName(get(value, 'environment')),
          stage: undefined,
          reviewOnly: reviewOnly || reviewOnlyCondition(scalarText(get(value, 'if'))),
          ownDatabase,
          deployStep,
        }),
        needs: stringList(get(value, 'needs')).map((s) => s.text),
        stage: 0,
        steps,
        env: [...workflowEnv, ...environmentOf(get(value, 'env'), file)],
      });
    }
  }
  return { file, kind: 'github', jobs: out };
}

const GITLAB_RESERVED = new Set([
  'stages',
  'variables',
  'default',
  'include',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'types',
  'pages:deploy',
]);
const GITLAB_DEFAULT_STAGES = ['.pre', 'build', 'test', 'deploy', '.post'];

/** `only: [merge_requests]`, or rules that only run for merge requests. */
function gitlabReviewOnly(only: YamlNode | undefined, rules: YamlNode | undefined): boolean {
  const refs = only?.kind === 'map' ? stringList(get(only, 'refs')) : stringList(only);
  if (refs.length > 0 && refs.every((r) => r.text === 'merge_requests')) return true;
  if (rules?.kind !== 'seq' || rules.items.length === 0) return false;
  return rules.items.every(
    (rule) =>
      /CI_MERGE_REQUEST|merge_request_event/.test(scalarText(get(rule, 'if')) ?? '') || scalarText(get(rule, 'when')) === 'never',
  );
}

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
      const node = lookup(part) ?? (part !== 'script' ? (get(defaults, part) ?? get(root, part)) : undefined);
      const items = node?.kind === 'seq' ? node.items : node ? [node] : [];
      for (const item of items) {
        if (item.kind === 'seq') {
          for (const inner of item.items)
            if (inner.kind === 'scalar' && inner.value !== null)
              steps.push({
                label: part,
                command: { kind: 'shell', text: inner.text, toFile: inner.fileOffset },
                line: file.position(inner.start).line,
                cwd: undefined,
              });
          continue;
        }
        if (item.kind === 'scalar' && item.value !== null)
          steps.push({
            label: part,
            command: { kind: 'shell', text: item.text, toFile: item.fileOffset },
            line: file.position(item.start).line,
            cwd: undefined,
          });
      }
    }
    jobs.push({
      file,
      id: key,
      name: key,
      line: file.position(keyStart).line,
      deploys: deployReason({
        id: key,
        name: key,
        environment: environmentName(lookup('environment')),
        stage,
        reviewOnly: gitlabReviewOnly(lookup('only'), lookup('rules')),
        ownDatabase: (lookup('services')?.kind === 'seq' ? (lookup('services') as { items: YamlNode[] }).items : []).some((i) =>
          DATABASE_IMAGE.test(scalarText(i) ?? scalarText(get(i, 'name')) ?? ''),
        ),
        deployStep: undefined,
      }),
      needs: stringList(lookup('needs'))
        .map((s) => s.text)
        .concat(
          (lookup('needs')?.kind === 'seq' ? (lookup('needs') as { items: YamlNode[] }).items : []).flatMap(
            (i) => scalarText(get(i, 'job')) ?? [],
          ),
        ),
      stage: Math.max(0, order.indexOf(stage)),
      steps,
      env: [...globalEnv, ...environmentOf(lookup('variables'), file)],
    });
  }
  return { file, kind: 'gitlab', jobs };
}
