/**
 * docs/lint.md, generated from the rules' metadata so that the documentation, `--explain` and
 * SARIF's help text never disagree. Regenerate with `node --import tsx scripts/gen-lint-docs.ts`;
 * a test fails when the file is out of date.
 */
import { explainRuleMarkdown } from '../report/lint-explain.js';
import { DEFAULT_PG_VERSION } from './config.js';
import { allRules } from './registry.js';
import type { Rule } from './rule.js';
import { RUNNER_MODELS } from './runners.js';
import { SQUAWK_COVERAGE } from './squawk-mapping.js';
import { DEFAULT_THRESHOLDS, EMPTY_BYTES, formatBytes } from './table-stats.js';
import { RUNNERS } from './types.js';

const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
const code = (items: string[] | undefined) => (items?.length ? items.map((i) => `\`${i}\``).join(', ') : '');
const link = (id: string) => `[\`${id}\`](#${id})`;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function ruleTable(rules: readonly Rule[]): string {
  return table(
    ['Rule', 'Default', 'Category', 'Flags', 'squawk', 'strong_migrations', 'Atlas'],
    rules.map(({ meta }) => [
      link(meta.id),
      meta.severity === 'off' ? 'off' : meta.severity + (meta.sizeGraded ? ' ¹' : ''),
      meta.category,
      cell(meta.summary),
      code(meta.equivalents.squawk),
      code(meta.equivalents.strongMigrations),
      code(meta.equivalents.atlas),
    ]),
  );
}

export function renderLintDocs(): string {
  const rules = allRules();
  const t = DEFAULT_THRESHOLDS;
  const sections: string[] = [];
  sections.push(`<!-- Generated from the rules in src/lint/rules by scripts/gen-lint-docs.ts; do not edit by hand. -->

# \`lockstep lint\`

The "prepare" gate: before a migration ships, find what will destroy data, lock a busy table, or break the app version
that is still running. lockstep lint parses migrations with PostgreSQL's own parser (libpg-query), knows how Prisma,
Drizzle, TypeORM, psql and lockstep's own runner execute a file, and, given a database, how big each table is.

\`\`\`sh
lockstep lint                                 # the project's pending migrations (all of them without a database URL)
lockstep lint prisma/migrations/2025*/migration.sql drizzle/0007_add_index.sql
lockstep lint --since origin/main             # the migration files this branch added or changed: the pull-request gate
cat migration.sql | lockstep lint -           # stdin (--stdin-filename names it in the output)
lockstep lint --url "$PRODUCTION_READONLY_URL" # grade findings by the real size of each table
lockstep lint --explain adding-foreign-key-constraint
lockstep lint --list-rules
\`\`\`

Directories are linted recursively (their \`.sql\` files, in path order).

## Exit codes

| code | meaning |
| --- | --- |
| 0 | no error-level finding (warnings and infos do not fail) |
| 1 | an error-level finding that is not suppressed in the SQL, or a file PostgreSQL cannot parse |
| 2 | usage or configuration error: a bad flag, an unknown rule in \`--explain\`, a missing or unreadable file, a file that is not UTF-8 (the byte offset is named), a statement too large for the parser, an invalid \`lint\` configuration, a project whose migrations lockstep finds none of (a TypeORM \`migrations\` pattern that matches no file, a migrations folder that does not exist) |

Empty files are an error-level finding (\`empty-migration\`); files with only comments are fine. When lint reads a Drizzle
project, a \`.sql\` file in its migrations folder that \`meta/_journal.json\` does not list is an error-level finding
(\`unlisted-migration\`): Drizzle never runs it.

## Options

| option | |
| --- | --- |
| \`[files...]\` | files or directories to lint; \`-\` reads stdin |
| \`--since <ref>\` | the project's migration files added or changed between \`<ref>\` and HEAD (\`git diff --name-only --diff-filter=AM <ref>...HEAD\`) |
| \`-p, --project <dir>\` | the project: its \`lockstep.config.json\`, and its migrations when no files are named |
| \`--orm <orm>\` | which ORM's migrations to lint when the project has several |
| \`--config <file>\` | the ORM's configuration when it is not where lockstep looks: drizzle-kit's \`--config\`, the typeorm CLI's \`-d\`, Prisma's \`--config\` or \`--schema\` |
| \`--url <url>\` | the database to read table sizes from (and to find pending migrations on); never printed |
| \`--runner <runner>\` | what runs the migrations: ${RUNNERS.map((r) => `\`${r}\``).join(', ')} (default \`lockstep\`) |
| \`--pg-version <n>\` | the PostgreSQL major version the migrations target (default: \`lint.postgresVersion\`, else the database's, else ${DEFAULT_PG_VERSION}) |
| \`--format <f>\` | \`text\` (default), \`json\`, \`sarif\`, \`github\`; \`--json\` is \`--format json\` |
| \`--explain <rule>\` | what the rule flags, why it hurts, the safe alternative, examples |
| \`--list-rules\` | every rule with its default severity |

A database is consulted only when you name one: \`--url\`, or, for the pending-migrations mode, the project's own URL
(\`--url\`, the ORM configuration, \`DATABASE_URL\`). Named files and \`--since\` never read \`DATABASE_URL\` on their
own, so a CI job with a throwaway database cannot downgrade findings by accident.`);

  sections.push(`## How the runner changes the verdict

Whether a statement is safe depends on what executes the file. \`--runner\` (or \`lint.runner\`) chooses the model:

${table(
  ['Runner', 'How a file runs', 'Sets lock_timeout'],
  RUNNERS.map((id) => {
    const model = RUNNER_MODELS[id];
    const shape = {
      lockstep:
        "one transaction per file; a file with a statement PostgreSQL refuses in a transaction (CONCURRENTLY, VACUUM, ...) or with its own BEGIN/COMMIT runs statement by statement, with progress recorded; a file that starts with a COMMIT of its own (Drizzle's convention) runs the statements before it in one transaction and the rest one by one",
      prisma: 'the file as one query: one implicit transaction when it has several statements',
      drizzle: 'all pending migrations in one transaction',
      typeorm: 'all pending migrations in one transaction (migrationsTransactionMode "all", the default)',
      psql: 'statement by statement, each in its own transaction, unless the file says BEGIN',
    }[id];
    return [`\`${id}\` (${model.label})`, shape, model.setsTimeouts ? 'yes (lock_timeout and statement_timeout)' : 'no'];
  }),
)}

