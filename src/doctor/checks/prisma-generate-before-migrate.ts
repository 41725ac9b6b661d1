import { at, commandText, findingAt } from '../check-helpers.js';
import { order } from '../scan/pipelines.js';
import type { DoctorCheck } from '../types.js';

export const prismaGenerateBeforeMigrate: DoctorCheck = {
  meta: {
    id: 'prisma-generate-before-migrate',
    scope: 'prisma',
    severity: 'warning',
    title: '`prisma generate` (and the build) before `prisma migrate deploy` in the same step',
    why: 'The client is generated and the app built (and prerendered, with queries) against a schema the database does not have yet.',
    fix: 'Apply migrations first (`lockstep deploy && prisma generate && next build`), or move them to a release step that runs before the app starts.',
    fixable: false,
    doc: {
      what: 'Within one step of a production pipeline (one script chain, one CI deploy job, one Procfile entry), `prisma generate` runs before `prisma migrate deploy` (or `lockstep deploy`). A Dockerfile that generates at build time (`RUN`) and migrates at start (`CMD`) is not flagged: those are different steps, and the app starts after the migration.',
      why: 'Everything between the two commands runs with a client for the new schema against a database that still has the old one. Build steps that query the database (Next.js prerendering, static site generation, a seed or a cache warm-up) fail with "column does not exist" (P2022) or bake in wrong data; if the migration then fails, the pipeline has already produced an artifact for a schema the database does not have.',
      fix: 'Order the step migrate, generate, build: `lockstep deploy && prisma generate && next build`, or run the migration in the release step (`lockstep deploy` as the Procfile `release:`, a deploy job before the app rollout, or `lockstep deploy -- <app>` as the container command).',
      example: {
        file: 'package.json',
        bad: '{\n  "scripts": {\n    "vercel-build": "prisma generate && next build && prisma migrate deploy"\n  }\n}',
        good: '{\n  "scripts": {\n    "vercel-build": "prisma migrate deploy && prisma generate && next build"\n  }\n}',
      },
    },
  },
  run(scan, report) {
    for (const pipeline of scan.pipelines) {
      const migrations = pipeline.commands.filter((c) => c.kind === 'prisma-migrate-deploy' || c.kind === 'lockstep-deploy');
      if (migrations.length === 0) continue;
      for (const generate of pipeline.commands.filter((c) => c.kind === 'prisma-generate')) {
        const migrate = migrations.find(
          (m) => m.phase === generate.phase && m.job === generate.job && order(generate, m) === 'before',
        );
        if (!migrate) continue;
        const between = pipeline.commands.filter(
          (c) => c.step > generate.step && c.step < migrate.step && c.kind !== 'prisma-generate' && c.kind !== 'other',
        );
        const build = pipeline.commands.find(
          (c) => c.step > generate.step && c.step < migrate.step && /\b(build|export|prerender)\b/.test(commandText(c)),
        );
        const what = build ?? between[0];
        report(
          findingAt(
            generate,
            `\`${commandText(generate)}\` runs before \`${commandText(migrate)}\` (${at(migrate)}) in ${pipeline.label}${what ? `, and \`${commandText(what)}\` runs in between against the old database schema` : ''}.`,
          ),
        );
      }
    }
  },
};
