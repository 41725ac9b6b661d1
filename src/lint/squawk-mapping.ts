/**
 * Every squawk rule (squawk 2.6x, crates/squawk_linter/src/lib.rs) and the lockstep rules that
 * cover the same hazard. docs/lint.md prints this table, and bench/lint.ts uses it to check that
 * lockstep finds everything squawk finds on the rules both have.
 */
export interface SquawkCoverage {
  squawk: string;
  lockstep: string[];
  /** `file`: both tools report it once per file, so a finding anywhere in the same file covers it. */
  scope: 'statement' | 'file';
  note: string;
}

export const SQUAWK_COVERAGE: readonly SquawkCoverage[] = [
  {
    squawk: 'adding-field-with-default',
    lockstep: ['adding-volatile-default'],
    scope: 'statement',
    note: 'Also serial and identity columns. lockstep treats built-in STABLE and IMMUTABLE functions as safe whatever their arguments (squawk flags any call with arguments).',
  },
  {
    squawk: 'adding-foreign-key-constraint',
    lockstep: ['adding-foreign-key-constraint'],
    scope: 'statement',
    note: 'Tables created earlier in the migration are exempt under every runner.',
  },
  {
    squawk: 'adding-not-nullable-field',
    lockstep: ['setting-not-null'],
    scope: 'statement',
    note: 'Same validated-CHECK exemption on PostgreSQL 12+.',
  },
  {
    squawk: 'adding-required-field',
    lockstep: ['adding-required-field'],
    scope: 'statement',
    note: 'With a database the message says whether the table has rows.',
  },
  {
    squawk: 'adding-serial-primary-key-field',
    lockstep: ['adding-primary-key-constraint'],
    scope: 'statement',
    note: 'Primary key changes (DROP CONSTRAINT ..._pkey) are changing-primary-key.',
  },
  {
    squawk: 'ban-alter-domain-with-add-constraint',
    lockstep: ['ban-alter-domain-with-add-constraint'],
    scope: 'statement',
    note: 'A constraint added NOT VALID is not reported.',
  },
  { squawk: 'ban-char-field', lockstep: ['ban-char-field'], scope: 'statement', note: 'Style rule, off by default.' },
  {
    squawk: 'ban-concurrent-index-creation-in-transaction',
    lockstep: ['concurrently-in-transaction'],
    scope: 'statement',
    note: "Every statement PostgreSQL refuses in a transaction block, judged by the runner's transaction model (--runner) rather than a single assume-in-transaction switch.",
  },
  { squawk: 'ban-create-domain-with-constraint', lockstep: ['ban-create-domain-with-constraint'], scope: 'statement', note: '' },
  {
    squawk: 'ban-drop-column',
    lockstep: ['ban-drop-column'],
    scope: 'statement',
    note: 'generated-rename adds the drop + add pattern.',
  },
  { squawk: 'ban-drop-database', lockstep: ['ban-drop-database'], scope: 'statement', note: '' },
  { squawk: 'ban-drop-not-null', lockstep: ['ban-drop-not-null'], scope: 'statement', note: '' },
  {
    squawk: 'ban-drop-table',
    lockstep: ['ban-drop-table'],
    scope: 'statement',
    note: 'With a database the message states the rows and size lost.',
  },
  { squawk: 'ban-duplicate-column-assignments', lockstep: ['ban-duplicate-column-assignments'], scope: 'statement', note: '' },
  {
    squawk: 'ban-truncate-cascade',
    lockstep: ['ban-truncate-cascade'],
    scope: 'statement',
    note: 'ban-truncate also reports TRUNCATE without CASCADE.',
  },
  { squawk: 'ban-uncommitted-transaction', lockstep: ['ban-uncommitted-transaction'], scope: 'statement', note: '' },
  {
    squawk: 'changing-column-type',
    lockstep: ['changing-column-type'],
    scope: 'statement',
    note: 'With the old type known (database or same migration): rewrite or catalog-only, values that fail or lose precision, missing USING.',
  },
  {
    squawk: 'constraint-missing-not-valid',
    lockstep: [
      'constraint-missing-not-valid',
      'adding-foreign-key-constraint',
      'adding-unique-constraint',
      'adding-primary-key-constraint',
      'adding-exclusion-constraint',
    ],
    scope: 'statement',
    note: 'squawk reports every constraint type under this name; lockstep has a rule per constraint type, with the safe form for each.',
  },
  { squawk: 'disallowed-unique-constraint', lockstep: ['adding-unique-constraint'], scope: 'statement', note: '' },
  { squawk: 'identifier-too-long', lockstep: ['identifier-too-long'], scope: 'statement', note: '' },
  {
    squawk: 'prefer-bigint-over-int',
    lockstep: ['prefer-bigint-over-int'],
    scope: 'statement',
    note: 'Style rule, off by default.',
  },
  {
    squawk: 'prefer-bigint-over-smallint',
    lockstep: ['prefer-bigint-over-smallint'],
    scope: 'statement',
    note: 'Style rule, off by default.',
  },
  { squawk: 'prefer-identity', lockstep: ['prefer-identity'], scope: 'statement', note: 'Style rule, off by default.' },
  {
    squawk: 'prefer-repack',
    lockstep: ['ban-vacuum-full', 'ban-cluster'],
    scope: 'statement',
    note: 'squawk only reports these for PostgreSQL 19+, where REPACK exists; lockstep reports them on every version (pg_repack exists before 19).',
  },
  {
    squawk: 'prefer-robust-stmts',
    lockstep: ['prefer-robust-stmts'],
    scope: 'statement',
    note: 'Only for runners that execute the file without a transaction; lockstep deploy resumes at the failed statement, so never with --runner lockstep.',
  },
  { squawk: 'prefer-text-field', lockstep: ['prefer-text-field'], scope: 'statement', note: 'Style rule, off by default.' },
  { squawk: 'prefer-timestamp-tz', lockstep: ['prefer-timestamptz'], scope: 'statement', note: 'Style rule, off by default.' },
  { squawk: 'renaming-column', lockstep: ['renaming-column'], scope: 'statement', note: '' },
  { squawk: 'renaming-table', lockstep: ['renaming-table'], scope: 'statement', note: '' },
  {
    squawk: 'require-concurrent-index-creation',
    lockstep: ['require-concurrent-index-creation'],
    scope: 'statement',
    note: 'Tables created earlier in the migration are exempt under every runner.',
  },
  { squawk: 'require-concurrent-index-deletion', lockstep: ['require-concurrent-index-deletion'], scope: 'statement', note: '' },
  {
    squawk: 'require-concurrent-partition-detach',
    lockstep: ['require-concurrent-partition-detach'],
    scope: 'statement',
    note: '',
  },
  { squawk: 'require-concurrent-reindex', lockstep: ['require-concurrent-reindex'], scope: 'statement', note: '' },
  {
    squawk: 'require-enum-value-ordering',
    lockstep: ['require-enum-value-ordering'],
    scope: 'statement',
    note: 'Style rule, off by default: ORMs append enum values.',
  },
  {
    squawk: 'require-lock-timeout',
    lockstep: ['require-lock-timeout'],
    scope: 'file',
    note: 'lockstep deploy sets lock_timeout itself, so with --runner lockstep it never fires. Reported at the first statement that blocks the application (info when none does).',
  },
  {
    squawk: 'require-statement-timeout',
    lockstep: ['require-statement-timeout'],
    scope: 'file',
    note: 'As require-lock-timeout.',
  },
  { squawk: 'require-table-schema', lockstep: ['require-table-schema'], scope: 'statement', note: 'Opt-in in both.' },
  {
    squawk: 'require-timeout-settings',
    lockstep: ['require-lock-timeout', 'require-statement-timeout'],
    scope: 'file',
    note: 'Deprecated squawk alias of the two rules above.',
  },
  {
    squawk: 'transaction-nesting',
    lockstep: ['transaction-nesting'],
    scope: 'statement',
    note: "BEGIN/COMMIT are errors only where the runner already holds a transaction across the file (Drizzle, TypeORM); a first COMMIT with no BEGIN is read as leaving the runner's transaction (Drizzle's convention before CONCURRENTLY).",
  },
  {
    squawk: 'unused-ignore',
    lockstep: ['unused-ignore'],
    scope: 'statement',
    note: 'Also reports suppressions that match no finding.',
  },
  {
    squawk: 'syntax-error',
    lockstep: ['syntax-error'],
    scope: 'statement',
    note: "PostgreSQL's own parser, with file:line:column.",
  },
];
