import { posix } from 'node:path';
import { migrationFolders, type MigrationsFolder } from '../check-helpers.js';
import { migratesFor, migratorSites, siteFor } from '../code/migrator-sites.js';
import { joinPath } from '../scan/file-index.js';
import type { ProjectScan } from '../scan/project-scan.js';
import { netlifyFunctions, netlifyIncludes } from '../scan/netlify.js';
import { bundlerOf, packaged, type ServerlessFunction, type ServerlessService } from '../scan/serverless.js';
import { nextTracingIncludes, vercelFunctionSources, vercelIncludes } from '../scan/vercel.js';
import type { DoctorCheck } from '../types.js';

const inService = (service: ServerlessService, path: string) => (service.dir === '' ? path : path.slice(service.dir.length + 1));

const subject = (fn: ServerlessFunction) => `function ${fn.name} (handler ${fn.handler.text})`;

/** serverless-webpack ships what webpack emits: a webpack config that copies the folder (copy-webpack-plugin) puts it in the package. */
function webpackCopies(scan: ProjectScan, service: ServerlessService, folder: string): boolean {
  const name = folder.slice(folder.lastIndexOf('/') + 1);
  return scan.files
    .under(service.dir)
    .some(
      (path) =>
        /(^|\/)webpack\.config\.[cm]?[jt]s$/.test(path) &&
        !path.includes('node_modules/') &&
        (scan.files.read(path)?.text.includes(name) ?? false),
    );
}

export const serverlessMigrationsNotPackaged: DoctorCheck = {
  meta: {
    id: 'serverless-migrations-not-packaged',
    scope: 'general',
    severity: 'error',
    title: 'A serverless function applies migrations that are not in its package',
    why: 'The function finds no migrations where it runs: drizzle-orm throws "Can\'t find meta/_journal.json file", other migrators apply nothing, and the new code runs against the old schema.',
    fix: 'Add the migrations folder to the function\'s package: `package: { patterns: ["drizzle/**"] }` in serverless.yml, `copyFiles: [{ from: "drizzle" }]` for an SST function, `includeFiles` in vercel.json, `included_files` in netlify.toml.',
    fixable: false,
    doc: {
      what: "A Serverless Framework function (`serverless.yml`) whose handler applies migrations when it runs (drizzle-orm's `migrate()`, lockstep's `deploy()`, or `prisma migrate deploy` / `drizzle-kit migrate` / `lockstep deploy` started from the code, in the handler's module or the modules it imports), while the function's package leaves the migrations folder out. A function built by a bundler (`serverless-esbuild`, `serverless-webpack`, `serverless-bundle`, `serverless-plugin-typescript`, `build.esbuild`, or Serverless Framework v4 for TypeScript handlers) is packaged as the bundle plus the files `package.patterns` adds; any other function gets the service directory minus what the patterns exclude. The patterns are applied in order, the service's and then the function's, as the framework does. An SST function (`new sst.aws.Function(...)` in sst.config.ts, the `function` or `job` of another SST component, or `new Function(stack, ...)` from `sst/constructs` in an SST v2 stack) is always bundled with esbuild, so its package is the bundle plus what its `copyFiles` names. A Vercel function (`api/`, and a Next.js app's route handlers and API routes, in a project with vercel.json or that uses the vercel CLI) holds the files its imports reach plus vercel.json's `includeFiles` (or next.config's `outputFileTracingIncludes`); a Netlify function (`netlify/functions`, or `[functions] directory`) holds them plus netlify.toml's `included_files`, for every function or for that one, in order.",
      why: 'A bundler follows imports: SQL files and Drizzle\'s `meta/_journal.json` are never imported, so they are not in the bundle, and a pattern such as `!drizzle/**` (written to keep the zip small) removes them from an unbundled package. The deploy succeeds, and the function that should migrate fails at run time (drizzle-orm: "Can\'t find meta/_journal.json file") or applies nothing while the code that needs the new schema is already live.',
      fix: 'Add the folder to the function\'s package, where the migrator looks for it relative to the function\'s working directory: `package: { patterns: [\'drizzle/**\'] }` (or `prisma/migrations/**`) in serverless.yml, and remove any pattern that excludes it; `copyFiles: [{ from: \'drizzle\' }]` in the props of an SST function; `"functions": { "api/migrate.ts": { "includeFiles": "drizzle/**" } }` in vercel.json (or `outputFileTracingIncludes` in next.config); `[functions] included_files = ["drizzle/**"]` in netlify.toml.',
      example: {
        file: 'serverless.yml',
        bad: "service: shop\nframeworkVersion: '3'\nplugins:\n  - serverless-esbuild\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  migrate:\n    handler: src/migrate.handler\n  api:\n    handler: src/api.handler",
        good: "service: shop\nframeworkVersion: '3'\nplugins:\n  - serverless-esbuild\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  migrate:\n    handler: src/migrate.handler\n    package:\n      patterns:\n        - 'drizzle/**'\n  api:\n    handler: src/api.handler",
      },
    },
  },
  run(scan, report) {
    serverlessFramework(scan, report);
    sst(scan, report);
    vercel(scan, report);
    netlify(scan, report);
  },
};

