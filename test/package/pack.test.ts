/**
 * The npm package as a user gets it: `npm pack`, installed into an empty folder from the tarball
 * (dependencies from the npm cache when they are there, else the registry), and run with `npx`.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/cli.js';
import { REPO_ROOT } from '../support/project.js';

interface PackageJson {
  name: string;
  version: string;
  license: string;
  engines: { node: string };
  bin: Record<string, string>;
  types: string;
  exports: Record<string, unknown>;
  files: string[];
  repository: { url: string };
  homepage: string;
  author: string;
  keywords: string[];
  dependencies: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;

let dir: string;
let tarball: string;
let packed: string[];

function run(command: string, args: string[], cwd: string, timeout = 300_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: cleanEnv({ npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }),
  });
}

beforeAll(() => {
  // `npm test` builds first; the package is packed from that build (no prepare script here).
  expect(existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'lockstep-pack-'));
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO_ROOT);
  expect(pack.status, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(dir, info!.filename);
  packed = info!.files.map((f) => f.path);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('package.json', () => {
  it('has the metadata a registry page and a user need', () => {
    expect(pkg.license).toBe('MIT');
    expect(pkg.engines.node).toMatch(/^>=20/);
    expect(pkg.bin.lockstep).toBe('dist/cli/main.js');
    expect(pkg.types).toBe('./dist/index.d.ts');
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(pkg.keywords).toEqual(expect.arrayContaining(['prisma', 'drizzle', 'typeorm', 'postgresql', 'migrations']));
    expect(pkg.author.length).toBeGreaterThan(0);
    // The repository is not published yet: the owner is a visible placeholder, not an invented one.
    expect(pkg.repository.url).toContain('github.com/OWNER/lockstep');
    expect(pkg.homepage).toContain('github.com/OWNER/lockstep');
  });

  it('pins PGlite exactly, so that the shipped initdb archive matches it', () => {
    expect(pkg.dependencies['@electric-sql/pglite']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('npm pack', () => {
  it('holds the build, the initdb archive, the docs, the examples and the CI templates, and nothing else', () => {
    const pglite = pkg.dependencies['@electric-sql/pglite'];
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'action.yml',
      'dist/cli/main.js',
      'dist/index.js',
      'dist/index.d.ts',
      `dist/pglite/initdb-${pglite}.tar.br`,
      'docs/cli.md',
      'docs/container.md',
      'docs/github-action.md',
      'examples/prisma-shop/prisma/schema.prisma',
      'examples/drizzle-app/drizzle.config.ts',
      'examples/kubernetes/migrate-job.yaml',
      'templates/gitlab/lockstep.gitlab-ci.yml',
    ]) {
      expect(packed, file).toContain(file);
    }
    const unexpected = packed.filter(
      (file) =>
        /^(src|test|bench|scripts|node_modules)\//.test(file) || file.includes('/.lockstep/') || file.includes('/node_modules/'),
    );
    expect(unexpected).toEqual([]);
  });

  it('installs into an empty folder, and npx lockstep runs there: --version, --help, lint and a first deploy of an example', () => {
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'empty-app', version: '1.0.0', private: true }));
    const install = run('npm', ['install', '--prefer-offline', '--no-save', '--ignore-scripts', tarball], app);
    expect(install.status, install.stderr).toBe(0);

    const version = run('npx', ['--no-install', 'lockstep', '--version'], app);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);

    const help = run('npx', ['--no-install', 'lockstep', 'deploy', '--help'], app);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Examples:');

    // The examples ship with the package: copy one out and deploy it to the embedded database.
    const installed = join(app, 'node_modules', 'lockstep');
    expect(existsSync(join(installed, 'dist', 'pglite'))).toBe(true);
    cpSync(join(installed, 'examples', 'prisma-shop'), join(app, 'prisma-shop'), { recursive: true });

    // Without a database every migration is linted, ungraded by table size: the example's plain
    // CREATE INDEX and foreign keys are error-level findings there (exit 1), with their fixes.
    const lint = run('npx', ['--no-install', 'lockstep', 'lint', '--project', 'prisma-shop'], app);
    expect(lint.status, lint.stdout + lint.stderr).toBe(1);
    expect(lint.stdout).toMatch(/errors?, \d+ warnings?, \d+ infos? in 7 files/);

    const deploy = run('npx', ['--no-install', 'lockstep', 'deploy', '--embedded', '--project', 'prisma-shop'], app);
    expect(deploy.status, deploy.stdout + deploy.stderr).toBe(0);
    expect(deploy.stdout).toContain('Applied 7 migrations');
    const status = run('npx', ['--no-install', 'lockstep', 'status', '--embedded', '--project', 'prisma-shop', '--json'], app);
    expect(status.status, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { counts: { applied: number; pending: number } }).counts).toMatchObject({
      applied: 7,
      pending: 0,
    });
    // The data directory was restored from the shipped archive, not left half-made.
    expect(readdirSync(join(app, 'prisma-shop', '.lockstep', 'pglite'))).toContain('PG_VERSION');
  }, 600_000);
});
