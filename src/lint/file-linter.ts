/**
 * Lints one file: parses it statement by statement, keeps what the rules need to know about the
 * file so far (tables it created, the open transaction, the runner's execution), finds the
 * suppression comments between statements, and collects the rules' reports. Statements are
 * handed to the rules as they are parsed and not kept, so a file of any size fits in memory.
 */
import type { Node } from 'libpg-query';
import type { loadParser } from '../sql/postgres/parser.js';
import { displayName, kindOf, relationOf, tableColumns, type AstObject, type RelationName, type TypeReference } from './ast.js';
import { alteredTable } from './rule-helpers.js';
import { generatorOfGap, prismaWarnings } from './generators.js';
import { LintSyntaxError, loadLintParser, parseFile, type ParsedStatement } from './parse.js';
import type { FileInfo, LintStatement, Rule, RuleContext, RuleReport, RuleVisitor, ScanToken, StatementRef } from './rule.js';
import { isTransactional, RUNNER_MODELS, type Execution, type RunnerModel } from './runners.js';
import { SourceMap } from './source-map.js';
import { nonTransactionalReason, transactionControl } from './statement-facts.js';
import { mayContainDirective, parseDirective, type Suppression } from './suppressions.js';
import type { Runner } from './types.js';

/** A finding as a rule reported it, before severities, table sizes and suppressions are applied. */
export interface RawFinding extends RuleReport {
  rule: Rule;
  /** Byte offset in the file that the finding points at. */
  byte: number;
  /** The table was created earlier in the same migration. */
  newTable: boolean;
  /** The table is a live table renamed earlier in the run: its size is looked up under this, its name on the database. */
  liveTable?: RelationName | undefined;
}

export interface FileResult {
  path: string;
  map: SourceMap;
  info: FileInfo;
  statements: number;
  execution: Execution | undefined;
  findings: RawFinding[];
  /** Suppressions per statement index, and the file-level ones. */
  statementSuppressions: Map<number, Suppression[]>;
  fileSuppressions: Suppression[];
  /** Directives that apply to no statement (after the last one). */
  strayDirectives: Suppression[];
  /** Set when the file does not parse. */
  syntaxError: { message: string; byte: number } | undefined;
}

export interface RunShared {
  get<T>(key: string, init: () => T): T;
}

/** Which rules look at which statement kinds; built once per run. */
export interface RulePlan {
  rules: readonly Rule[];
  /** Rule indexes by statement kind. */
  byKind: Map<string, number[]>;
  /** Rules that look at every statement. */
  everyKind: number[];
}

export function planRules(rules: readonly Rule[]): RulePlan {
  const byKind = new Map<string, number[]>();
  const everyKind: number[] = [];
  rules.forEach((rule, index) => {
    if (!rule.kinds) {
      everyKind.push(index);
      return;
    }
    for (const kind of rule.kinds) {
      const list = byKind.get(kind) ?? [];
      list.push(index);
      byKind.set(kind, list);
    }
  });
  return { rules, byKind, everyKind };
}

/** Tables and columns that statements created: no running application version uses them yet. */
export interface NewSchema {
  /** Table names, with the schemas they were created in (undefined: unqualified). */
  tables: Map<string, Set<string | undefined>>;
  columnTypes: Map<string, TypeReference>;
  addedColumns: Set<string>;
  /** Live tables renamed by a statement (ALTER TABLE ... RENAME TO): the new name → the name the database knows it by. */
  renamed: Map<string, Array<{ schema: string | undefined; live: RelationName }>>;
}

export function newSchema(): NewSchema {
  return { tables: new Map(), columnTypes: new Map(), addedColumns: new Set(), renamed: new Map() };
}

export interface FileLintOptions {
  /**
   * What the files before this one create, when the files run in order in one deploy (the
   * pending migrations): shared and added to, so that each file sees what the earlier ones made.
   */
  earlier?: NewSchema;
  runner: Runner;
  postgresVersion: number;
  plan: RulePlan;
  /** Rules the engine reports itself (syntax errors, suppressions, empty files). */
  meta: { emptyMigration: Rule };
  shared: RunShared;
}

export async function lintFile(path: string, sql: string, options: FileLintOptions): Promise<FileResult> {
  const text = sql.charCodeAt(0) === 0xfeff ? sql.slice(1) : sql;
  const linter = new FileLinter(path, text, options);
  await linter.run();
  return linter.result();
}

