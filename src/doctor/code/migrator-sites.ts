import { moduleGraph } from '../check-helpers.js';
import type { ProjectScan } from '../scan/project-scan.js';
import type { TextFile } from '../scan/text-file.js';
import { migrateCalls } from './drizzle-code.js';

/** A migrator started from code: `prisma migrate deploy`, `drizzle-kit migrate` or `lockstep deploy` in an exec call's string. */
const MIGRATE_COMMAND = /\b(prisma\s+migrate\s+deploy|drizzle-kit\s+migrate|lockstep\s+deploy)\b/;

/** Where code applies migrations when it runs, and whose: `any` for lockstep, which applies the project's own ORM's. */
export interface MigratorSite {
  orm: 'prisma' | 'drizzle' | 'any';
  file: TextFile;
  offset: number;
}

/**
 * The places in `entry` and the modules it imports that apply migrations when they run:
 * drizzle-orm's migrate(), lockstep's deploy(), or a migrator command started from the code.
 */
export function migratorSites(scan: ProjectScan, entry: string): MigratorSite[] {
  return moduleGraph(scan, entry).flatMap((path) => ownSites(scan, path));
}

const cache = new WeakMap<ProjectScan, Map<string, MigratorSite[]>>();

/** The sites in one module, found once per scan: many functions share their modules. */
function ownSites(scan: ProjectScan, path: string): MigratorSite[] {
  let byPath = cache.get(scan);
  if (!byPath) cache.set(scan, (byPath = new Map()));
  let sites = byPath.get(path);
  if (!sites) byPath.set(path, (sites = findSites(scan, path)));
  return sites;
}

function findSites(scan: ProjectScan, path: string): MigratorSite[] {
  const parsed = scan.sources.parse(path);
  if (!parsed) return [];
  const { file } = parsed;
  const sites: MigratorSite[] = [];
  if (file.text.includes('drizzle-orm')) {
    for (const call of migrateCalls(parsed)) sites.push({ orm: 'drizzle', file, offset: call.call.start as number });
  }
  const lockstep = parsed.imports.find(
    (i) => (i.specifier === 'lockstep' || i.specifier.startsWith('lockstep/')) && i.bindings.some((b) => b.imported === 'deploy'),
  );
  if (lockstep) sites.push({ orm: 'any', file, offset: lockstep.start });
  const command = MIGRATE_COMMAND.exec(file.text);
  if (command)
    sites.push({
      orm: command[1]!.startsWith('prisma') ? 'prisma' : command[1]!.startsWith('drizzle') ? 'drizzle' : 'any',
      file,
      offset: command.index,
    });
  return sites;
}

/** The first of the sites that applies the migrations of an ORM. */
export const siteFor = (sites: MigratorSite[], orm: 'prisma' | 'drizzle'): MigratorSite | undefined =>
  sites.find((s) => s.orm === 'any' || s.orm === orm);

/** Whether the sites apply the migrations of an ORM. */
export const migratesFor = (sites: MigratorSite[], orm: 'prisma' | 'drizzle'): boolean => siteFor(sites, orm) !== undefined;
