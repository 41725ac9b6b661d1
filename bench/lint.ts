/**
 * lockstep lint against squawk on the same corpora, in the same run:
 *   (a) 1,000 typical ORM-generated migration files (Prisma folders and Drizzle journal files);
 *   (b) one 150,000-line migration file.
 * Both tools run as whole processes (lockstep's built CLI, squawk-cli's npm binary); the tables give
 * wall times (median of REPS runs after a warm-up) and findings side by side, and a per-rule check
 * that lockstep reports every finding squawk reports on the rules both have.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SQUAWK_COVERAGE } from '../src/lint/squawk-mapping.js';
import {
  FIELDS,
  LOCKSTEP_CLI,
  NOUNS,
  REPS,
  ROOT,
  WORK,
  random,
  rounds,
  run,
  spread,
  summarize,
  table,
  verdict,
  type Scenario,
} from './support.js';

const SQUAWK = join(ROOT, 'node_modules', '.bin', 'squawk');
const DIR = join(WORK, 'lint');
const FILES = 1000;
const BIG_LINES = 150_000;

/** squawk's rules that lockstep enables only on request: turned on for the comparison, so both run the same rule set. */
const OPT_IN_FOR_PARITY = [
  'prefer-bigint-over-int',
  'prefer-bigint-over-smallint',
  'prefer-identity',
  'prefer-timestamptz',
  'prefer-text-field',
  'ban-char-field',
  'require-enum-value-ordering',
];

// ---------------------------------------------------------------- corpus

const TYPES = [
  'TEXT',
  'TEXT NOT NULL',
  'INTEGER',
  'INTEGER NOT NULL DEFAULT 0',
  'BOOLEAN NOT NULL DEFAULT false',
  'TIMESTAMP(3)',
  'DECIMAL(65,30)',
  'DOUBLE PRECISION',
  'JSONB',
  'VARCHAR(191)',
];

interface Step {
  comment: string;
  sql: string;
}

/**
 * Migrations as Prisma and drizzle-kit generate them for an evolving schema: new models (enum,
 * table, indexes, foreign keys), new fields and relations on existing models, new enum values,
 * and now and then what ORMs generate for riskier edits: a renamed field (drop + add), a dropped
 * field, a type change, a field made required, a unique constraint.
 */
