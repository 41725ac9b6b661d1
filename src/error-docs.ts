/**
 * docs/errors.md, generated from the catalogue of LS_* codes (src/error-codes.ts). Regenerate with
 * `npm run docs:errors`; a test fails when the file is out of date.
 */
import { ERROR_CODES, type ErrorCodeEntry } from './error-codes.js';

const EXIT_MEANINGS: Array<[string, string]> = [
  ['0', 'success, or nothing to do'],
  ['1', 'a check or a migration failed'],
  ['2', 'usage or configuration error: lockstep stopped before changing anything'],
  [
    '3',
    'blocked: an earlier failed migration, a database that needs a baseline, the migration lock held elsewhere; or drift found',
  ],
  ['126, 127', '`deploy -- <command>`: the app could not be started (once it has started, lockstep exits with its exit code)'],
];

function section(code: string, entry: ErrorCodeEntry): string {
  const facts = [
    entry.exit === null ? 'warning' : `exit ${entry.exit}`,
    ...(entry.prisma ? [`in a Prisma project: ${entry.prisma}`] : []),
  ];
  return [`### ${code}`, '', `**${facts.join(' · ')}** · ${entry.meaning}`, '', `**What to do.** ${entry.action}`].join('\n');
}

export function renderErrorDocs(): string {
  const entries = Object.entries(ERROR_CODES).sort(([a], [b]) => a.localeCompare(b)) as Array<[string, ErrorCodeEntry]>;
  const errors = entries.filter(([, e]) => e.exit !== null);
  const warnings = entries.filter(([, e]) => e.exit === null);
  return [
    '# Error codes',
    '',
    '<!-- Generated from src/error-codes.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'Every failure lockstep reports has a stable code. On the terminal it is the first line of the error, followed by the state the database is in and what to run next:',
    '',
    '```text',
    'error [LS_LOCK_TIMEOUT] The migration lock (…) is held by …; lockstep waited 5m for it.',
    '  Database: …',
    '  Next: …',
    '```',
    '',
    'With `--json` the error is one line, `{"type":"error","error":{"code":…,"message":…,"state":…,"recovery":[…],"exitCode":…}}`; the API throws a `LockstepError` with the same fields. Warnings do not stop the command: they are `warning …` lines on stderr, and with `--json` events that carry the code, `{"type":"warning","code":…,"message":…}`; `lockstep status` lists the history problems among them (LS_EDITED, LS_MISSING_ON_DISK, LS_OUT_OF_ORDER, LS_FILE_MISSING) in its report, and with `--json` under `problems`. Where Prisma has an error code for the same state (P3005, P3009, P3018, …), a Prisma project gets Prisma\'s code instead, as noted below.',
    '',
    'The messages name the files, tables and commands of the case at hand; this page says what each code means in general.',
    '',
    '## Exit codes',
    '',
    '| exit | meaning |',
    '| --- | --- |',
    ...EXIT_MEANINGS.map(([code, meaning]) => `| ${code} | ${meaning} |`),
    '',
    `## Errors (${errors.length})`,
    '',
    ...errors.flatMap(([code, entry]) => [section(code, entry), '']),
    `## Warnings (${warnings.length})`,
    '',
    ...warnings.flatMap(([code, entry]) => [section(code, entry), '']),
  ]
    .join('\n')
    .replace(/\n+$/, '\n');
}
