import { buildCopiesFolder, migrationFolders } from '../check-helpers.js';
import { MIGRATOR_KINDS } from '../scan/command-kinds.js';
import { finalStage, imagePaths } from '../scan/docker-image.js';
import type { Dockerfile } from '../scan/dockerfile.js';
import type { ProjectScan } from '../scan/project-scan.js';
import type { DoctorCheck, FindingInput } from '../types.js';

/** Whether the container built from this Dockerfile applies the migrations of the package `packageDir` when it starts. */
function imageMigrates(scan: ProjectScan, dockerfile: Dockerfile, packageDir: string): boolean {
  return scan.pipelines.some(
    (p) =>
      p.image === dockerfile &&
      p.commands.some(
        (c) => c.phase === 'start' && MIGRATOR_KINDS.has(c.kind) && (c.packageDir === packageDir || packageDir === ''),
      ),
  );
}

export const migrationsNotShipped: DoctorCheck = {
  meta: {
    id: 'migrations-not-shipped',
    scope: 'general',
    severity: 'error',
    title: 'The migrations folder does not reach production',
    why: 'The migrator finds no files (or only some), reports success and applies nothing, and the new code runs against the old schema.',
    fix: 'Commit the migrations folder and copy it into the image: remove it from .gitignore / .dockerignore, add `COPY --from=build /app/drizzle ./drizzle` to the final stage.',
    fixable: false,
    doc: {
      what: "The migrations folder of a Drizzle project (drizzle.config's `out`: its SQL files and `meta/_journal.json`) or a Prisma project (`prisma/migrations/*/migration.sql`) is ignored by a .gitignore (nested ones included, with git's matching rules), or, when the container applies migrations when it starts (a migrator in its ENTRYPOINT/CMD, a compose `command` or Kubernetes container that runs one, or app code that calls `migrate()`), is excluded by the build context's .dockerignore or not copied into the Dockerfile's final stage (COPY from the context and `COPY --from=<stage>` are followed through every stage). A build step that copies the folder itself (`cp -r drizzle dist/`) counts as shipping it.",
      why: "drizzle-orm's migrator reads `meta/_journal.json` and the SQL files next to it; Prisma reads `prisma/migrations`. When the files are not in the artifact, the migrator has nothing (or an old subset) to apply. drizzle-kit and drizzle-orm report success, the deploy goes on, and the first query that needs a new column fails in production.",
      fix: 'Commit the folder (remove it from .gitignore; generated migrations are source code), keep it in the build context (remove it from .dockerignore), and copy it into the final stage next to where the migrator runs, e.g. `COPY --from=build /app/drizzle ./drizzle`.',
      example: {
        file: 'Dockerfile',
        bad: 'FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCOPY --from=build /app/dist ./dist\nCMD ["sh", "-c", "npx drizzle-kit migrate && node dist/server.js"]',
        good: 'FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCOPY --from=build /app/dist ./dist\nCOPY --from=build /app/drizzle ./drizzle\nCOPY --from=build /app/drizzle.config.ts ./\nCMD ["npx", "lockstep", "deploy", "--", "node", "dist/server.js"]',
      },
    },
  },
  run(scan, report) {
    const found = migrationFolders(scan);
    if (found.length === 0) return;
    for (const folder of found) {
      // .gitignore
      const ignored = folder.files
        .map((f) => ({ f, verdict: scan.gitignore.check(f) }))
        .find((x) => x.verdict.ignored && x.verdict.rule);
      if (ignored?.verdict.rule) {
        const rule = ignored.verdict.rule;
        const file = scan.files.read(rule.file);
        if (file) {
          report({
            file,
            offset: file.offset(rule.line),
            message: `\`${rule.pattern}\` in ${rule.file} ignores ${ignored.f === folder.files[0] && folder.files.length > 1 ? `the ${folder.orm === 'drizzle' ? 'Drizzle' : 'Prisma'} migrations in ${folder.dir}/` : ignored.f}: they never reach the repository, so CI and deploys from git have no migrations to apply.`,
            fix: `Remove the pattern (or add \`!${folder.dir}/\` after it) and commit ${folder.dir}/.`,
          });
        }
      }
      // Docker images that migrate when they start.
      for (const dockerfile of scan.dockerfiles) {
        if (!imageMigrates(scan, dockerfile, folder.packageDir)) continue;
        const final = finalStage(dockerfile);
        if (!final) continue;
        const context = scan.dockerContext(dockerfile);
        const inContext = (path: string) =>
          context === '' ? path : path.startsWith(`${context}/`) ? path.slice(context.length + 1) : undefined;
        const sample = folder.files.map(inContext).filter((p): p is string => p !== undefined);
        if (sample.length === 0) continue;
        const dockerignore = scan.dockerignore(dockerfile);
        const excluded = sample
          .map((p) => ({ p, verdict: dockerignore?.check(p) }))
          .find((x) => x.verdict?.ignored && x.verdict.rule);
        if (excluded?.verdict?.rule) {
          const rule = excluded.verdict.rule;
          const file = scan.files.read(rule.file);
          if (file) {
            report({
              file,
              offset: file.offset(rule.line),
              message: `\`${rule.pattern}\` in ${rule.file} leaves ${folder.dir}/ out of the build context of ${dockerfile.file.path}, whose container applies migrations when it starts: it will find none.`,
              fix: `Remove the pattern from ${rule.file} (or add \`!${inContext(folder.dir) ?? folder.dir}\` after it).`,
            });
          }
          continue;
        }
        const missing = sample.filter((p) => imagePaths(dockerfile, final, p, dockerignore).length === 0);
        if (missing.length === 0 || buildCopiesFolder(scan, folder.dir.slice(folder.dir.lastIndexOf('/') + 1))) continue;
        const fromLine = final.line;
        const folderInContext = inContext(folder.dir) ?? folder.dir;
        // Where an earlier stage has the folder, to copy it from there.
        const source = [...dockerfile.stages]
          .reverse()
          .slice(1)
          .map((stage) => ({ stage, paths: imagePaths(dockerfile, stage, sample[0]!, dockerignore) }))
          .find((s) => s.paths.length > 0);
        const copy = source
          ? `COPY --from=${source.stage.name ?? source.stage.index} ${source.paths[0]!.slice(0, source.paths[0]!.length - (sample[0]!.length - folderInContext.length))} ./${folderInContext}`
          : `COPY ${folderInContext} ./${folderInContext}`;
        const finding: FindingInput = {
          file: dockerfile.file,
          offset: dockerfile.file.offset(fromLine),
          message: `The final stage of ${dockerfile.file.path} (FROM at line ${fromLine}) does not contain ${missing.length === sample.length ? `${folder.dir}/` : `${missing.length} of the ${sample.length} migration files in ${folder.dir}/ (e.g. ${missing[0]})`}, but the container applies migrations when it starts: the migrator will find nothing to apply.`,
          fix: `Copy the folder into the final stage: \`${copy}\`.`,
        };
        report(finding);
      }
    }
  },
};
