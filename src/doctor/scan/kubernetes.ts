/**
 * Kubernetes manifests (Helm templates rendered first: helm.ts): Deployments and StatefulSets with
 * their replicas and containers, Jobs, and HorizontalPodAutoscalers' minReplicas.
 */
import { shellSourceOf } from './compose.js';
import type { ShellSource } from './shell-source.js';
import type { TextFile } from './text-file.js';
import { get, parseYamlDocuments, scalarText, type YamlNode } from './yaml.js';

export interface KubeContainer {
  name: string;
  image: string | undefined;
  /** command + args, when the manifest overrides the image's. */
  command: ShellSource | undefined;
  args: ShellSource | undefined;
  init: boolean;
}

export interface KubeWorkload {
  file: TextFile;
  kind: string;
  name: string;
  line: number;
  /** Pods that run at once: replicas (default 1), or an autoscaler's minReplicas when larger. */
  replicas: number;
  containers: KubeContainer[];
}

export function parseKubernetes(file: TextFile): KubeWorkload[] {
  if (!/^\s*kind\s*:/m.test(file.text) || !/apiVersion\s*:/.test(file.text)) return [];
  let docs: YamlNode[];
  try {
    docs = parseYamlDocuments(file.text);
  } catch {
    return [];
  }
  const workloads: KubeWorkload[] = [];
  const autoscaled = new Map<string, number>();
  for (const doc of docs) {
    const kind = scalarText(get(doc, 'kind'));
    if (kind === 'HorizontalPodAutoscaler') {
      const target = scalarText(get(get(get(doc, 'spec'), 'scaleTargetRef'), 'name'));
      const min = Number(scalarText(get(get(doc, 'spec'), 'minReplicas')) ?? 1);
      if (target) autoscaled.set(target, min);
      continue;
    }
    if (!kind || !['Deployment', 'StatefulSet', 'Job', 'CronJob', 'DaemonSet', 'ReplicaSet'].includes(kind)) continue;
    const name = scalarText(get(get(doc, 'metadata'), 'name')) ?? kind;
    let spec = get(doc, 'spec');
    if (kind === 'CronJob') spec = get(get(spec, 'jobTemplate'), 'spec');
    const podSpec = get(get(spec, 'template'), 'spec');
    const containers: KubeContainer[] = [];
    for (const [key, init] of [
      ['initContainers', true],
      ['containers', false],
    ] as const) {
      const list = get(podSpec, key);
      if (list?.kind !== 'seq') continue;
      for (const c of list.items) {
        containers.push({
          name: scalarText(get(c, 'name')) ?? '',
          image: scalarText(get(c, 'image')),
          command: shellSourceOf(get(c, 'command')),
          args: shellSourceOf(get(c, 'args')),
          init,
        });
      }
    }
    const replicasText = scalarText(get(spec, 'replicas'));
    const replicas =
      kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet'
        ? replicasText && /^\d+$/.test(replicasText)
          ? Number(replicasText)
          : 1
        : 1;
    workloads.push({ file, kind, name, line: file.position((doc as { start: number }).start).line, replicas, containers });
  }
  for (const workload of workloads) {
    const min = autoscaled.get(workload.name);
    if (min !== undefined && min > workload.replicas) workload.replicas = min;
  }
  return workloads;
}
