import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { REPO_ROOT } from './project.js';

export interface DrizzleProject {
  dir: string;
  out: string;
  /** Adds a journal entry and its SQL file (statements joined with drizzle-kit's breakpoint). */
  add(tag: string, statements: string[], when: number): void;
  /** Rewrites one migration's SQL file. */
  write(tag: string, sql: string): void;
  journal(): { entries: Array<{ idx: number; when: number; tag: string }> };
  cleanup(): void;
}

/** A copy of examples/drizzle-app in a temporary directory. */
export function copyDrizzleExample(): DrizzleProject {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-drizzle-'));
  cpSync(join(REPO_ROOT, 'examples', 'drizzle-app'), dir, {
    recursive: true,
    filter: (src) => !src.includes('node_modules') && !src.includes('.lockstep'),
  });
  return drizzleProjectAt(dir, join(dir, 'drizzle'));
}

export function drizzleProjectAt(dir: string, out: string): DrizzleProject {
  const journalFile = join(out, 'meta', '_journal.json');
  const project: DrizzleProject = {
    dir,
    out,
    journal: () => JSON.parse(readFileSync(journalFile, 'utf8')) as ReturnType<DrizzleProject['journal']>,
    add(tag, statements, when) {
      mkdirSync(join(out, 'meta'), { recursive: true });
      let journal: { version: string; dialect: string; entries: Array<Record<string, unknown>> };
      try {
        journal = JSON.parse(readFileSync(journalFile, 'utf8'));
      } catch {
        journal = { version: '7', dialect: 'postgresql', entries: [] };
      }
      journal.entries.push({ idx: journal.entries.length, version: '7', when, tag, breakpoints: true });
      writeFileSync(journalFile, JSON.stringify(journal, null, 2));
      project.write(tag, statements.join('--> statement-breakpoint\n'));
    },
    write(tag, sql) {
      writeFileSync(join(out, `${tag}.sql`), sql);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return project;
}

/** drizzle-orm's own migrate(), as an app would call it. */
export async function drizzleMigrate(
  url: string,
  migrationsFolder: string,
  options: { migrationsTable?: string; migrationsSchema?: string } = {},
): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrate(drizzle(pool), { migrationsFolder, ...options });
  } finally {
    await pool.end();
  }
}

export const DRIZZLE_KIT = join(REPO_ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs');

/** drizzle-orm v1's migrate() (the 1.0 release candidate), as an app on drizzle-orm v1 calls it. */
export async function drizzleV1Migrate(
  url: string,
  migrationsFolder: string,
  options: { migrationsTable?: string; migrationsSchema?: string } = {},
): Promise<void> {
  const { drizzle: drizzleV1 } = await import('drizzle-orm-v1/node-postgres');
  const { migrate: migrateV1 } = await import('drizzle-orm-v1/node-postgres/migrator');
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrateV1(drizzleV1({ client: pool }), { migrationsFolder, ...options });
  } finally {
    await pool.end();
  }
}

/** The v1 folder name `drizzle-kit up` gives a journal entry: its `when` as YYYYMMDDHHMMSS (UTC), then the tag without its index. */
export function v1FolderName(when: number, tag: string): string {
  const stamp = new Date(when).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${stamp}_${tag.replace(/^\d+_/, '')}`;
}
