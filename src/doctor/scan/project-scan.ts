/**
 * Everything doctor reads in a project, each kind of file read and parsed once, on first use:
 * the file tree, package.json files, Dockerfiles, Procfiles, compose files, CI workflows,
 * Kubernetes manifests, ignore files, tsconfig, the JavaScript/TypeScript sources, the ORM
 * configuration, and the production pipelines built from them.
 */
import { type AstNode, calleeName, walk } from '../../js/estree.js';
import { migrateCalls } from '../code/drizzle-code.js';
import { execCommands } from '../code/exec-commands.js';
import { serverStarts } from '../code/server-start.js';
import { parseGithubWorkflow, parseGitlabCi, type CiWorkflow } from './ci-workflows.js';
import { isComposeFileName, parseCompose, type ComposeService } from './compose.js';
import { dockerContext } from './docker-image.js';
import { isDockerfileName, parseDockerfile, type Dockerfile } from './dockerfile.js';
import { readEnvValues, type EnvValue } from './env-values.js';
import { dirOf, FileIndex, joinPath } from './file-index.js';
import { DockerIgnore, GitIgnore } from './ignore-files.js';
import { helmChartOf, helmValues, renderHelmTemplate } from './helm.js';
import { parseKubernetes, type KubeWorkload } from './kubernetes.js';
import { readOrmFacts, type PackageOrms } from './orm-facts.js';
import { isServerlessFileName, parseServerless, type ServerlessService } from './serverless.js';
import { SST_SOURCE, sstFunctions, type SstFunction } from './sst.js';
import { vercelProjects, type VercelProject } from './vercel.js';
import { netlifySites, type NetlifySite } from './netlify.js';
import { readPackages, type PackageInfo } from './packages.js';
import { PipelineBuilder, type Pipeline, type ProductionCommand } from './pipelines.js';
import { parseProcfile, type ProcfileEntry } from './procfile.js';
import { SourceIndex } from './source-index.js';
import type { ShellSource } from './shell-source.js';
import type { TextFile } from './text-file.js';
import { readModuleAliases, readTsBuild, type ModuleAliases, type TsBuild } from './tsconfig.js';

export class ProjectScan {
  readonly files: FileIndex;
  /** Things the scan could not read, for the report. */
  readonly notes: string[] = [];
  private readonly memo = new Map<string, unknown>();
  private ormFacts: PackageOrms[] = [];

  constructor(readonly root: string) {
    this.files = new FileIndex(root);
  }