class FileLinter implements RuleContext {
  readonly file: FileInfo;
  readonly runner: RunnerModel;
  readonly postgresVersion: number;
  inExplicitTransaction = false;
  outsideRunnerTransaction = false;
  runnerCommit: StatementRef | undefined;
  statementCount = 0;
  nonTransactional: { statement: StatementRef; reason: string } | undefined;

  private readonly map: SourceMap;
  private readonly findings: RawFinding[] = [];
  private readonly newTables: NewSchema['tables'];
  private readonly columnTypes: NewSchema['columnTypes'];
  private readonly addedColumns: NewSchema['addedColumns'];
  private readonly renamed: NewSchema['renamed'];
  private transactionControlSeen = false;
  /** Each rule's visitor for this file, created when the rule first has a statement to look at. */
  private readonly visitors: Array<RuleVisitor | undefined>;
  private current: Rule | undefined;
  private readonly statementSuppressions = new Map<number, Suppression[]>();
  private readonly fileSuppressions: Suppression[] = [];
  private readonly strayDirectives: Suppression[] = [];
  private syntaxError: { message: string; byte: number } | undefined;
  private prevEnd = 0;
  private prevEndLine = 0;
  private parser: Awaited<ReturnType<typeof loadParser>> | undefined;

  constructor(
    path: string,
    text: string,
    private readonly options: FileLintOptions,
  ) {
    this.map = new SourceMap(text);
    const schema = options.earlier ?? newSchema();
    this.newTables = schema.tables;
    this.columnTypes = schema.columnTypes;
    this.addedColumns = schema.addedColumns;
    this.renamed = schema.renamed;
    this.runner = RUNNER_MODELS[options.runner];
    this.postgresVersion = options.postgresVersion;
    this.file = { path, generator: undefined, prismaWarnings: [] };
    this.visitors = new Array<RuleVisitor | undefined>(options.plan.rules.length);
  }

  async run(): Promise<void> {
    if (this.map.text.trim() === '') {
      this.findings.push({
        rule: this.options.meta.emptyMigration,
        statement: { index: -1, start: 0, end: 0, base: 0, line: 1, column: 1, endLine: 1, endColumn: 1 },
        byte: 0,
        message: this.map.text === '' ? 'The file is empty.' : 'The file holds only whitespace.',
        newTable: false,
      });
      return;
    }
    this.parser = await loadLintParser();
    try {
      await parseFile(this.map, (statement) => this.onStatement(statement));
    } catch (error) {
      if (!(error instanceof LintSyntaxError)) throw error;
      this.syntaxError = { message: error.message, byte: error.byte };
      this.findings.length = 0;
      return;
    }
    this.onGap(this.prevEnd, this.map.byteLength, undefined);
    const rules = this.options.plan.rules;
    for (let i = 0; i < rules.length; i++) {
      const visitor = this.visitors[i];
      if (!visitor?.end) continue;
      this.current = rules[i];
      visitor.end();
    }
    this.current = undefined;
  }

  result(): FileResult {
    return {
      path: this.file.path,
      map: this.map,
      info: this.file,
      statements: this.statementCount,
      execution: this.statementCount > 0 && !this.syntaxError ? this.execution() : undefined,
      findings: this.findings,
      statementSuppressions: this.statementSuppressions,
      fileSuppressions: this.fileSuppressions,
      strayDirectives: this.strayDirectives,
      syntaxError: this.syntaxError,
    };
  }

  // ------------------------------------------------------------ statements