type Report = Parameters<DoctorCheck['run']>[1];

/** The migrations folders a function's entry module applies when it runs, among those its package could hold. */
function foldersMigratedBy(scan: ProjectScan, entry: string, folders: MigrationsFolder[]): MigrationsFolder[] {
  if (folders.length === 0) return [];
  const sites = migratorSites(scan, entry);
  return folders.filter((folder) => migratesFor(sites, folder.orm));
}

/** The migrations folders inside a project directory (a function's package holds nothing above it). */
const foldersUnder = (scan: ProjectScan, dir: string) =>
  migrationFolders(scan).filter((f) => dir === '' || f.dir.startsWith(`${dir}/`));

function serverlessFramework(scan: ProjectScan, report: Report): void {
  for (const service of scan.serverless) {
    const folders = foldersUnder(scan, service.dir);
    for (const fn of service.functions) {
      const entry = folders.length > 0 ? scan.sources.resolvePath(joinPath(service.dir, fn.module)) : undefined;
      if (!entry) continue;
      const bundler = bundlerOf(service, entry);
      for (const folder of foldersMigratedBy(scan, entry, folders)) {
        if (bundler === 'serverless-webpack' && webpackCopies(scan, service, folder.dir)) continue;
        const sample = folder.files
          .map((f) => ({ f, verdict: packaged(fn, inService(service, f), bundler !== undefined) }))
          .find((x) => !x.verdict.included);
        if (!sample) continue;
        const shown = `${inService(service, folder.dir)}/`;
        const excludedBy = sample.verdict.by;
        if (excludedBy) {
          report({
            file: service.file,
            offset: excludedBy.node.start,
            message: `\`${excludedBy.node.text}\` leaves ${shown} out of the package of the ${subject(fn)}, which applies migrations when it runs: it will find none.`,
            fix: `Remove the pattern, or add \`'${inService(service, folder.dir)}/**'\` after it.`,
          });
        } else {
          report({
            file: service.file,
            offset: fn.handler.start,
            message: `The ${subject(fn)} applies migrations when it runs, but ${bundler} packages only the bundle and the files package.patterns adds, and no pattern adds ${shown}: the migrator will find nothing to apply.`,
            fix: `Add the folder to the function's package: \`package: { patterns: ['${inService(service, folder.dir)}/**'] }\`.`,
          });
        }
      }
    }
  }
}

