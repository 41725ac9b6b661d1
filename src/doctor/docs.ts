/**
 * docs/doctor.md, generated from the checks' metadata so that the documentation, `--explain` and
 * SARIF's help text never disagree. Regenerate with `node --import tsx scripts/gen-doctor-docs.ts`;
 * a test fails when the file is out of date.
 */
import { allChecks } from './registry.js';
import type { CheckScope, DoctorCheck } from './types.js';

const SCOPES: Array<[CheckScope, string]> = [
  ['prisma', 'Prisma'],
  ['drizzle', 'Drizzle'],
  ['typeorm', 'TypeORM'],
  ['general', 'Any ORM'],
];

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function fence(file: string, text: string): string {
  const lang = /\.(ts|js|mts|cts)$/.test(file)
    ? 'ts'
    : /\.ya?ml$/.test(file)
      ? 'yaml'
      : /\.json$/.test(file)
        ? 'json'
        : /Dockerfile/.test(file)
          ? 'dockerfile'
          : /\.sql$/.test(file)
            ? 'sql'
            : /\.prisma$/.test(file)
              ? 'prisma'
              : '';
  // The docs' tests type-check every TypeScript block against lockstep's API; this one is a file of
  // the project that doctor reads, excerpted (its check's tests run doctor on it).
  const mark = lang === 'ts' ? '<!-- not-run: an excerpt of a project file that doctor reads, not a use of lockstep -->\n' : '';
  return `${mark}\`\`\`${lang}\n${text}\n\`\`\``;
}

function section(check: DoctorCheck): string {
  const { meta } = check;
  return [
    `### ${meta.id}`,
    '',
    `**${meta.severity}** · ${meta.scope === 'general' ? 'any ORM' : meta.scope}${meta.fixable ? ' · `--fix`' : ''} · ${meta.title}`,
    '',
    `**What it finds.** ${meta.doc.what}`,
    '',
    `**Why it fails in production.** ${meta.doc.why}`,
    '',
    `**Fix.** ${meta.doc.fix}`,
    '',
    `Flagged (\`${meta.doc.example.file}\`):`,
    '',
    fence(meta.doc.example.file, meta.doc.example.bad),
    '',
    'Fixed:',
    '',
    fence(meta.doc.example.file, meta.doc.example.good),
  ].join('\n');
}