So \`CREATE INDEX CONCURRENTLY\` next to another statement fails under \`prisma migrate deploy\` and is fine under
\`lockstep deploy\`; a new enum value used in the next migration fails under Drizzle (one transaction for all pending
migrations) and is fine under Prisma; \`require-lock-timeout\` never fires for files that lockstep deploys.

A \`COMMIT\` with no \`BEGIN\` of the file's own before it ends the transaction the runner runs the file in: Drizzle's
\`COMMIT;--> statement-breakpoint\` convention, which leaves drizzle-orm's transaction so that a
\`CREATE INDEX CONCURRENTLY\` (often after a \`SET lock_timeout\` of its own) can follow. Every rule reads the statements
after it as running outside any transaction: \`CONCURRENTLY\` there is where it belongs, a new enum value added before
it may be used after it, a constraint added \`NOT VALID\` before it may be validated after it, and the \`COMMIT\` is no
\`transaction-nesting\` error. Under \`--runner drizzle\` or \`typeorm\` it is a warning that says what it costs there (the
statements before it are committed early, and after a failure the runner runs the whole file again).

Tables created earlier in the same migration are known to be empty: rules about locks, rewrites and scans do not
report them. When the files are the pending migrations of a database (\`lockstep deploy\`'s gate, \`lockstep lint\` with
a database, \`lockstep lint --since\`), they run in order in one deploy, so the same holds for tables and columns an
earlier pending migration creates: no running version of the application uses them yet. Deploying a whole history
to a new database is therefore not refused for a column that a later migration drops or renames. An
\`ALTER TABLE ... RENAME TO\` is followed: a table created earlier in the run is still new under its new name, and a live
table renamed in the run is graded by its size on the database, looked up under its old name. With a database, a
destructive change (a dropped column or table, a truncate) to a table that has no rows there loses nothing: it is a
warning, not an error, since the running version may still use what is dropped.

SQL generated by an ORM is recognised from its comments (Prisma's \`-- CreateTable\` step comments and
\`/* Warnings: */\` header, Drizzle's \`--> statement-breakpoint\`), and messages then say what to change in that ORM's
workflow (for example \`@map\` for a renamed Prisma field) and quote Prisma's own warning for the table.`);

  sections.push(`## Rules

${ruleTable(rules)}

¹ Lock hazard: with a database, the severity follows the table's size (see "Data awareness").
Rules marked \`off\` are opt-in: enable them in the configuration.`);

  sections.push(`## squawk coverage

Every rule of [squawk](https://github.com/sbdchd/squawk) and the lockstep rule that covers the same hazard. The
lint benchmark checks on generated ORM corpora that lockstep finds every finding squawk reports on these rules.

${table(
  ['squawk rule', 'lockstep rule', 'Notes'],
  SQUAWK_COVERAGE.map((row) => [`\`${row.squawk}\``, row.lockstep.map(link).join(', '), cell(row.note)]),
)}