/** SST bundles every Node.js function with esbuild; only `copyFiles` adds files to the package. */
function sst(scan: ProjectScan, report: Report): void {
  const all = scan.sst.length > 0 ? migrationFolders(scan) : [];
  for (const fn of scan.sst) {
    if (fn.copied === undefined) continue; // copyFiles is computed: lockstep cannot tell what it copies
    const entry = scan.sources.resolvePath(fn.module);
    if (!entry) continue;
    const covered = (file: string) => fn.copied!.some((from) => from === '' || file === from || file.startsWith(`${from}/`));
    for (const folder of foldersMigratedBy(scan, entry, all)) {
      if (folder.files.every(covered)) continue;
      const shown = relativeTo(fn.appDir, folder.dir);
      report({
        file: fn.file,
        offset: fn.handler.start,
        message: `The SST function ${fn.name} (handler ${fn.handler.text}) applies migrations when it runs, but SST bundles it with esbuild and packages only the bundle and its copyFiles, and no copyFiles entry holds ${folder.dir}/: the migrator will find nothing to apply.`,
        fix: `Copy the folder into the function's package: \`copyFiles: [{ from: '${shown}' }]\`.`,
      });
    }
  }
}

/** Vercel packages a function with what file tracing finds plus vercel.json's includeFiles (or next.config's outputFileTracingIncludes). */
function vercel(scan: ProjectScan, report: Report): void {
  for (const project of scan.vercel) {
    const folders = foldersUnder(scan, project.dir);
    if (folders.length === 0) continue;
    for (const source of vercelFunctionSources(project, scan.sources.files)) {
      const sites = migratorSites(scan, source);
      for (const folder of folders) {
        const site = siteFor(sites, folder.orm);
        if (!site || nextTracingIncludes(scan.files, project, folder.dir)) continue;
        if (folder.files.every((file) => vercelIncludes(project, source, file))) continue;
        const shown = relativeTo(project.dir, folder.dir);
        const fnPath = relativeTo(project.dir, source);
        report({
          file: site.file,
          offset: site.offset,
          message: `The Vercel function ${fnPath} applies migrations when it runs, but Vercel packages a function with only the files its imports reach, and ${project.file ? `no includeFiles in ${project.file.path} adds` : 'no vercel.json includeFiles adds'} ${shown}/: the migrator will find nothing to apply.`,
          fix: project.nextjs
            ? `Trace the folder into the function: \`outputFileTracingIncludes: { '/*': ['./${shown}/**/*'] }\` in next.config, or \`"functions": { "${fnPath}": { "includeFiles": "${shown}/**" } }\` in vercel.json.`
            : `Add the folder to the function: \`"functions": { "${fnPath}": { "includeFiles": "${shown}/**" } }\` in vercel.json.`,
        });
      }
    }
  }
}

/** Netlify bundles a function with the files its imports reach plus netlify.toml's included_files. */
function netlify(scan: ProjectScan, report: Report): void {
  for (const site of scan.netlify) {
    const folders = foldersUnder(scan, site.dir);
    if (folders.length === 0) continue;
    for (const fn of netlifyFunctions(site, scan.sources.files)) {
      const sites = migratorSites(scan, fn.source);
      for (const folder of folders) {
        const at = siteFor(sites, folder.orm);
        if (!at || folder.files.every((file) => netlifyIncludes(site, fn, file))) continue;
        const shown = relativeTo(site.dir, folder.dir);
        report({
          file: at.file,
          offset: at.offset,
          message: `The Netlify function ${fn.name} applies migrations when it runs, but Netlify bundles a function with only the files its imports reach, and ${site.file ? `no included_files in ${site.file.path} adds` : 'no netlify.toml included_files adds'} ${shown}/: the migrator will find nothing to apply.`,
          fix: `Add the folder to the function's bundle in netlify.toml: \`[functions]\` \`included_files = ["${shown}/**"]\`.`,
        });
      }
    }
  }
}

/** `path` relative to `dir`, both relative to the scan root. */
const relativeTo = (dir: string, path: string): string => posix.relative(dir, path) || '.';