export function renderDoctorDocs(): string {
  const checks = allChecks();
  const out: string[] = [];
  out.push(`<!-- Generated from the checks in src/doctor/checks by scripts/gen-doctor-docs.ts; do not edit by hand. -->
# lockstep doctor

\`lockstep doctor\` finds the ORM-specific production mistakes in a project before they ship: in package.json scripts, the ORM configuration, the app's code, the Dockerfile, the Procfile, compose files, CI workflows and Kubernetes manifests. Each finding names the file and line, says why it fails in production and gives the fix.

\`\`\`sh
npx lockstep doctor                      # the current directory (a project or a monorepo)
npx lockstep doctor --project apps/api
npx lockstep doctor --format sarif > doctor.sarif
npx lockstep doctor --fix --dry-run      # show the mechanical fixes as a diff
npx lockstep doctor --fix                # apply them, then check again
\`\`\`

It never connects to a database and needs no environment variable: configuration is read from the files, and values in \`.env\` files are used only to recognise pooled or unlimited URLs, never printed.

## Checks

| Check | Severity | ORM | Finds |
| --- | --- | --- | --- |
${checks.map(({ meta }) => `| [\`${meta.id}\`](#${meta.id}) | ${meta.severity} | ${meta.scope === 'general' ? 'any' : meta.scope} | ${cell(meta.title)}${meta.fixable ? ' (`--fix`)' : ''} |`).join('\n')}

Severities: **error** for what loses data or breaks a deploy (exit code 1), **warning** for risks, **info** for advice. A check can be turned off or given another severity in \`lockstep.config.json\`:

\`\`\`json
{ "doctor": { "checks": { "prisma-no-connection-limit": "off", "migrate-in-build-step": "error" } } }
\`\`\`

## How production paths are found

A command is "in production" when something that runs on a release runs it:

- **package.json scripts** of the project and of its workspace packages (\`workspaces\` in package.json, pnpm-workspace.yaml) that production runs by name: \`start\`, \`prestart\`, \`poststart\`, \`build\`, \`prebuild\`, \`postbuild\`, \`install\`, \`postinstall\`, \`prepare\`, \`vercel-build\` and the like, \`release*\`, \`deploy*\`, \`migrate*\`, \`*:deploy\`, \`*:migrate\`, \`*:prod\`, \`*:production\`, \`start:*\`, \`build:*\`. A name that says development or tests (\`dev\`, \`local\`, \`test\`, \`e2e\`, \`seed\`, \`studio\`, \`watch\`, \`reset\`...) is not production by name (\`migrate:dev\`, \`db:reset\`), but any script that production reaches is. \`migrate\` and \`db:migrate\` are names development uses too: \`"db:migrate": "prisma migrate dev"\` is the local workflow unless something production runs calls it.
- **Scripts called by those**, followed through \`npm run X\` / \`npm start\` (with \`preX\`/\`postX\`), \`pnpm X\` / \`pnpm --filter W X\` (several filters too) / \`pnpm -r X\`, \`npm run X --workspace W\` / \`--workspaces\`, \`yarn X\` / \`yarn workspace W X\` / \`yarn workspaces foreach run X\`, \`bun run X\`, \`turbo run X\` (with the tasks turbo.json's \`dependsOn\` runs first: \`^X\` in the package's workspace dependencies, \`X\`, \`pkg#X\`), \`npm-run-all\` / \`run-s\` / \`run-p\`, \`concurrently\`, \`sh -c "..."\`, shell scripts (\`./scripts/release.sh\`) and \`lockstep deploy -- <app>\`. Wrappers are seen through: \`npx\`, \`pnpm exec\`, \`pnpm dlx\`, \`yarn dlx\`, \`bunx\`, \`dotenv -e .env.production --\`, \`dotenv-flow\`, \`dotenvx run\`, \`env-cmd\`, \`infisical run --\`, \`doppler run --\`, \`op run --\`, \`cross-env\`, \`env\`, \`VAR=value\`, \`exec\`; so is a script that is only such a wrapper, called with the command to run (\`"with-env": "dotenv -e ../../.env --"\` as \`pnpm with-env prisma generate\`). A script fanned out to several packages that run at the same time (turbo, \`pnpm -r\`) runs each package's part on its own: one package's app is not taken to wait for another package's migrations unless it depends on that package.
- **Dockerfiles** (\`Dockerfile\`, \`*.Dockerfile\`, \`Dockerfile.*\`): \`RUN\` in every stage runs at build time; the final stage's \`ENTRYPOINT\` and \`CMD\` (inherited through \`FROM <stage>\`) run when the container starts, with an entrypoint script's \`exec "$@"\` running the \`CMD\`. Exec and shell forms, line continuations and heredocs are read.
- **Procfile**: \`release:\` runs before the new processes start; \`web:\`, \`worker:\` and the others start the app.
- **compose files** (\`docker-compose*.yml\`, \`compose*.yml\`): each service's \`entrypoint\` and \`command\`, or the \`CMD\` of the Dockerfile it builds; \`depends_on\` conditions; \`deploy.replicas\` and \`scale\`; \`profiles\` (a service in a profile the migration service is not part of does not start with it).
- **CI**: the jobs of \`.github/workflows/*.yml\` and \`.gitlab-ci.yml\` that deploy, judged by what they do and when they run: a job with an \`environment\` (other than a test or preview one); a job with a step that rolls the app out (\`fly deploy\`, \`vercel --prod\`, \`kubectl apply\`, \`helm upgrade\`, a deploy action); or a job whose id, name or GitLab stage says deploy, release, production, prod, live or publish, unless it also says test, e2e, lint or check, or runs its own database as a service container. Words a \`\${{ matrix.* }}\` expression puts in a name do not count, and a workflow that only runs for pull requests (or a job whose \`if:\` only holds for them, a GitLab job only for merge requests) never deploys. Their \`run:\` steps (GitLab: \`before_script\`, \`script\`, \`after_script\`, with \`extends\`, anchors and merge keys) run in order, and jobs run after the jobs they \`needs\` (GitLab: after earlier stages). Test jobs are not production: \`prisma db push\` against a CI database is fine.
- **Kubernetes manifests**: Deployments, StatefulSets, Jobs and CronJobs with their containers' \`command\` and \`args\`, init containers, \`replicas\` and an autoscaler's \`minReplicas\`. Init containers and the containers of a Job run to completion: they are never the app. Helm chart templates (\`<chart>/templates/*.yaml\` next to a \`Chart.yaml\`) are rendered first without Helm: lines that hold only template actions (\`{{- if }}\`, \`{{- end }}\`, \`{{- include ... | nindent }}\`) are left out, so both branches of a condition are read, and \`{{ .Values.x }}\` (with \`| default\`) takes its value from the chart's \`values.yaml\`.
- **Serverless functions**: \`serverless.yml\` (functions, bundler plugins, \`package.patterns\`), SST functions (\`sst.aws.Function\` and the components that take a function in sst.config.ts, \`sst/constructs\` stacks, \`copyFiles\`), Vercel functions (\`api/\`, Next.js route handlers, vercel.json \`functions\` and \`includeFiles\`) and Netlify functions (netlify.toml \`[functions]\` and \`included_files\`): what each function's package holds, for the functions whose code applies migrations.

Development setups are left out: Dockerfiles and compose files named for development (\`Dockerfile.dev\`, \`docker-compose.local.yml\`, \`compose.override.yml\`), a container or service whose command starts a development server (\`npm run dev\`, \`next dev\`, \`nodemon\`, \`tsx watch\`, \`--watch\`), test fixtures, and source files git ignores.

\`node dist/server.js\` (or \`tsx src/server.ts\`...) is judged by the file's code: the compiled path is mapped back to its source through tsconfig's \`outDir\` and \`rootDir\`, parsed, and counted as starting the app when it (or a module it imports, relatively or through tsconfig's \`paths\` and \`baseUrl\`) starts a server, and as a migration when it calls drizzle-orm's \`migrate()\` or TypeORM's \`runMigrations()\`. Commands the code (or a module it imports) starts as child processes are followed like shell commands: \`execSync('prisma migrate deploy')\`, \`spawn('npx', ['drizzle-kit', 'migrate'])\`, execa, zx's and Bun's \`$\` template tag, and functions made from them with \`promisify\`. A file the repository does not hold at the path the command names (copied into the image elsewhere) is found by its name when one source file has it; one that is nowhere is taken as the app only when nothing follows it (\`node /opt/check-env.js && prisma migrate deploy\` must exit first, which a server never does).

Each command also knows which earlier failures it runs after: \`a && b\`, \`set -e\`, \`a || exit 1\`, \`if [ $? -ne 0 ]\` right after \`a\`, CI steps and Dockerfile instructions stop on a failure; \`a; b\`, a new line without \`set -e\`, \`a || echo failed\` and \`a &\` go on. Each finding is reported where the command is written (the package.json line of a script, not the Dockerfile line that calls it), with the chain that reaches it.

Code is read with a JavaScript/TypeScript parser (oxc), never with regular expressions: comments and strings never match, and imports are resolved the way TypeScript resolves them.

## --fix

\`--fix\` applies the fixes that are mechanical and safe, and prints a unified diff of each file before writing it; \`--fix --dry-run\` only prints. After writing, doctor checks the project again and reports what is left. Today that is \`drizzle-unawaited-migrate\`: it adds \`await\` in an async function or at the top level of an ES module, and makes the enclosing function \`async\` only when nothing depends on what it returns (it is not exported and every use calls it as a statement, such as \`main();\`). Otherwise it refuses and says why (a CommonJS module, where top-level await is not allowed; a server that already starts before the call; a function whose callers use its result).

## Output

- text (default): findings grouped by file, each with \`file:line:column\`, the line with a caret, why it fails in production and the fix; colour only on a terminal (\`NO_COLOR\` respected).
- \`--json\` (or \`--format json\`): one JSON document: \`version\`, \`tool\`, \`project\`, \`orms\`, \`pipelines\`, \`commands\`, \`checks\`, \`findings\` (each with \`check\`, \`scope\`, \`severity\`, \`file\`, \`line\`, \`column\`, \`snippet\`, \`message\`, \`fix\`, \`fixable\`, \`fixRefused\`, \`related\`), \`summary\`, \`failed\`, \`notes\`.
- \`--format sarif\`: SARIF 2.1.0 for GitHub code scanning (\`github/codeql-action/upload-sarif\`), one rule per check with its documentation.
- \`--format github\`: GitHub Actions annotations (\`::error file=...,line=...::\`) on the pull request.

Other options: \`--only <ids>\` runs some checks; \`--list-checks\`; \`--explain <check>\`.

Exit codes: **0** no error-level finding, **1** error-level findings, **2** usage or configuration error (an unknown option or check, a project directory that does not exist, an invalid \`lockstep.config.json\`).`);
  for (const [scope, title] of SCOPES) {
    const list = checks.filter((c) => c.meta.scope === scope);
    if (list.length === 0) continue;
    out.push(`## ${title}\n\n${list.map(section).join('\n\n')}`);
  }
  return `${out.join('\n\n')}\n`;
}