  private onStatement(parsed: ParsedStatement): void {
    this.onGap(this.prevEnd, parsed.start, this.statementCount);
    const [kind, body] = kindOf(parsed.node) ?? ['Unknown', {} as AstObject];
    const start = this.map.position(parsed.start);
    const end = this.map.position(parsed.end);
    const map = this.map;
    const statement: LintStatement = {
      index: this.statementCount,
      start: parsed.start,
      end: parsed.end,
      base: parsed.base,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      kind,
      body,
      node: parsed.node as Node,
      text: () => map.slice(parsed.start, parsed.end),
    };
    this.statementCount++;
    const control = transactionControl(kind, body);
    if (control) this.transactionControlSeen = true;
    const reason = nonTransactionalReason(kind, body, this.postgresVersion);
    if (reason && !this.nonTransactional) this.nonTransactional = { statement: toRef(statement), reason };
    if (control === 'begin') this.inExplicitTransaction = true;

    const plan = this.options.plan;
    this.dispatch(plan.byKind.get(kind), statement);
    this.dispatch(plan.everyKind, statement);
    this.current = undefined;

    if (control === 'commit' || control === 'rollback') {
      // A COMMIT with no BEGIN of the file's own open ends the transaction the runner opened (Drizzle's
      // `COMMIT;--> statement-breakpoint` convention): what follows runs outside it.
      if (!this.inExplicitTransaction && !this.outsideRunnerTransaction) {
        this.outsideRunnerTransaction = true;
        if (control === 'commit') this.runnerCommit = toRef(statement);
      }
      this.inExplicitTransaction = false;
    }
    this.remember(statement);
    this.prevEnd = parsed.end;
    this.prevEndLine = end.line;
  }

  private dispatch(indexes: number[] | undefined, statement: LintStatement): void {
    if (!indexes) return;
    const rules = this.options.plan.rules;
    for (const i of indexes) {
      const rule = rules[i]!;
      this.current = rule;
      let visitor = this.visitors[i];
      if (!visitor) {
        visitor = rule.create(this);
        this.visitors[i] = visitor;
      }
      visitor.statement?.(statement);
    }
  }

  /** Tables and columns this statement creates, for the statements after it. */
  private remember(statement: LintStatement): void {
    const { kind, body } = statement;
    if (kind === 'CreateStmt') {
      const table = relationOf(body.relation);
      if (!table) return;
      this.addNewTable(table);
      for (const column of tableColumns(body)) {
        if (column.name && column.type) this.columnTypes.set(columnKey(table, column.name), column.type);
      }
    } else if (kind === 'CreateTableAsStmt') {
      const into = (body.into as { IntoClause?: AstObject } | undefined)?.IntoClause ?? (body.into as AstObject | undefined);
      const table = relationOf(into?.rel);
      if (table) this.addNewTable(table);
    } else if (kind === 'RenameStmt' && body.renameType === 'OBJECT_TABLE') {
      const from = relationOf(body.relation);
      if (from && typeof body.newname === 'string') this.renameTable(from, body.newname);
    } else if (kind === 'AlterTableStmt') {
      const altered = alteredTable(statement);
      if (!altered) return;
      const table = altered.table;
      for (const cmd of altered.cmds) {
        if (cmd.subtype !== 'AT_AddColumn' && cmd.subtype !== 'AT_AlterColumnType') continue;
        const column = cmd.column;
        const name = column?.name ?? cmd.name;
        if (cmd.subtype === 'AT_AddColumn' && name) this.addedColumns.add(columnKey(table, name));
        if (name && column?.type) this.columnTypes.set(columnKey(table, name), column.type);
      }
    }
  }

  /**
   * ALTER TABLE ... RENAME TO: a table created earlier in the run stays new under its new name,
   * with the columns it was given; a live table is still the live table, under another name.
   */
  private renameTable(from: RelationName, newName: string): void {
    const to: RelationName = {
      schema: from.schema,
      name: newName,
      display: displayName(from.schema, newName),
      location: undefined,
    };
    if (this.isNewTable(from)) this.addNewTable(to);
    else {
      const list = this.renamed.get(to.name) ?? [];
      list.push({ schema: to.schema, live: this.liveTableOf(from) ?? from });
      this.renamed.set(to.name, list);
    }
    const prefix = columnKey(from, '');
    for (const [key, type] of [...this.columnTypes])
      if (key.startsWith(prefix)) this.columnTypes.set(columnKey(to, key.slice(prefix.length)), type);
    for (const key of [...this.addedColumns])
      if (key.startsWith(prefix)) this.addedColumns.add(columnKey(to, key.slice(prefix.length)));
  }

  /** For a live table renamed earlier in the run: the name the database knows it by. */
  private liveTableOf(table: RelationName): RelationName | undefined {
    const entries = this.renamed.get(table.name);
    return entries?.findLast((e) => table.schema === undefined || e.schema === undefined || e.schema === table.schema)?.live;
  }

  private addNewTable(table: RelationName): void {
    const schemas = this.newTables.get(table.name) ?? new Set<string | undefined>();
    schemas.add(table.schema);
    this.newTables.set(table.name, schemas);
  }

  // ------------------------------------------------------------ comments between statements

