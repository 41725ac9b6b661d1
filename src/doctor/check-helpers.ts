/** Small helpers the checks share: describing a production command and reporting at it. */
import type { CommandKind } from './scan/command-kinds.js';
import type { ProductionCommand } from './scan/pipelines.js';
import type { ProjectScan } from './scan/project-scan.js';
import type { FindingInput } from './types.js';

/** The command as written, on one line. */
export function commandText(command: ProductionCommand): string {
  return command.site.file.text
    .slice(command.site.start, command.site.end)
    .replace(/\\\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether a build step copies a folder of this name itself (`cp -r drizzle dist/`), which doctor does not follow further. */
export function buildCopiesFolder(scan: ProjectScan, name: string): boolean {
  return scan.commands.some(
    (c) =>
      c.phase === 'build' &&
      /^(cp|cpx|copyfiles|rsync|ncp|cpy|shx)$/.test(c.command.words[0]?.value.replace(/^.*\//, '') ?? '') &&
      commandText(c).includes(name),
  );
}

/** `file:line`. */
export function at(command: ProductionCommand): string {
  return `${command.site.file.path}:${command.site.file.position(command.site.start).line}`;
}

/** How production reaches a command, e.g. `Dockerfile:14 CMD → package.json:6 "start"`. */
export function reachedVia(command: ProductionCommand): string {
  return command.via.join(' → ');
}

const PHASE_WORDS = { build: 'at build time', release: 'on release', start: 'when the app starts' } as const;

/** "runs when the app starts (Dockerfile:14 CMD → package.json:6 "start")" */
export function runsWhere(command: ProductionCommand): string {
  return `runs ${PHASE_WORDS[command.phase]} (${command.via.length > 0 ? reachedVia(command) : command.pipeline.label})`;
}

export function commandsOfKind(scan: ProjectScan, ...kinds: CommandKind[]): ProductionCommand[] {
  const wanted = new Set(kinds);
  return scan.commands.filter((c) => wanted.has(c.kind));
}

export function findingAt(command: ProductionCommand, message: string, extra: Partial<FindingInput> = {}): FindingInput {
  return { file: command.site.file, offset: command.site.start, message, ...extra };
}

/** The source file and the modules it imports (not type-only), as far as they are the project's own. */
export function moduleGraph(scan: ProjectScan, entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0 && seen.size < 500) {
    const parsed = scan.sources.parse(queue.shift()!);
    for (const imp of parsed?.imports ?? []) {
      if (imp.typeOnly) continue;
      const target = scan.sources.resolve(parsed!.path, imp.specifier);
      if (target && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen];
}

/** A Prisma or Drizzle migrations folder of the project, with the files its migrator reads. */
export interface MigrationsFolder {
  orm: 'prisma' | 'drizzle';
  /** The package whose migrations these are. */
  packageDir: string;
  dir: string;
  /** The files a migrator reads (SQL files, Drizzle's journal). */
  files: string[];
}

/** Every package's migrations folder that holds migrations. */
export function migrationFolders(scan: ProjectScan): MigrationsFolder[] {
  const out: MigrationsFolder[] = [];
  for (const { dir: packageDir, prisma, drizzle } of scan.orms) {
    if (prisma) {
      const files = scan.files.under(prisma.migrationsDir).filter((f) => f.endsWith('/migration.sql'));
      if (files.length > 0) out.push({ orm: 'prisma', packageDir, dir: prisma.migrationsDir, files });
    }
    if (drizzle) {
      const files = scan.files.under(drizzle.out).filter((f) => f.endsWith('.sql') || f.endsWith('/meta/_journal.json'));
      if (files.length > 0) out.push({ orm: 'drizzle', packageDir, dir: drizzle.out, files });
    }
  }
  return out;
}
