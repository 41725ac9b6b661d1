import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './project.js';

export interface TypeormProject {
  dir: string;
  /** Adds a migration class file under src/migration. */
  migration(name: string, timestamp: number, up: string[], extra?: string): string;
  write(path: string, content: string): void;
  /** Compiles the project with tsc into dist/, as its build does. */
  build(): void;
  cleanup(): void;
}

/** The TypeORM releases the tests run against: 1.x, and 0.3.x, which many projects still use (installed as typeorm-v03). */
export type TypeormRelease = '1' | '0.3';
const TYPEORM_PACKAGE: Record<TypeormRelease, string> = { '1': 'typeorm', '0.3': 'typeorm-v03' };

/**
 * A copy of examples/typeorm-app; node resolves its dependencies (typeorm, reflect-metadata, pg,
 * typescript) from the repository, with `typeorm` the release asked for.
 */
export function copyTypeormExample(release: TypeormRelease = '1'): TypeormProject {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-typeorm-'));
  cpSync(join(REPO_ROOT, 'examples', 'typeorm-app'), dir, {
    recursive: true,
    filter: (src) => !src.includes('node_modules') && !src.includes('dist'),
  });
  if (release === '1') {
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  } else {
    mkdirSync(join(dir, 'node_modules'));
    for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
      if (entry === 'typeorm') continue;
      symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(dir, 'node_modules', entry), 'dir');
    }
    symlinkSync(join(REPO_ROOT, 'node_modules', TYPEORM_PACKAGE[release]), join(dir, 'node_modules', 'typeorm'), 'dir');
  }
  const project: TypeormProject = {
    dir,
    migration(name, timestamp, up, extra = '') {
      const className = `${name}${timestamp}`;
      const body = up.map((sql) => `        await queryRunner.query(\`${sql}\`);`).join('\n');
      const file = join(dir, 'src', 'migration', `${timestamp}-${name}.ts`);
      writeFileSync(
        file,
        `import { MigrationInterface, QueryRunner } from "typeorm";\n\nexport class ${className} implements MigrationInterface {\n    name = '${className}'\n${extra}\n    public async up(queryRunner: QueryRunner): Promise<void> {\n${body}\n    }\n\n    public async down(): Promise<void> {}\n}\n`,
      );
      return className;
    },
    write(path, content) {
      writeFileSync(join(dir, path), content);
    },
    build() {
      const result = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')],
        { encoding: 'utf8' },
      );
      if (result.status !== 0) throw new Error(`tsc failed: ${result.stdout}${result.stderr}`);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return project;
}

/** TypeORM's own CLI on the compiled data source. */
export function typeormCli(
  project: TypeormProject,
  args: string[],
  databaseUrl: string,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    [join(project.dir, 'node_modules', 'typeorm', 'cli.js'), ...args, '-d', join(project.dir, 'dist', 'data-source.js')],
    {
      cwd: project.dir,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      encoding: 'utf8',
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
