import { commandText, findingAt, runsWhere } from '../check-helpers.js';
import { MIGRATOR_KINDS } from '../scan/command-kinds.js';
import type { DoctorCheck } from '../types.js';

export const migrateInBuildStep: DoctorCheck = {
  meta: {
    id: 'migrate-in-build-step',
    scope: 'general',
    severity: 'warning',
    title: 'Migrations run in a build step instead of a release step',
    why: 'A build is not a deploy: it may run without access to the database, run again for previews and retries, and migrate production before the new version is approved, or without it ever being released.',
    fix: 'Run migrations in the release step, right before the new version starts: `lockstep deploy -- <app>` as the start command, a Procfile `release:` entry, a deploy job, or a Kubernetes Job.',
    fixable: false,
    doc: {
      what: 'A migration command (`lockstep deploy`, `prisma migrate deploy`, `drizzle-kit migrate`, `typeorm migration:run`, a script that runs a migrator) in a build step: a Dockerfile `RUN` (an error: images are built without the production database, and the command runs once per image build, not per release), or a `build`, `prebuild`, `postbuild`, `postinstall`, `prepare` or `vercel-build`-style script (a warning).',
      why: 'Builds run where the production database is often unreachable (a failed build then blocks every release), run for pull-request previews and retries (each one migrates the production database), and run before the new version is approved: the database moves ahead of the code that is serving, and if the build fails afterwards, or the release is cancelled, the schema has changed with no code to match. Secrets baked into a Docker build end up in image layers.',
      fix: 'Move the migration to the release: `lockstep deploy -- node dist/server.js` as the container command, a Procfile `release: npx lockstep deploy`, a CI deploy job before the rollout, or a Kubernetes Job / init container.',
      example: {
        file: 'Dockerfile',
        bad: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npx prisma migrate deploy && npm run build\nCMD ["node", "dist/server.js"]',
        good: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["npx", "lockstep", "deploy", "--", "node", "dist/server.js"]',
      },
    },
  },
  run(scan, report) {
    for (const command of scan.commands) {
      if (command.phase !== 'build' || !MIGRATOR_KINDS.has(command.kind)) continue;
      const docker = command.pipeline.kind === 'dockerfile';
      report(
        findingAt(
          command,
          `\`${commandText(command)}\` ${runsWhere(command)}: ${docker ? 'the image build migrates the database, once per build and wherever the build runs' : 'every build (previews and retries included) migrates the database, before the new version is released'}.`,
          {
            ...(docker ? { severity: 'error' as const } : {}),
          },
        ),
      );
    }
  },
};