  private onGap(from: number, to: number, nextIndex: number | undefined): void {
    if (to <= from) return;
    const gap = this.map.slice(from, to);
    if (this.file.generator === undefined) this.file.generator = generatorOfGap(gap);
    if (from === 0 && gap.includes('Warnings:')) this.readPrismaWarnings(gap);
    if (mayContainDirective(gap)) this.readDirectives(gap, from, nextIndex);
  }

  private comments(gap: string, from: number): Array<{ text: string; byte: number }> {
    const bytes = Buffer.from(gap, 'utf8');
    return this.parser!.scanSync(gap)
      .tokens.filter((token) => token.tokenName === 'SQL_COMMENT' || token.tokenName === 'C_COMMENT')
      .map((token) => ({ text: bytes.toString('utf8', token.start, token.end), byte: from + token.start }));
  }

  private readPrismaWarnings(gap: string): void {
    for (const comment of this.comments(gap, 0)) {
      const warnings = prismaWarnings(comment.text);
      if (warnings) this.file.prismaWarnings.push(...warnings);
    }
  }

  private readDirectives(gap: string, from: number, nextIndex: number | undefined): void {
    for (const comment of this.comments(gap, from)) {
      const directive = parseDirective(comment.text, comment.byte);
      if (!directive) continue;
      if (directive.scope === 'file') {
        this.fileSuppressions.push(directive);
        continue;
      }
      // A comment on the line where the previous statement ends belongs to that statement.
      const sameLineAsPrevious = this.statementCount > 0 && this.map.position(comment.byte).line === this.prevEndLine;
      const target = sameLineAsPrevious ? this.statementCount - 1 : nextIndex;
      if (target === undefined) {
        this.strayDirectives.push(directive);
        continue;
      }
      const list = this.statementSuppressions.get(target) ?? [];
      list.push(directive);
      this.statementSuppressions.set(target, list);
    }
  }

  // ------------------------------------------------------------ RuleContext

  isNewTable(table: RelationName): boolean {
    const schemas = this.newTables.get(table.name);
    if (!schemas) return false;
    return table.schema === undefined || schemas.has(undefined) || schemas.has(table.schema);
  }

  runnerTransaction(): boolean {
    if (isTransactional(this.execution())) return true;
    const commit = this.runnerCommit;
    if (!commit || this.runner.id === 'psql') return false;
    // lockstep deploy opens that transaction only when nothing before the COMMIT refuses to run in one.
    return (
      this.runner.id !== 'lockstep' || this.nonTransactional === undefined || this.nonTransactional.statement.index > commit.index
    );
  }

  execution(): Execution {
    return this.runner.execution({
      statements: this.statementCount,
      nonTransactional: this.nonTransactional !== undefined,
      transactionControl: this.transactionControlSeen,
    });
  }

  isNewColumn(table: RelationName, column: string): boolean {
    return this.isNewTable(table) || this.addedColumns.has(columnKey(table, column));
  }

  knownColumnType(table: RelationName, column: string): TypeReference | undefined {
    return this.columnTypes.get(columnKey(table, column));
  }

  tokens(statement: LintStatement): ScanToken[] {
    return this.parser!.scanSync(statement.text()).tokens.map((token) => ({
      start: statement.start + token.start,
      end: statement.start + token.end,
      text: token.text,
      name: token.tokenName,
      keyword: token.keywordKind ? token.text.toUpperCase() : undefined,
    }));
  }

  report(report: RuleReport): void {
    const rule = this.current;
    if (!rule) throw new Error('report() called outside a rule');
    const byte = report.at !== undefined && report.at >= 0 ? report.statement.base + report.at : report.statement.start;
    const finding = report as RawFinding;
    finding.rule = rule;
    finding.byte = byte;
    finding.newTable = report.table ? this.isNewTable(report.table) : false;
    if (report.table && !finding.newTable) finding.liveTable = this.liveTableOf(report.table);
    this.findings.push(finding);
  }

  shared<T>(key: string, init: () => T): T {
    return this.options.shared.get(key, init);
  }
}

function columnKey(table: RelationName, column: string): string {
  return `${table.name}\u0000${column}`;
}

function toRef(statement: StatementRef): StatementRef {
  const { index, start, end, base, line, column, endLine, endColumn } = statement;
  return { index, start, end, base, line, column, endLine, endColumn };
}
