import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { doctor } from '../../src/doctor/doctor.js';
import type { DoctorFinding } from '../../src/doctor/types.js';
import { REPO_ROOT } from '../support/project.js';

export const FIXTURES = join(REPO_ROOT, 'test', 'doctor', 'fixtures');

export interface TempProject {
  dir: string;
  write(path: string, content: string): void;
  cleanup(): void;
}

function temp(): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-doctor-'));
  return {
    dir,
    write(path, content) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A copy of a fixture project. Fixtures keep their .gitignore as `_gitignore`, so that the
 * repository's git does not apply it to the fixture's own files.
 */
export function fixture(check: string, kind: 'bad' | 'good'): TempProject {
  const project = temp();
  cpSync(join(FIXTURES, check, kind), project.dir, { recursive: true });
  if (existsSync(join(project.dir, '_gitignore'))) renameSync(join(project.dir, '_gitignore'), join(project.dir, '.gitignore'));
  return project;
}

/** A project made of the given files. */
export function project(files: Record<string, string>): TempProject {
  const p = temp();
  for (const [path, content] of Object.entries(files)) p.write(path, content);
  return p;
}

export interface Found {
  check: string;
  severity: string;
  /** `file:line` relative to the project. */
  at: string;
  message: string;
  finding: DoctorFinding;
}

/** Runs doctor on a directory; findings with paths relative to it. */
export async function check(dir: string, only?: string[]): Promise<Found[]> {
  const report = await doctor({ project: dir, ...(only ? { only } : {}) });
  return report.findings.map((f) => ({
    check: f.check,
    severity: f.severity,
    at: `${relative(dir, resolve(process.cwd(), f.file)).split('\\').join('/')}:${f.line}`,
    message: f.message,
    finding: f,
  }));
}

export const pkgJson = (scripts: Record<string, string>, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts, ...extra }, null, 2)}\n`;