  private once<T>(key: string, compute: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, compute());
    return this.memo.get(key) as T;
  }

  /** Reads the ORM configuration of every package (the one step that evaluates config files). */
  async prepare(): Promise<void> {
    this.ormFacts = [];
    for (const pkg of this.packageDirs()) this.ormFacts.push(await readOrmFacts(this.root, pkg, this.sources, this.notes));
  }

  /** The package directories to look for ORM projects in: the root and the workspace packages. */
  private packageDirs(): string[] {
    const dirs = this.packages.map((p) => p.dir);
    return dirs.length > 0 ? dirs : [''];
  }

  get orms(): PackageOrms[] {
    return this.ormFacts;
  }

  get packages(): PackageInfo[] {
    return this.once('packages', () => readPackages(this.files));
  }

  /** The package that holds a path (the deepest one), else the root package. */
  packageOf(path: string): PackageInfo | undefined {
    let best: PackageInfo | undefined;
    for (const pkg of this.packages)
      if (pkg.dir === '' || path === pkg.dir || path.startsWith(`${pkg.dir}/`))
        if (!best || pkg.dir.length > best.dir.length) best = pkg;
    return best;
  }

  tsBuild(dir: string): TsBuild | undefined {
    return this.once(`ts:${dir}`, () =>
      readTsBuild(this.files, dir, this.packages.find((p) => p.dir === dir)?.scripts.get('build')?.command),
    );
  }

  /** Whether a module is an ES module when it runs: `.mjs`/`.mts`, or `"type": "module"` for `.js`/`.ts`. */
  isEsm(path: string): boolean {
    if (/\.m[jt]s$/.test(path)) return true;
    if (/\.c[jt]s$/.test(path)) return false;
    const pkg = this.packageOf(path);
    if (!pkg?.esm) return false;
    if (/\.tsx?$/.test(path)) {
      const module = this.tsBuild(pkg.dir)?.module;
      return module === undefined || !/^commonjs$/.test(module);
    }
    return true;
  }

  get sources(): SourceIndex {
    return this.once('sources', () => {
      const ignore = this.gitignore;
      return new SourceIndex(
        this.files,
        this.packageDirs()
          .map((d) => this.tsBuild(d)?.outDir)
          .filter((d): d is string => Boolean(d)),
        ignore.size > 0 ? (path) => ignore.check(path).ignored : undefined,
        (path) => this.moduleAliases(dirOf(path)),
      );
    });
  }

  /** The tsconfig aliases for sources in `dir`: those of the nearest tsconfig.json at or above it. */
  private moduleAliases(dir: string): ModuleAliases | undefined {
    return this.once(`aliases:${dir}`, () => {
      const tsconfig = joinPath(dir, 'tsconfig.json');
      if (this.files.has(tsconfig)) return readModuleAliases(this.files, tsconfig);
      return dir === '' ? undefined : this.moduleAliases(dirOf(dir));
    });
  }

  get dockerfiles(): Dockerfile[] {
    return this.once('dockerfiles', () =>
      this.files.named(isDockerfileName).flatMap((path) => {
        const file = this.files.read(path);
        return file ? [parseDockerfile(file)] : [];
      }),
    );
  }

  get procfiles(): Array<{ file: TextFile; entries: ProcfileEntry[] }> {
    return this.once('procfiles', () =>
      this.files
        .named((name) => name === 'Procfile')
        .flatMap((path) => {
          const file = this.files.read(path);
          return file ? [{ file, entries: parseProcfile(file) }] : [];
        }),
    );
  }

  private yaml<T>(path: string, parse: (file: TextFile) => T, fallback: T): T {
    const file = this.files.read(path);
    if (!file) return fallback;
    try {
      return parse(file);
    } catch (error) {
      this.notes.push(
        `${path} could not be read as YAML (${error instanceof Error ? error.message : String(error)}); it was skipped.`,
      );
      return fallback;
    }
  }

  get serverless(): ServerlessService[] {
    return this.once('serverless', () =>
      this.files.named(isServerlessFileName).flatMap((path) => this.yaml(path, (file) => parseServerless(file) ?? [], [])),
    );
  }

  /** Vercel projects: vercel.json, or a package that uses the vercel CLI. */
  get vercel(): VercelProject[] {
    return this.once('vercel', () => vercelProjects(this.files, this.packages));
  }

  /** Netlify sites: netlify.toml, or a netlify/functions folder. */
  get netlify(): NetlifySite[] {
    return this.once('netlify', () => netlifySites(this.files, this.notes));
  }

  /** SST functions (v3 sst.config.ts, v2 stacks); SST bundles each with esbuild. */
  get sst(): SstFunction[] {
    return this.once('sst', () =>
      this.sources
        .containing(SST_SOURCE)
        .filter((path) => !/(^|\/)\.sst\//.test(path))
        .flatMap((path) => {
          const parsed = this.sources.parse(path);
          return parsed ? sstFunctions(parsed, (p) => this.files.has(p)) : [];
        }),
    );
  }

  get compose(): ComposeService[] {
    return this.once('compose', () => this.files.named(isComposeFileName).flatMap((path) => this.yaml(path, parseCompose, [])));
  }

  get ci(): CiWorkflow[] {
    return this.once('ci', () => {
      const github = this.files.named((_name, path) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(path));
      const gitlab = this.files.named((name) => name === '.gitlab-ci.yml' || name === '.gitlab-ci.yaml');
      return [
        ...github.map((path) => this.yaml(path, parseGithubWorkflow, undefined)),
        ...gitlab.map((path) => this.yaml(path, parseGitlabCi, undefined)),
      ].filter((w): w is CiWorkflow => w !== undefined);
    });
  }

  get kubernetes(): KubeWorkload[] {
    return this.once('kubernetes', () =>
      this.files
        .named(
          (name, path) =>
            /\.ya?ml$/.test(name) &&
            !isComposeFileName(name) &&
            !path.includes('.github/') &&
            !name.startsWith('.gitlab-ci') &&
            name !== 'pnpm-workspace.yaml',
        )
        .flatMap((path) => {
          const chart = helmChartOf(this.files, path);
          if (chart === undefined) return this.yaml(path, parseKubernetes, []);
          const values = this.once(`helm-values:${chart}`, () => helmValues(this.files, chart));
          return this.yaml(path, (file) => parseKubernetes(renderHelmTemplate(file, values)), []);
        }),
    );
  }

  /** The .gitignore files of the tree (and the ones above it are not read: the scan root is the repository). */
  get gitignore(): GitIgnore {
    return this.once('gitignore', () => {
      const ignore = new GitIgnore();
      for (const path of this.files.named((name) => name === '.gitignore')) {
        const file = this.files.read(path);
        if (file) ignore.add(path, file.text);
      }
      return ignore;
    });
  }

  /** The .dockerignore of a build context (or `<Dockerfile>.dockerignore` next to the Dockerfile), when there is one. */
  dockerignore(dockerfile: Dockerfile): DockerIgnore | undefined {
    return this.once(`dockerignore:${dockerfile.file.path}`, () => {
      const specific = `${dockerfile.file.path}.dockerignore`;
      const path = this.files.has(specific) ? specific : joinPath(this.dockerContext(dockerfile), '.dockerignore');
      const file = this.files.read(path);
      return file ? new DockerIgnore(path, file.text) : undefined;
    });
  }

  dockerContext(dockerfile: Dockerfile): string {
    return this.once(`context:${dockerfile.file.path}`, () => {
      const contexts = new Map<string, string>();
      for (const service of this.compose) {
        if (!service.build) continue;
        const context = joinPath(dirOf(service.file.path), service.build.context);
        contexts.set(joinPath(context, service.build.dockerfile), context);
      }
      return dockerContext(dockerfile, this.files, contexts);
    });
  }

  get envValues(): EnvValue[] {
    return this.once('env', () => readEnvValues(this.files, this.dockerfiles, this.compose, this.ci));
  }

  get pipelines(): Pipeline[] {
    return this.once('pipelines', () =>
      new PipelineBuilder({
        files: this.files,
        packages: this.packages,
        dockerfiles: this.dockerfiles,
        procfiles: this.procfiles,
        compose: this.compose,
        ci: this.ci,
        kubernetes: this.kubernetes,
        sourceOf: (dir, path) =>
          this.sourceOf(dir, path) ?? this.sourceOf(this.packageOf(path)?.dir ?? '', path) ?? this.sourceNamed(path),
        roleOf: (source) => this.roleOf(source),
        commandsIn: (source) => this.commandsIn(source),
        dockerContext: (dockerfile) => this.dockerContext(dockerfile),
      }).build(),
    );
  }

  /** Every command of every production pipeline. */
  get commands(): ProductionCommand[] {
    return this.once('commands', () => this.pipelines.flatMap((p) => p.commands));
  }

  /** The source file a path names: itself, or for compiled output (dist/server.js) the file it was compiled from. */
  sourceOf(packageDir: string, path: string): string | undefined {
    const sources = this.sources;
    const inSources = (p: string | undefined) => (p && sources.files.includes(p) ? p : undefined);
    const direct = inSources(sources.resolvePath(path));
    if (direct) return direct;
    const build = this.tsBuild(packageDir);
    const outDirs = [build?.outDir, joinPath(packageDir, 'dist'), joinPath(packageDir, 'build')].filter((d): d is string =>
      Boolean(d),
    );
    for (const outDir of outDirs) {
      if (!path.startsWith(`${outDir}/`)) continue;
      const rest = path.slice(outDir.length + 1);
      for (const rootDir of [build?.rootDir ?? packageDir, joinPath(packageDir, 'src'), packageDir]) {
        const found = inSources(sources.resolvePath(joinPath(rootDir, rest)));
        if (found) return found;
        // tsc without rootDir keeps the src/ folder: dist/src/server.js.
        if (rest.startsWith('src/')) {
          const nested = inSources(sources.resolvePath(joinPath(packageDir, rest)));
          if (nested) return nested;
        }
      }
    }
    return undefined;
  }

  /**
   * A file the repository does not hold at that path (`/home/node/validate-env.mjs`, copied into
   * the image from elsewhere): the one source of that name, when there is exactly one.
   */
  private sourceNamed(path: string): string | undefined {
    const stem = path.slice(path.lastIndexOf('/') + 1).replace(/\.[cm]?[jt]sx?$/, '');
    if (!stem || /^(index|main|server|app|dist|build)$/.test(stem)) return undefined;
    const named = this.sources.files.filter((f) => f.slice(f.lastIndexOf('/') + 1).replace(/\.[cm]?[jt]sx?$/, '') === stem);
    return named.length === 1 ? named[0] : undefined;
  }

  /** The commands a source file (or a module it imports) starts as child processes: `execSync('prisma migrate deploy')`. */
  commandsIn(source: string): Array<{ file: TextFile; source: ShellSource; module: string }> {
    return this.once(`exec:${source}`, () => {
      const parsed = this.sources.parse(source);
      if (!parsed) return [];
      const modules = [
        source,
        ...parsed.imports.filter((i) => !i.typeOnly).flatMap((i) => this.sources.resolve(source, i.specifier) ?? []),
      ];
      return [...new Set(modules)].flatMap((path) => {
        const module = this.sources.parse(path);
        return module ? execCommands(module).map((c) => ({ file: module.file, source: c.source, module: path })) : [];
      });
    });
  }

  /** Whether running a source file migrates a database and whether it serves requests (itself or through the modules it imports). */
  roleOf(source: string): { migrates: boolean; serves: boolean } {
    return this.once(`role:${source}`, () => {
      const parsed = this.sources.parse(source);
      if (!parsed) return { migrates: false, serves: false };
      let migrates = migrateCalls(parsed).length > 0;
      walk(parsed.program as unknown as AstNode, (node) => {
        if (node.type === 'CallExpression' && calleeName(node) === 'runMigrations') migrates = true;
      });
      let serves = serverStarts(parsed).length > 0;
      if (!serves) {
        for (const imp of parsed.imports) {
          if (imp.typeOnly) continue;
          const target = this.sources.resolve(source, imp.specifier);
          const child = target ? this.sources.parse(target) : undefined;
          if (child && serverStarts(child).length > 0) {
            serves = true;
            break;
          }
        }
      }
      return { migrates, serves };
    });
  }
}