function generateMigrations(
  count: number,
  seed: number,
  existing: { models: string[]; enums: string[] } | undefined = undefined,
): Step[][] {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  // Without `existing`, later migrations alter the models earlier ones created (one migration per
  // file). With it, they alter tables and enums that exist before the file, as a long file of
  // changes to a live schema does (tables created earlier in the same file would be new and empty).
  const models: string[] = existing ? existing.models : [];
  const enums: string[] = existing ? existing.enums : [];
  const created: string[] = [];
  let serial = 0;
  const out: Step[][] = [];
  for (let i = 0; i < count; i++) {
    const roll = rand();
    const steps: Step[] = [];
    if (models.length < 3 || roll < 0.3) {
      const model = `${pick(NOUNS)}${++serial}`;
      const columns = ['    "id" SERIAL NOT NULL,'];
      for (let f = 0; f < 2 + Math.floor(rand() * 4); f++) columns.push(`    "${FIELDS[f]}" ${pick(TYPES)},`);
      if (rand() < 0.3) {
        const status = `${model}Status`;
        if (!existing) enums.push(status);
        steps.push({ comment: 'CreateEnum', sql: `CREATE TYPE "${status}" AS ENUM ('DRAFT', 'ACTIVE', 'CLOSED');` });
        columns.push(`    "status" "${status}" NOT NULL DEFAULT 'DRAFT',`);
      }
      const owner = models.length > 0 && rand() < 0.6 ? pick(existing ? models : [...models, ...created]) : undefined;
      if (owner) columns.push('    "ownerId" INTEGER NOT NULL,');
      columns.push(
        '    "slug" TEXT NOT NULL,',
        '    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,',
        '    "updatedAt" TIMESTAMP(3) NOT NULL,',
      );
      steps.push({
        comment: 'CreateTable',
        sql: `CREATE TABLE "${model}" (\n${columns.join('\n')}\n\n    CONSTRAINT "${model}_pkey" PRIMARY KEY ("id")\n);`,
      });
      steps.push({ comment: 'CreateIndex', sql: `CREATE UNIQUE INDEX "${model}_slug_key" ON "${model}"("slug");` });
      if (owner) {
        steps.push({ comment: 'CreateIndex', sql: `CREATE INDEX "${model}_ownerId_idx" ON "${model}"("ownerId");` });
        steps.push({
          comment: 'AddForeignKey',
          sql: `ALTER TABLE "${model}" ADD CONSTRAINT "${model}_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "${owner}"("id") ON DELETE RESTRICT ON UPDATE CASCADE;`,
        });
      }
      if (existing) created.push(model);
      else models.push(model);
    } else if (roll < 0.55) {
      const model = pick(models);
      const added = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `${pick(FIELDS)}${++serial}`);
      steps.push({
        comment: 'AlterTable',
        sql: `ALTER TABLE "${model}" ${added.map((c) => `ADD COLUMN     "${c}" ${pick(TYPES.filter((t) => !t.endsWith('NOT NULL')))}`).join(',\n')};`,
      });
      if (rand() < 0.5)
        steps.push({ comment: 'CreateIndex', sql: `CREATE INDEX "${model}_${added[0]}_idx" ON "${model}"("${added[0]}");` });
    } else if (roll < 0.72) {
      const model = pick(models);
      const target = pick(models);
      const column = `${target.charAt(0).toLowerCase()}${target.slice(1)}Id${++serial}`;
      steps.push({ comment: 'AlterTable', sql: `ALTER TABLE "${model}" ADD COLUMN     "${column}" INTEGER;` });
      steps.push({ comment: 'CreateIndex', sql: `CREATE INDEX "${model}_${column}_idx" ON "${model}"("${column}");` });
      steps.push({
        comment: 'AddForeignKey',
        sql: `ALTER TABLE "${model}" ADD CONSTRAINT "${model}_${column}_fkey" FOREIGN KEY ("${column}") REFERENCES "${target}"("id") ON DELETE SET NULL ON UPDATE CASCADE;`,
      });
    } else if (roll < 0.8 && enums.length > 0) {
      steps.push({ comment: 'AlterEnum', sql: `ALTER TYPE "${pick(enums)}" ADD VALUE 'STATE${++serial}';` });
    } else if (roll < 0.85) {
      const model = pick(models);
      steps.push({
        comment: 'AlterTable',
        sql: `ALTER TABLE "${model}" DROP COLUMN "legacy${++serial}",\nADD COLUMN     "renamed${serial}" TEXT;`,
      });
    } else if (roll < 0.89) {
      steps.push({ comment: 'AlterTable', sql: `ALTER TABLE "${pick(models)}" ALTER COLUMN "title" SET NOT NULL;` });
    } else if (roll < 0.93) {
      steps.push({ comment: 'AlterTable', sql: `ALTER TABLE "${pick(models)}" ALTER COLUMN "amount" SET DATA TYPE BIGINT;` });
    } else if (roll < 0.96) {
      const model = pick(models);
      steps.push({ comment: 'AlterTable', sql: `ALTER TABLE "${model}" ADD COLUMN     "ref${++serial}" TEXT NOT NULL;` });
    } else {
      const model = pick(models);
      steps.push({ comment: 'DropIndex', sql: `DROP INDEX "${model}_slug_key";` });
      steps.push({ comment: 'AlterTable', sql: `ALTER TABLE "${model}" ADD CONSTRAINT "${model}_slug_key" UNIQUE ("slug");` });
    }
    out.push(steps);
  }
  return out;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const prismaText = (steps: Step[]) => `${steps.map((s) => `-- ${s.comment}\n${s.sql}`).join('\n\n')}\n`;
const drizzleText = (steps: Step[]) => steps.map((s) => s.sql).join('\n--> statement-breakpoint\n');

interface Corpora {
  /** Directory with 1,000 files: prisma/migrations/<ts>_<name>/migration.sql and drizzle/<tag>.sql. */
  many: string;
  manyGlob: string;
  /** One file of 150,000 lines. */
  big: string;
  bigLines: number;
  bigBytes: number;
}

