import type { Node } from 'libpg-query';
import type { AstObject, RelationName, TypeReference } from './ast.js';
import type { Execution, RunnerModel } from './runners.js';
import type { Runner, RuleCategory, SeveritySetting, TableFacts } from './types.js';

/** What a rule is, for `--explain`, `--list-rules`, SARIF and docs/lint.md. */
export interface RuleMeta {
  id: string;
  /** Default severity; `off` means opt-in. */
  severity: SeveritySetting;
  category: RuleCategory;
  /** What it flags, in a few words (the rule table). */
  summary: string;
  /** Why it hurts in production, in one line (printed with each finding). */
  why: string;
  /** The safe alternative, in one line (printed with each finding). */
  fix: string;
  /**
   * A lock hazard: with a database, the severity follows the table's size (a lock on an empty
   * table is not an outage). See docs/lint.md, "Data awareness".
   */
  sizeGraded: boolean;
  /** The same check in other tools. */
  equivalents: { squawk?: string[]; strongMigrations?: string[]; atlas?: string[] };
  doc: RuleDoc;
}

export interface RuleDoc {
  /** What the rule flags, precisely. */
  what: string;
  /** Why it hurts in production. */
  why: string;
  /** The safe alternative, in prose. */
  fix: string;
  /** A migration the rule flags. */
  bad: string;
  /** The safe version of it, which the rule accepts. */
  good: string;
  /** How the examples are linted, when not with the defaults. */
  options?: { runner?: Runner; postgresVersion?: number };
}

/** A statement as rules see it. */
export interface StatementRef {
  /** 0-based index in the file. */
  index: number;
  /** Byte offsets in the file: where the statement starts and ends (before its semicolon). */
  start: number;
  end: number;
  /** Byte offset that `location` fields in the statement's nodes count from. */
  base: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface LintStatement extends StatementRef {
  /** Parse node kind, e.g. `AlterTableStmt`. */
  kind: string;
  body: AstObject;
  node: Node;
  /** The statement's SQL, as written. */
  text(): string;
}

/** The database's facts about a finding's table, for `refine`. */
export interface RefineFacts {
  table: (TableFacts & { columns: Record<string, string> | undefined }) | undefined;
}

export interface RuleReport {
  statement: StatementRef;
  /** A `location` from the statement's parse tree: the finding points there instead of at the statement. */
  at?: number | undefined;
  message: string;
  /** The table the finding concerns. */
  table?: RelationName | undefined;
  /** Raise (+1) or lower (-1) the severity for this finding, e.g. for a milder variant. */
  shift?: number;
  /** Override the rule's `sizeGraded` for this finding. */
  sizeGraded?: boolean;
  /** One-line why/fix specific to this finding (default: the rule's). */
  why?: string;
  fix?: string;
  /**
   * Called once a database's facts about `table` are known (only with a database). Returns a new
   * message and/or shift, `drop` to withdraw the finding, or undefined to keep it as it is.
   */
  refine?: (facts: RefineFacts) => { message?: string; shift?: number; sizeGraded?: boolean } | 'drop' | undefined;
}

export interface FileInfo {
  path: string;
  generator: 'prisma' | 'drizzle' | undefined;
  /** The bullet points of Prisma's `/* Warnings: *\/` header, when the file has one. */
  prismaWarnings: string[];
}

export interface RuleContext {
  readonly file: FileInfo;
  readonly runner: RunnerModel;
  readonly postgresVersion: number;
  /** Created earlier in this migration (or by the current statement, or by an earlier pending migration of the same deploy), so known to be empty and unused. */
  isNewTable(table: RelationName): boolean;
  /** An explicit BEGIN is open at the current statement. */
  readonly inExplicitTransaction: boolean;
  /**
   * A COMMIT (or ROLLBACK) with no BEGIN of the file's own open came before the current statement:
   * it ended the transaction the runner runs the file in, so from there on statements run outside
   * it (Drizzle's `COMMIT;--> statement-breakpoint` convention before CREATE INDEX CONCURRENTLY).
   */
  readonly outsideRunnerTransaction: boolean;
  /** That COMMIT, once seen. */
  readonly runnerCommit: StatementRef | undefined;
  /**
   * The statements before `runnerCommit` (all of them, without one) share a transaction the runner
   * opened: the runner wraps the file (or all pending files), or the file's own COMMIT ends the
   * transaction that lockstep and Prisma run the start of such a file in. Final only in `end()`.
   */
  runnerTransaction(): boolean;
  /** How the runner executes this file. Final only in `end()`: it depends on statements further down. */
  execution(): Execution;
  /** Statements in the file so far (all of them in `end()`). */
  readonly statementCount: number;
  /** The first statement of the file that PostgreSQL refuses inside a transaction block, so far. */
  readonly nonTransactional: { statement: StatementRef; reason: string } | undefined;
  /** The column was added earlier in this migration (ADD COLUMN, or CREATE TABLE of a new table), so it holds no data yet. */
  isNewColumn(table: RelationName, column: string): boolean;
  /** A column's type when the migration itself created or changed it earlier (CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE). */
  knownColumnType(table: RelationName, column: string): TypeReference | undefined;
  /** The statement's tokens from PostgreSQL's scanner, with byte offsets in the file. */
  tokens(statement: LintStatement): ScanToken[];
  report(report: RuleReport): void;
  /** State shared by all files of one lint run (e.g. one transaction spanning several migrations). */
  shared<T>(key: string, init: () => T): T;
}

export interface ScanToken {
  start: number;
  end: number;
  text: string;
  /** The scanner's token name, e.g. `IDENT`, `SCONST`, `SQL_COMMENT`; keywords are `UNKNOWN` with a `keyword`. */
  name: string;
  keyword: string | undefined;
}

export interface RuleVisitor {
  statement?(statement: LintStatement): void;
  end?(): void;
}

export interface Rule {
  meta: RuleMeta;
  /** The statement kinds the rule looks at (e.g. `AlterTableStmt`); every kind when absent. */
  kinds?: readonly string[];
  /**
   * Called once per file, when the file's first statement of one of `kinds` arrives (a rule with
   * nothing to look at in a file costs nothing there); the visitor keeps the rule's state for that file.
   */
  create(context: RuleContext): RuleVisitor;
}