lockstep rules with no squawk equivalent: ${rules
    .filter((r) => !SQUAWK_COVERAGE.some((row) => row.lockstep.includes(r.meta.id)))
    .map((r) => link(r.meta.id))
    .join(', ')}.`);

  sections.push(`## Suppressing a finding

A reviewed finding is suppressed in the SQL, next to the statement, with the reason:

\`\`\`sql
-- lockstep-ignore ban-drop-column: removed from the Prisma schema in v2.3; no running version selects it
ALTER TABLE "User" DROP COLUMN "legacyName";

ALTER TABLE "Order" ADD COLUMN "note" TEXT; -- lockstep-ignore require-lock-timeout: run by hand in a maintenance window
\`\`\`

- \`-- lockstep-ignore RULE[, RULE...]: reason\` applies to the statement that follows it (any comment between the
  previous statement and this one), or to the statement that ends on the same line before it.
- \`-- lockstep-ignore-file RULE[, RULE...]: reason\` anywhere between statements applies to the whole file.
- Block comments work too: \`/* lockstep-ignore ban-drop-table: ... */\`.
- The reason is required. A suppression without one is not applied and is reported as
  \`suppression-missing-reason\`. Unknown rule names, and suppressions that match no finding, are reported as
  \`unused-ignore\`.
- Suppressed findings do not fail the lint; they stay in the JSON and SARIF output, with the reason (SARIF: an
  \`inSource\` suppression with its justification).`);

  sections.push(`## Configuration

The \`lint\` section of \`lockstep.config.json\` (or of the \`"lockstep"\` key in \`package.json\`) in the project:

\`\`\`json
{
  "lint": {
    "postgresVersion": 16,
    "runner": "prisma",
    "rules": {
      "ban-drop-column": "warning",
      "prefer-identity": "error",
      "require-lock-timeout": "off"
    },
    "thresholds": { "smallRows": ${t.smallRows}, "smallBytes": ${t.smallBytes}, "largeRows": ${t.largeRows}, "largeBytes": ${t.largeBytes} }
  }
}
\`\`\`

Severities are \`error\`, \`warning\`, \`info\` or \`off\`; \`syntax-error\` is always an error. Flags win over the file.`);

  sections.push(`## Data awareness

With a database, lockstep reads each table a finding names from the catalog, once per run and without locking
anything: the row estimate (\`pg_class.reltuples\`, else \`pg_stat_user_tables.n_live_tup\`; summed over partitions)
and the size (\`pg_total_relation_size\`: heap, indexes and TOAST). Every finding on an existing table states both.
The table's grade is the larger of its grade by rows and its grade by size:

| grade | rows | size | lock hazards (rules marked ¹) |
| --- | --- | --- | --- |
| new | the table does not exist yet (an earlier pending migration creates it), or this migration creates it | | info |
| empty | 0 | ≤ ${formatBytes(EMPTY_BYTES)} | info |
| small | < ${t.smallRows.toLocaleString('en-US')} | < ${formatBytes(t.smallBytes)} | one level lower (error → warning) |
| medium | < ${t.largeRows.toLocaleString('en-US')} | < ${formatBytes(t.largeBytes)} | as configured |
| large | ≥ ${t.largeRows.toLocaleString('en-US')} | ≥ ${formatBytes(t.largeBytes)} | one level higher (warning → error) |

A lock on an empty table is not an outage; a rewrite of a large one is. Rules about data loss and breaking changes
keep their severity whatever the size, but say how many rows are at stake. With the database, lockstep also reads
column types: \`changing-column-type\` then says whether the change rewrites the table, whether values can fail or
lose precision and whether PostgreSQL needs a USING clause; \`generated-rename\` only reports a drop and add whose
types are compatible. The thresholds are configurable (\`lint.thresholds\`).`);

  sections.push(`## Output formats

- \`text\` (default): grouped by file; each finding with line:column, severity, rule, the message, the offending line
  with a caret, the table's size when known, and the why and the fix in one line each.
- \`json\`: one compact document \`{ version, tool, runner, postgresVersion, database, files, summary, failed, notes,
  rules, findings }\`; each finding has \`rule, severity, category, message, file, line, column, lineText, statement {
  index, line, column, endLine, endColumn, text }, table, rows, bytes, tableSize, suppressed, suppression { reason,
  line, scope }\`, and \`rules\` gives each reported rule's \`category, why, fix\` once.
- \`sarif\`: SARIF 2.1.0 for GitHub code scanning: every rule with its help text (and \`helpUri\` when the package
  names its repository), every finding with its physical location; suppressed findings carry an \`inSource\`
  suppression.
- \`github\`: GitHub Actions workflow commands (\`::error file=…,line=…,col=…,title=…::message\`), shown as annotations
  on the pull request; infos become notices.

\`\`\`yaml
# .github/workflows/migrations.yml
- uses: actions/checkout@v4
  with: { fetch-depth: 0 }
- run: npx lockstep lint --since origin/\${{ github.base_ref }} --format github
# or, for code scanning:
- run: npx lockstep lint --since origin/\${{ github.base_ref }} --format sarif > lockstep.sarif
- uses: github/codeql-action/upload-sarif@v3
  with: { sarif_file: lockstep.sarif }
\`\`\``);

  sections.push(`## API

\`\`\`ts
import { readFileSync } from 'node:fs';
import { lint, lintSql, tableKey, type TableStatsProvider } from 'lockstep';

const report = await lint({ project: '.', since: 'origin/main' }); // what \`lockstep lint\` does
if (report.failed) process.exit(1);

// Lower level, for gates that already have the SQL: no files, no project, no configuration file.
// Table sizes are optional; a provider answers from wherever it knows them (here: every table is small).
const stats: TableStatsProvider = {
  async tableStats(tables) {
    return new Map(tables.map((table) => [tableKey(table), { exists: true, rows: 500, bytes: 65_536 }]));
  },
};
const path = 'prisma/migrations/20250101_x/migration.sql';
const checked = await lintSql([{ path, sql: readFileSync(path, 'utf8') }], {
  runner: 'lockstep',
  postgresVersion: 16,
  stats,
});
for (const f of checked.findings) console.log(f.rule, f.severity, f.file, f.line, f.message, f.suppressed);
\`\`\`

\`lint\` with a \`url\` (the CLI's \`--url\`) reads the sizes from the database itself. Every option and field:
[docs/api](api/index.md).`);

  sections.push(`## Rule reference

${rules.map((rule) => `### ${rule.meta.id}\n\n${explainRuleMarkdown(rule)}${rule.meta.doc.options ? `\n\n(The examples are linted with ${[rule.meta.doc.options.runner ? `\`--runner ${rule.meta.doc.options.runner}\`` : '', rule.meta.doc.options.postgresVersion ? `\`--pg-version ${rule.meta.doc.options.postgresVersion}\`` : ''].filter(Boolean).join(' ')}.)` : ''}`).join('\n\n')}`);

  return `${sections.join('\n\n')}\n`;
}
