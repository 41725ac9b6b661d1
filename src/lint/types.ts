/** The public shapes of the linter: inputs, findings and the report. */

/** How serious a finding is. `error` fails `lockstep lint` (exit 1) and the deploy gate. */
export type Severity = 'error' | 'warning' | 'info';
/** A rule's configured severity; `off` disables it. */
export type SeveritySetting = Severity | 'off';

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];

/** What runs the migration files, which decides their transactions and timeouts. */
export type Runner = 'lockstep' | 'prisma' | 'drizzle' | 'typeorm' | 'psql';
export const RUNNERS: readonly Runner[] = ['lockstep', 'prisma', 'drizzle', 'typeorm', 'psql'];

export type RuleCategory =
  /** Loses data. */
  | 'destructive'
  /** Breaks the application version that is still running during a rolling deploy. */
  | 'breaking'
  /** Takes a lock that blocks reads or writes for as long as the statement runs. */
  | 'locking'
  /** Fails, or does something else than intended, because of the transaction it runs in. */
  | 'transaction'
  /** PostgreSQL rejects it, or silently changes it. */
  | 'correctness'
  /** A type or naming choice with long-term costs; off by default. */
  | 'style'
  /** About the linting itself: syntax, suppressions, empty files. */
  | 'meta';

/** A migration file to lint: where it is and its SQL text. */
export interface LintSource {
  /** Path as it should appear in findings (relative to the current directory, or `<stdin>`). */
  path: string;
  sql: string;
}

/** How big a table is, as the linter grades it. */
export type TableSize = 'new' | 'empty' | 'small' | 'medium' | 'large' | 'unknown';

/** What the database says about a table the migration touches. */
export interface TableFacts {
  /** The table as the migration names it, e.g. `"Order"` or `shop.orders`. */
  table: string;
  /** False when the table does not exist (yet) in the database. */
  exists: boolean;
  /** Estimated live rows (pg_class.reltuples, else pg_stat_user_tables.n_live_tup). */
  rows: number | undefined;
  /** pg_total_relation_size: heap, indexes and TOAST. */
  bytes: number | undefined;
  size: TableSize;
}

export interface LintFinding {
  rule: string;
  /** Severity after configuration and table-size grading. */
  severity: Severity;
  category: RuleCategory;
  /** What was found, specific to this statement. */
  message: string;
  /** Why it hurts in production, in one line. */
  why: string;
  /** The safe alternative, in one line. */
  fix: string;
  file: string;
  /** 1-based line and column (UTF-16 code units) of what was found. */
  line: number;
  column: number;
  /** The text of the line the finding points at (a very long line is cut). */
  lineText: string;
  /** The statement it is in: 0-based index in the file, its lines and its text (long text is cut). */
  statement: { index: number; line: number; column: number; endLine: number; endColumn: number; text: string } | undefined;
  /** The table it concerns, as the migration names it. */
  table: string | undefined;
  /** Row estimate, size in bytes and size grade, when a database was consulted or the table is new. */
  rows: number | undefined;
  bytes: number | undefined;
  tableSize: TableSize | undefined;
  suppressed: boolean;
  suppression: { reason: string; line: number; scope: 'statement' | 'file' } | undefined;
}

export interface LintFileSummary {
  path: string;
  statements: number;
  /** The tool that generated the SQL, recognised from its comments. */
  generator: 'prisma' | 'drizzle' | undefined;
  /** How the runner executes this file. */
  execution: 'transaction' | 'statements' | 'autocommit' | 'shared-transaction' | undefined;
}

export interface LintSummary {
  errors: number;
  warnings: number;
  infos: number;
  suppressed: number;
  files: number;
  statements: number;
}

export interface LintReport {
  runner: Runner;
  postgresVersion: number;
  /** The database consulted for table sizes, described without secrets; undefined when none. */
  database: string | undefined;
  files: LintFileSummary[];
  findings: LintFinding[];
  summary: LintSummary;
  /** True when an error-level finding is not suppressed: `lockstep lint` exits 1 and deploy refuses. */
  failed: boolean;
  /** Notes about how the lint ran, e.g. which migrations were selected and why. */
  notes: string[];
}