export function generateLintCorpora(): Corpora {
  rmSync(DIR, { recursive: true, force: true });
  const many = join(DIR, 'orm');
  const migrations = generateMigrations(FILES, 7);
  migrations.forEach((steps, i) => {
    const stamp = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
    if (i % 5 < 3) write(join(many, 'prisma', 'migrations', `${stamp}_m${i}`, 'migration.sql'), prismaText(steps));
    else write(join(many, 'drizzle', `${String(i).padStart(4, '0')}_m${i}.sql`), drizzleText(steps));
  });
  const parts: string[] = [];
  let lines = 0;
  let round = 0;
  while (lines < BIG_LINES) {
    const existing = {
      models: NOUNS.map((noun) => `${noun}Live${round}`),
      enums: NOUNS.map((noun) => `${noun}LiveStatus${round}`),
    };
    for (const steps of generateMigrations(FILES, 100 + round++, existing)) {
      const text = prismaText(steps);
      parts.push(text);
      lines += text.split('\n').length;
      if (lines >= BIG_LINES) break;
    }
  }
  const big = join(DIR, 'big', 'migration.sql');
  const bigText = parts.join('\n');
  write(big, bigText);
  // The same rule set on both sides: squawk enables these by default, lockstep on request.
  write(
    join(DIR, 'lockstep.config.json'),
    `${JSON.stringify({ lint: { rules: Object.fromEntries(OPT_IN_FOR_PARITY.map((r) => [r, 'warning'])) } }, null, 2)}\n`,
  );
  return {
    many,
    manyGlob: join(many, '**', '*.sql'),
    big,
    bigLines: bigText.split('\n').length,
    bigBytes: Buffer.byteLength(bigText),
  };
}

// ---------------------------------------------------------------- the two tools

interface Finding {
  file: string;
  line: number;
  rule: string;
  /** lockstep: the lines of the statement the finding is in. */
  startLine: number;
  endLine: number;
}

const lockstepArgs = (target: string) => [
  LOCKSTEP_CLI,
  'lint',
  '--format',
  'json',
  '--runner',
  'prisma',
  '--project',
  DIR,
  target,
];
const squawkArgs = (target: string) => ['--reporter', 'json', '--assume-in-transaction', target];

async function lockstep(target: string): Promise<{ ms: number; findings: Finding[] }> {
  const result = await run(process.execPath, lockstepArgs(target), { cwd: DIR, allowFailure: true });
  if (result.code !== 0 && result.code !== 1) throw new Error(`lockstep lint exited with ${result.code}: ${result.stderr}`);
  const report = JSON.parse(result.stdout) as {
    findings: Array<{
      file: string;
      line: number;
      rule: string;
      suppressed: boolean;
      statement?: { line: number; endLine: number };
    }>;
  };
  return {
    ms: result.ms,
    findings: report.findings
      .filter((f) => !f.suppressed)
      .map((f) => ({
        file: resolve(DIR, f.file),
        line: f.line,
        rule: f.rule,
        startLine: f.statement?.line ?? f.line,
        endLine: f.statement?.endLine ?? f.line,
      })),
  };
}

async function parserFloor(dir: string): Promise<{ ms: number; findings: Finding[] }> {
  const result = await run(process.execPath, [join(ROOT, 'bench', 'parser-floor.mjs'), dir], { cwd: DIR });
  return { ms: result.ms, findings: [] };
}

async function nodeAlone(): Promise<{ ms: number; findings: Finding[] }> {
  const result = await run(process.execPath, ['-e', '']);
  return { ms: result.ms, findings: [] };
}

async function squawk(target: string): Promise<{ ms: number; findings: Finding[] }> {
  const result = await run(SQUAWK, squawkArgs(target), { cwd: DIR, allowFailure: true });
  if (result.code !== 0 && result.code !== 1) throw new Error(`squawk exited with ${result.code}: ${result.stderr}`);
  const list = JSON.parse(result.stdout || '[]') as Array<{ file: string; line: number; rule_name: string }>;
  // squawk's lines are 0-based.
  return {
    ms: result.ms,
    findings: list.map((f) => ({
      file: resolve(DIR, f.file),
      line: f.line + 1,
      rule: f.rule_name,
      startLine: f.line + 1,
      endLine: f.line + 1,
    })),
  };
}

// ---------------------------------------------------------------- comparison

