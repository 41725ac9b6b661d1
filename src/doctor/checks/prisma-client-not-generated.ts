import { classifyCommand } from '../scan/command-kinds.js';
import { parseShell } from '../scan/shell.js';
import type { DoctorCheck } from '../types.js';

export const prismaClientNotGenerated: DoctorCheck = {
  meta: {
    id: 'prisma-client-not-generated',
    scope: 'prisma',
    severity: 'warning',
    title: 'No build step generates the Prisma client',
    why: 'Without `prisma generate` in the build, the client is missing or stale where dependencies are cached: the app crashes at start ("@prisma/client did not initialize yet") or queries columns that do not exist.',
    fix: 'Add `prisma generate` to the build: `"postinstall": "prisma generate"` or `"build": "prisma generate && tsc"`.',
    fixable: false,
    doc: {
      what: 'A Prisma project in which no production path runs `prisma generate`: no `postinstall`, `build` or other production script, no Dockerfile `RUN`, no CI job step (any job), no shell script production runs.',
      why: 'The generated client lives in node_modules and must match the schema. Relying on `@prisma/client`\'s own install hook breaks wherever dependencies are cached (Vercel, Netlify, Docker layer caches, pnpm stores): the build reuses an old client, or none, and the app fails at start with "@prisma/client did not initialize yet" or at the first query that uses a new field. The new `prisma-client` generator (Prisma 7) has no install hook at all.',
      fix: 'Generate in the build: `"postinstall": "prisma generate"`, or `"build": "prisma generate && tsc"`, or `RUN npx prisma generate` in the Dockerfile before the app is compiled.',
      example: {
        file: 'package.json',
        bad: '{\n  "scripts": {\n    "build": "tsc",\n    "start": "node dist/server.js"\n  }\n}',
        good: '{\n  "scripts": {\n    "postinstall": "prisma generate",\n    "build": "tsc",\n    "start": "lockstep deploy -- node dist/server.js"\n  }\n}',
      },
    },
  },
  run(scan, report) {
    const generates = scan.commands.some((c) => c.kind === 'prisma-generate');
    if (generates) return;
    // CI jobs that build the artifact without deploying it count too.
    for (const workflow of scan.ci) {
      for (const job of workflow.jobs) {
        for (const step of job.steps) {
          if (step.command.kind !== 'shell') continue;
          for (const command of parseShell(step.command.text))
            if (classifyCommand(command.words).kind === 'prisma-generate') return;
        }
      }
    }
    for (const { dir, prisma } of scan.orms) {
      if (!prisma?.datasourceFile) continue;
      const pkg = scan.packages.find((p) => p.dir === dir);
      if (!pkg) continue;
      const build = pkg.scripts.get('build');
      const offset = build ? build.fileOffset(0) - 1 : Math.max(0, pkg.file.text.indexOf('"scripts"'));
      report({
        file: pkg.file,
        offset,
        message: `Nothing in production generates the Prisma client for ${prisma.schema ?? prisma.datasourceFile}: no production script, Dockerfile or CI job runs \`prisma generate\`.`,
      });
    }
  },
};
