/**
 * turbo.json: which tasks `turbo run X` runs before X in each package (`dependsOn`): `^Y` is Y in
 * the package's workspace dependencies, `Y` is Y in the same package, `pkg#Y` is Y in that
 * package. Both `tasks` (turbo 2) and `pipeline` (turbo 1) are read, with `pkg#X` entries and a
 * package's own turbo.json (`extends: ["//"]`) taking precedence over the root's `X`.
 */
import { joinPath, type FileIndex } from './file-index.js';
import { parseJsonText, plain } from './json-text.js';
import type { PackageInfo } from './packages.js';

type TaskMap = Record<string, { dependsOn?: unknown }>;

function readTasks(files: FileIndex, path: string): TaskMap | undefined {
  const file = files.read(path);
  if (!file) return undefined;
  try {
    const json = plain(parseJsonText(file.text)) as { tasks?: TaskMap; pipeline?: TaskMap };
    const tasks = json.tasks ?? json.pipeline;
    return tasks && typeof tasks === 'object' ? tasks : undefined;
  } catch {
    return undefined;
  }
}

export class TurboTasks {
  private readonly root: TaskMap | undefined;
  private readonly perPackage = new Map<string, TaskMap | undefined>();

  constructor(
    private readonly files: FileIndex,
    private readonly packages: PackageInfo[],
  ) {
    this.root = readTasks(files, 'turbo.json');
  }

  get configured(): boolean {
    return this.root !== undefined;
  }

  /** The tasks that must finish before `task` runs in `pkg`, as [package, script] pairs. */
  dependencies(pkg: PackageInfo, task: string): Array<[PackageInfo, string]> {
    let own = this.perPackage.get(pkg.dir);
    if (!this.perPackage.has(pkg.dir)) {
      own = pkg.dir ? readTasks(this.files, joinPath(pkg.dir, 'turbo.json')) : undefined;
      this.perPackage.set(pkg.dir, own);
    }
    const entry = own?.[task] ?? (pkg.name ? this.root?.[`${pkg.name}#${task}`] : undefined) ?? this.root?.[task];
    const dependsOn = Array.isArray(entry?.dependsOn) ? entry.dependsOn.filter((d): d is string => typeof d === 'string') : [];
    const out: Array<[PackageInfo, string]> = [];
    for (const dependency of dependsOn) {
      if (dependency.startsWith('$')) continue;
      if (dependency.startsWith('^')) {
        for (const dep of this.workspaceDependencies(pkg)) out.push([dep, dependency.slice(1)]);
      } else if (dependency.includes('#')) {
        const [name, script] = dependency.split('#') as [string, string];
        const target = name === '//' ? this.packages.find((p) => p.dir === '') : this.packages.find((p) => p.name === name);
        if (target) out.push([target, script]);
      } else {
        out.push([pkg, dependency]);
      }
    }
    return out;
  }

  /** The workspace packages a package depends on (by name in its dependencies). */
  workspaceDependencies(pkg: PackageInfo): PackageInfo[] {
    return this.packages.filter((p) => p !== pkg && p.name !== undefined && p.name in pkg.dependencies);
  }
}