interface RuleComparison {
  squawkRule: string;
  lockstepRules: string[];
  squawk: number;
  covered: number;
  missed: Finding[];
}

/** For every squawk finding on a rule lockstep has: does lockstep report a mapped rule on the same statement (or, for per-file rules, in the same file)? */
function compare(squawkFindings: Finding[], lockstepFindings: Finding[]): RuleComparison[] {
  const byFile = new Map<string, Finding[]>();
  for (const f of lockstepFindings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const rows: RuleComparison[] = [];
  for (const mapping of SQUAWK_COVERAGE) {
    const theirs = squawkFindings.filter((f) => f.rule === mapping.squawk);
    if (theirs.length === 0) continue;
    const missed = theirs.filter(
      (s) =>
        !(byFile.get(s.file) ?? []).some(
          (l) =>
            mapping.lockstep.includes(l.rule) && (mapping.scope === 'file' || (s.line >= l.startLine && s.line <= l.endLine)),
        ),
    );
    rows.push({
      squawkRule: mapping.squawk,
      lockstepRules: mapping.lockstep,
      squawk: theirs.length,
      covered: theirs.length - missed.length,
      missed,
    });
  }
  const unmapped = [...new Set(squawkFindings.map((f) => f.rule))].filter(
    (rule) => !SQUAWK_COVERAGE.some((m) => m.squawk === rule),
  );
  for (const rule of unmapped) {
    const theirs = squawkFindings.filter((f) => f.rule === rule);
    rows.push({ squawkRule: rule, lockstepRules: [], squawk: theirs.length, covered: 0, missed: theirs });
  }
  return rows;
}

function countByRule(findings: Finding[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

// ---------------------------------------------------------------- the scenario

export async function lintBenchmark(): Promise<{ markdown: string; met: { many: boolean; big: boolean; coverage: boolean } }> {
  const corpora = generateLintCorpora();
  const targets = {
    many: {
      label: `(a) ${FILES.toLocaleString('en-US')} ORM-generated migration files`,
      lockstep: corpora.many,
      squawk: corpora.manyGlob,
    },
    big: {
      label: `(b) one ${corpora.bigLines.toLocaleString('en-US')}-line file (${(corpora.bigBytes / 1024 / 1024).toFixed(1)} MB)`,
      lockstep: corpora.big,
      squawk: corpora.big,
    },
  };
  const sections: string[] = [];
  const met = { many: false, big: false, coverage: true };
  const comparisons: string[] = [];

  for (const [key, target] of Object.entries(targets) as Array<[keyof typeof targets, (typeof targets)['many']]>) {
    process.stderr.write(`  ${target.label}\n`);
    type Measure = () => Promise<{ ms: number; findings: Finding[] }>;
    const runners: Record<string, Measure> = { squawk: () => squawk(target.squawk), lockstep: () => lockstep(target.lockstep) };
    if (key === 'many') {
      // For the many small files, where start-up dominates: what Node.js and the parser cost before any rule runs.
      runners.floor = () => parserFloor(target.lockstep);
      runners.node = () => nodeAlone();
    }
    const samples = await rounds(runners, async (measure) => measure());
    const s = summarize(samples.squawk!.map((r) => r.ms));
    const l = summarize(samples.lockstep!.map((r) => r.ms));
    const floor = key === 'many' ? summarize(samples.floor!.map((r) => r.ms)) : undefined;
    const floorNote = floor
      ? `\n- The floor: Node.js starting, compiling libpg-query (WebAssembly) and parsing these files, with no rule, no output and nothing else, takes ${spread(floor)}, ${floor.median > s.median ? 'more than' : 'against'} squawk's ${spread(s)} for all of its work. squawk is a native binary; a linter on the PostgreSQL parser in Node.js ${floor.median > s.median ? 'cannot meet this target on these files: it is over before its first rule runs' : 'has this much room'}. The rest of lockstep's time (${Math.round(l.median - floor.median)} ms) is loading its rules, running them, suppressions and the report.`
      : '';
    const floorRows =
      key === 'many'
        ? [
            ['Node.js start-up alone (`node -e ""`)', '–', spread(summarize(samples.node!.map((r) => r.ms)))],
            [
              'Node.js + libpg-query: compile the parser, read and parse every file, no rules (`bench/parser-floor.mjs`)',
              '–',
              spread(summarize(samples.floor!.map((r) => r.ms))),
            ],
          ]
        : [];
    const ratio = l.median / s.median;
    const limit = key === 'many' ? 1 : 1.5;
    met[key] = ratio <= limit;
    const squawkFindings = samples.squawk![0]!.findings;
    const lockstepFindings = samples.lockstep![0]!.findings;
    const rows = compare(squawkFindings, lockstepFindings);
    const missed = rows.reduce((n, r) => n + r.missed.length, 0);
    if (missed > 0) met.coverage = false;
    sections.push(
      `**${target.label}**\n\n` +
        table(
          ['', 'squawk 2.66', 'lockstep'],
          [
            ['Wall time', spread(s), spread(l)],
            ['Findings', squawkFindings.length.toLocaleString('en-US'), lockstepFindings.length.toLocaleString('en-US')],
            ...floorRows,
          ],
        ) +
        `\n\n- Target: lockstep at most ${limit === 1 ? "squawk's wall time" : `${limit}× squawk's wall time`}: ${verdict(met[key])} (lockstep/squawk = ${ratio.toFixed(2)}).` +
        `\n- Every squawk finding on a rule both tools have is found by lockstep: ${verdict(missed === 0)} (${rows.reduce((n, r) => n + r.covered, 0).toLocaleString('en-US')} of ${rows.reduce((n, r) => n + r.squawk, 0).toLocaleString('en-US')}).` +
        floorNote,
    );
    comparisons.push(
      `**${target.label}**\n\n` +
        table(
          ['squawk rule', 'squawk findings', 'lockstep rule(s)', 'found by lockstep', 'missed'],
          rows.map((r) => [
            `\`${r.squawkRule}\``,
            String(r.squawk),
            r.lockstepRules.map((x) => `\`${x}\``).join(', ') || '(none)',
            String(r.covered),
            r.missed.length ? `${r.missed.length} (e.g. ${r.missed[0]!.file.slice(DIR.length + 1)}:${r.missed[0]!.line})` : '0',
          ]),
        ) +
        `\n\nlockstep's findings by rule: ${countByRule(lockstepFindings)
          .map(([rule, n]) => `\`${rule}\` ${n.toLocaleString('en-US')}`)
          .join(', ')}.`,
    );
  }

  const markdown = [
    '## Lint',
    '',
    `\`lockstep lint\` against [squawk](https://github.com/sbdchd/squawk) (\`squawk-cli\` from npm), on the same corpora in the same run: wall time of the whole process, median of ${REPS} runs (min–max), after a warm-up run. The corpora are generated into \`bench/.work/lint/\` with a fixed seed: Prisma migration folders (step comments) and Drizzle files (\`--> statement-breakpoint\`) for an evolving schema (new models with enums, indexes and foreign keys, new fields and relations, enum values, and now and then a drop + add rename, a dropped field, a type change, a required field, a unique constraint), and one file of ${BIG_LINES.toLocaleString('en-US')} lines made of the same kind of migrations.`,
    '',
    `squawk runs as \`squawk ${squawkArgs('<files>').join(' ')}\` (Prisma and Drizzle run each migration inside a transaction); lockstep as \`lockstep lint ${lockstepArgs('<files>').slice(2).join(' ')}\` with \`lint.rules\` turning on the rules squawk has on by default and lockstep only on request (${OPT_IN_FOR_PARITY.map((r) => `\`${r}\``).join(', ')}), so that both run the same checks.`,
    '',
    ...sections.flatMap((section) => [section, '']),
    '### Findings, rule by rule',
    '',
    'A squawk finding counts as found when lockstep reports one of the mapped rules (docs/lint.md, "squawk coverage") on the same statement; for the per-file timeout rules, in the same file. lockstep reports more than squawk where it knows more: it also flags generated renames, enum values used in the migration that adds them, and timeouts at the statement that blocks the application.',
    '',
    ...comparisons.flatMap((c) => [c, '']),
  ].join('\n');
  return { markdown: markdown.trimEnd(), met };
}

/** For bench/run.ts: `SCENARIOS.push(lintScenario)`. */
export const lintScenario: Scenario = {
  name: 'lint',
  async run() {
    return (await lintBenchmark()).markdown;
  },
};
