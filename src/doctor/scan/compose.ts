/** docker-compose / compose files: each service's command, image build, dependencies and replicas. */
import type { ShellSource } from './shell-source.js';
import type { TextFile } from './text-file.js';
import { get, getEntry, mapEntries, parseYaml, scalarText, stringList, type YamlNode } from './yaml.js';

export interface EnvAssignment {
  name: string;
  value: string;
  /** File offset of the assignment. */
  offset: number;
  file: TextFile;
}

export interface ComposeService {
  file: TextFile;
  name: string;
  line: number;
  command: ShellSource | undefined;
  entrypoint: ShellSource | undefined;
  build: { context: string; dockerfile: string } | undefined;
  image: string | undefined;
  dependsOn: Array<{ service: string; condition: string }>;
  /** deploy.replicas or scale; undefined when not set (one container). */
  replicas: number | undefined;
  environment: EnvAssignment[];
  /** `profiles`: the service starts only when one of them is enabled; empty for a service that always starts. */
  profiles: string[];
}

export function isComposeFileName(name: string): boolean {
  return /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/.test(name);
}

export function shellSourceOf(node: YamlNode | undefined): ShellSource | undefined {
  if (!node) return undefined;
  if (node.kind === 'scalar' && node.value !== null) return { kind: 'shell', text: node.text, toFile: node.fileOffset };
  if (node.kind === 'seq') {
    const words = node.items
      .filter((i) => i.kind === 'scalar')
      .map((i) => (i.kind === 'scalar' ? { value: i.text, start: i.start, end: i.end, inner: i.fileOffset } : undefined!));
    return { kind: 'words', words };
  }
  return undefined;
}

/** `environment:` as a map or a list of KEY=value. */
export function environmentOf(node: YamlNode | undefined, file: TextFile): EnvAssignment[] {
  if (!node) return [];
  if (node.kind === 'map') {
    return mapEntries(node).flatMap((e) =>
      e.value?.kind === 'scalar' && e.value.value !== null
        ? [{ name: e.key, value: e.value.text, offset: e.keyStart, file }]
        : [],
    );
  }
  if (node.kind === 'seq') {
    return node.items.flatMap((item) => {
      if (item.kind !== 'scalar') return [];
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(item.text);
      return match ? [{ name: match[1]!, value: match[2]!, offset: item.start, file }] : [];
    });
  }
  return [];
}

export function parseCompose(file: TextFile): ComposeService[] {
  const root = parseYaml(file.text);
  const services = get(root, 'services');
  if (services?.kind !== 'map') return [];
  return mapEntries(services).flatMap(({ key, keyStart, value }) => {
    if (value?.kind !== 'map') return [];
    const build = get(value, 'build');
    const dependsOn = get(value, 'depends_on');
    const deps: ComposeService['dependsOn'] =
      dependsOn?.kind === 'seq'
        ? dependsOn.items.flatMap((i) => (i.kind === 'scalar' ? [{ service: i.text, condition: 'service_started' }] : []))
        : dependsOn?.kind === 'map'
          ? mapEntries(dependsOn).map((e) => ({
              service: e.key,
              condition: scalarText(get(e.value, 'condition')) ?? 'service_started',
            }))
          : [];
    const replicasText = scalarText(get(get(value, 'deploy'), 'replicas')) ?? scalarText(get(value, 'scale'));
    const replicas = replicasText !== undefined && /^\d+$/.test(replicasText) ? Number(replicasText) : undefined;
    return [
      {
        file,
        name: key,
        line: file.position(keyStart).line,
        command: shellSourceOf(get(value, 'command')),
        entrypoint: shellSourceOf(get(value, 'entrypoint')),
        build:
          build?.kind === 'scalar'
            ? { context: build.text, dockerfile: 'Dockerfile' }
            : build?.kind === 'map'
              ? {
                  context: scalarText(get(build, 'context')) ?? '.',
                  dockerfile: scalarText(get(build, 'dockerfile')) ?? 'Dockerfile',
                }
              : undefined,
        image: scalarText(get(value, 'image')),
        dependsOn: deps,
        replicas,
        environment: environmentOf(getEntry(value, 'environment')?.value, file),
        profiles: stringList(get(value, 'profiles')).map((p) => p.text),
      },
    ];
  });
}
