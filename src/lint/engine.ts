/**
 * `lintSql`: lints migration files given as text. Each file is parsed with PostgreSQL's parser
 * and run through the enabled rules; then, with a database, the tables the findings name are
 * looked up once, severities follow their sizes, and suppressions written in the SQL are applied.
 * The deploy gate and `lockstep lint` both call this. Everything in the report is already
 * redacted (src/util/redact.ts): outputs pass it on as it is.
 */
import { EMPTY_LINT_CONFIG, DEFAULT_PG_VERSION, type LintConfig } from './config.js';
import { ExitCode, LockstepError } from '../errors.js';
import { redact } from '../util/redact.js';
import { lintFile, newSchema, planRules, type FileResult, type RawFinding, type RunShared } from './file-linter.js';
import { LintTooLargeError } from './parse.js';
import type { RelationName } from './ast.js';
import { allRules, findRule, closestRule, META_RULE_IDS } from './registry.js';
import type { Rule } from './rule.js';
import { gradeTable, tableKey, type TableStats, type TableStatsProvider } from './table-stats.js';
import {
  SEVERITIES,
  type LintFileSummary,
  type LintFinding,
  type LintReport,
  type Runner,
  type Severity,
  type SeveritySetting,
  type TableSize,
} from './types.js';
import type { Suppression } from './suppressions.js';

/** What `lintSql()` takes besides the files. */
export interface LintSqlOptions {
  /**
   * What will run the files.
   * @defaultValue `config.runner`, else `"lockstep"`
   */
  runner?: Runner;
  /**
   * PostgreSQL major version the files target, e.g. `16`.
   * @defaultValue `config.postgresVersion`, else `14`
   */
  postgresVersion?: number;
  /**
   * Table sizes for data-aware severities.
   * @defaultValue none: every rule keeps its configured severity
   */
  stats?: TableStatsProvider;
  /**
   * The database `stats` reads, described without secrets, for the report.
   * @defaultValue none
   */
  database?: string;
  /**
   * Rule severities and thresholds (the `lint` section of lockstep.config.json).
   * @defaultValue every rule at its default severity, the default size thresholds
   */
  config?: LintConfig;
  /**
   * Notes to carry into the report.
   * @defaultValue none
   */
  notes?: string[];
  /**
   * The files are migrations that run in this order in one deploy (the pending ones): a table or
   * column an earlier file creates is new for the later ones, since no running version of the
   * application can use it yet. Without it, each file is linted on its own.
   * @defaultValue `false`
   */
  sequence?: boolean;
  /**
   * SQL files of the project's migrations folder that its ORM never runs (a Drizzle file the journal does not list): one `unlisted-migration` finding each.
   * @defaultValue none
   */
  unlisted?: Array<{ path: string; sql: string; message: string }>;
}

/** The longest statement text a finding carries; longer ones are cut. */
const STATEMENT_TEXT_LIMIT = 2000;

export async function lintSql(files: Array<{ path: string; sql: string }>, options: LintSqlOptions = {}): Promise<LintReport> {
  const config = options.config ?? EMPTY_LINT_CONFIG;
  const runner = options.runner ?? config.runner ?? 'lockstep';
  const postgresVersion = options.postgresVersion ?? config.postgresVersion ?? DEFAULT_PG_VERSION;
  const severityOf = (rule: Rule): SeveritySetting => config.rules[rule.meta.id] ?? rule.meta.severity;
  const enabled = allRules().filter((rule) => !META_RULE_IDS.has(rule.meta.id) && severityOf(rule) !== 'off');
  const sharedState = new Map<string, unknown>();
  const shared: RunShared = {
    get<T>(key: string, init: () => T): T {
      if (!sharedState.has(key)) sharedState.set(key, init());
      return sharedState.get(key) as T;
    },
  };

  const plan = planRules(enabled);
  const earlier = options.sequence ? newSchema() : undefined;
  const results: FileResult[] = [];
  for (const file of files) {
    try {
      results.push(
        await lintFile(file.path, file.sql, {
          runner,
          postgresVersion,
          plan,
          meta: { emptyMigration: meta('empty-migration') },
          shared,
          ...(earlier ? { earlier } : {}),
        }),
      );
    } catch (error) {
      if (error instanceof LintTooLargeError) throw tooLarge(file, error);
      throw error;
    }
  }

  const stats = options.stats ? await lookUpTables(options.stats, results) : undefined;
  const findings: LintFinding[] = [];
  for (const result of results) findings.push(...finishFile(result, { severityOf, stats, thresholds: config.thresholds }));
  const unlisted = meta('unlisted-migration');
  const unlistedSeverity = severityOf(unlisted);
  if (unlistedSeverity !== 'off')
    for (const file of options.unlisted ?? []) findings.push(unlistedFinding(file, unlisted, unlistedSeverity));

  const count = (severity: Severity) => findings.filter((f) => !f.suppressed && f.severity === severity).length;
  const summary = {
    errors: count('error'),
    warnings: count('warning'),
    infos: count('info'),
    suppressed: findings.filter((f) => f.suppressed).length,
    files: results.length,
    statements: results.reduce((n, r) => n + r.statements, 0),
  };
  const fileSummaries: LintFileSummary[] = results.map((r) => ({
    path: redact(r.path),
    statements: r.statements,
    generator: r.info.generator,
    execution: r.execution,
  }));
  return {
    runner,
    postgresVersion,
    database: options.database === undefined ? undefined : redact(options.database),
    files: fileSummaries,
    findings,
    summary,
    failed: summary.errors > 0,
    notes: (options.notes ?? []).map(redact),
  };
}

function unlistedFinding(file: { path: string; sql: string; message: string }, rule: Rule, severity: Severity): LintFinding {
  const first = file.sql.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  return {
    rule: rule.meta.id,
    severity,
    category: rule.meta.category,
    message: redact(file.message),
    why: rule.meta.why,
    fix: rule.meta.fix,
    file: redact(file.path),
    line: 1,
    column: 1,
    lineText: redact(first.length > 200 ? `${first.slice(0, 200)}…` : first),
    statement: undefined,
    table: undefined,
    rows: undefined,
    bytes: undefined,
    tableSize: undefined,
    suppressed: false,
    suppression: undefined,
  };
}

function tooLarge(file: { path: string; sql: string }, error: LintTooLargeError): LockstepError {
  const line = file.sql
    .slice(0, Buffer.from(file.sql, 'utf8').subarray(0, error.byte).toString('utf8').length)
    .split('\n').length;
  const mb = (error.bytes / 1024 / 1024).toFixed(1);
  return new LockstepError({
    code: 'LS_LINT_TOO_LARGE',
    message: `${file.path}: the statement that starts at line ${line} is too large for PostgreSQL's parser to handle in one piece (${mb} MB without a statement boundary): ${error.message}.`,
    state: 'Unchanged: lint reads files only.',
    recovery: [
      `Split the statement (for example, a huge INSERT into several of a few MB each), or load such data with COPY outside the migration, then run \`lockstep lint\` again.`,
    ],
    exitCode: ExitCode.Usage,
  });
}

function meta(id: string): Rule {
  const rule = findRule(id);
  if (!rule) throw new Error(`rule ${id} is not registered`);
  return rule;
}

/** One query for every table that a finding names and that the migration did not create itself. */
async function lookUpTables(provider: TableStatsProvider, results: FileResult[]): Promise<Map<string, TableStats>> {
  const tables = new Map<string, RelationName>();
  for (const result of results) {
    for (const finding of result.findings) {
      const table = finding.liveTable ?? finding.table;
      if (table && !finding.newTable) tables.set(tableKey(table), table);
    }
  }
  if (tables.size === 0) return new Map();
  return provider.tableStats([...tables.values()]);
}

interface FinishContext {
  severityOf: (rule: Rule) => SeveritySetting;
  stats: Map<string, TableStats> | undefined;
  thresholds: LintConfig['thresholds'];
}

function finishFile(result: FileResult, ctx: FinishContext): LintFinding[] {
  return redactFindings(result, findingsOfFile(result, ctx));
}

/**
 * Findings quote the SQL (messages, lines, statements), and SQL can hold a URL with a password or
 * a secret lockstep knows: those are redacted here, once, so that every output and the API can
 * pass findings on as they are. One pass over the file decides whether anything needs it.
 */
function redactFindings(result: FileResult, findings: LintFinding[]): LintFinding[] {
  const text = result.map.text;
  if (redact(text) === text && redact(result.path) === result.path) return findings;
  return findings.map((f) => ({
    ...f,
    file: redact(f.file),
    message: redact(f.message),
    lineText: redact(f.lineText),
    table: f.table === undefined ? undefined : redact(f.table),
    statement: f.statement ? { ...f.statement, text: redact(f.statement.text) } : undefined,
    suppression: f.suppression ? { ...f.suppression, reason: redact(f.suppression.reason) } : undefined,
  }));
}

function findingsOfFile(result: FileResult, ctx: FinishContext): LintFinding[] {
  const out: LintFinding[] = [];
  const map = result.map;
  const position = (byte: number) => map.position(byte);

  if (result.syntaxError) {
    const at = position(result.syntaxError.byte);
    return [
      fileLevelFinding(result, 'syntax-error', 'error', `PostgreSQL cannot parse this: ${result.syntaxError.message}.`, at),
    ];
  }

  const texts = new TextCache(result);
  for (const raw of result.findings) {
    const finding = finishFinding(raw, result, ctx, texts);
    if (finding) out.push(finding);
  }

  // Suppressions: a reason is required; unknown rule names and suppressions that match nothing are reported.
  const all = [...result.fileSuppressions, ...[...result.statementSuppressions.values()].flat()];
  for (const finding of out) {
    const candidates = [
      ...(finding.statement ? (result.statementSuppressions.get(finding.statement.index) ?? []) : []),
      ...result.fileSuppressions,
    ];
    const match = candidates.find((s) => s.reason !== undefined && s.rules.includes(finding.rule));
    if (match) {
      match.used.add(finding.rule);
      finding.suppressed = true;
      finding.suppression = { reason: match.reason!, line: position(match.byte).line, scope: match.scope };
    }
  }
  for (const suppression of all) out.push(...directiveFindings(suppression, result, ctx, false));
  for (const suppression of result.strayDirectives) out.push(...directiveFindings(suppression, result, ctx, true));

  return out.sort((a, b) => a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/** Statement texts and line texts, read once per file however many findings quote them. */
class TextCache {
  private readonly statements = new Map<number, string>();
  private readonly lines = new Map<number, string>();
  constructor(private readonly result: FileResult) {}
  statement(ref: RawFinding['statement']): string {
    let text = this.statements.get(ref.index);
    if (text === undefined) {
      text = cut(this.result.map.slice(ref.start, ref.end));
      this.statements.set(ref.index, text);
    }
    return text;
  }
  line(line: number): string {
    let text = this.lines.get(line);
    if (text === undefined) {
      text = lineText(this.result, line);
      this.lines.set(line, text);
    }
    return text;
  }
}

function finishFinding(raw: RawFinding, result: FileResult, ctx: FinishContext, texts: TextCache): LintFinding | undefined {
  const configured = ctx.severityOf(raw.rule);
  if (configured === 'off') return undefined;
  let message = raw.message;
  let level = SEVERITIES.indexOf(configured) + (raw.shift ?? 0);
  let rows: number | undefined;
  let bytes: number | undefined;
  let tableSize: TableSize | undefined;
  let sizeGraded = raw.sizeGraded ?? raw.rule.meta.sizeGraded;
  if (raw.table && raw.newTable) {
    tableSize = 'new';
    rows = 0;
  } else if (raw.table && ctx.stats) {
    // A table renamed earlier in the run is looked up by the name the database knows it by.
    const facts = ctx.stats.get(tableKey(raw.liveTable ?? raw.table));
    if (facts) {
      tableSize = gradeTable(facts, ctx.thresholds);
      rows = facts.rows;
      bytes = facts.bytes;
      if (raw.refine) {
        const refined = raw.refine({
          table: { table: raw.table.display, exists: facts.exists, rows, bytes, size: tableSize, columns: facts.columns },
        });
        if (refined === 'drop') return undefined;
        if (refined?.message) message = refined.message;
        if (refined?.shift) level += refined.shift;
        if (refined?.sizeGraded !== undefined) sizeGraded = refined.sizeGraded;
      }
    }
  }
  if (sizeGraded && tableSize) {
    if (tableSize === 'new' || tableSize === 'empty') level = 0;
    else if (tableSize === 'small') level -= 1;
    else if (tableSize === 'large') level += 1;
  } else if (tableSize === 'empty' && raw.rule.meta.category === 'destructive' && level > 1) {
    // Nothing is lost on a table without rows; what remains is the running version's use of it.
    level = 1;
    message = `${message} ${raw.table!.display} is empty on the database, so no data is lost (a warning, not an error); the app version still running may still use what is dropped.`;
  }
  const severity = SEVERITIES[Math.max(0, Math.min(2, level))]!;
  const at = result.map.position(raw.byte);
  const statement =
    raw.statement.index >= 0
      ? {
          index: raw.statement.index,
          line: raw.statement.line,
          column: raw.statement.column,
          endLine: raw.statement.endLine,
          endColumn: raw.statement.endColumn,
          text: texts.statement(raw.statement),
        }
      : undefined;
  return {
    rule: raw.rule.meta.id,
    severity,
    category: raw.rule.meta.category,
    message,
    why: raw.why ?? raw.rule.meta.why,
    fix: raw.fix ?? raw.rule.meta.fix,
    file: result.path,
    line: at.line,
    column: at.column,
    lineText: texts.line(at.line),
    statement,
    table: raw.table?.display,
    rows,
    bytes,
    tableSize,
    suppressed: false,
    suppression: undefined,
  };
}

/** A finding about the file or a comment in it rather than about a statement. */
function fileLevelFinding(
  result: FileResult,
  id: string,
  severity: LintFinding['severity'],
  message: string,
  at: { line: number; column: number },
): LintFinding {
  const rule = meta(id);
  return {
    rule: id,
    severity,
    category: rule.meta.category,
    message,
    why: rule.meta.why,
    fix: rule.meta.fix,
    file: result.path,
    line: at.line,
    column: at.column,
    lineText: lineText(result, at.line),
    statement: undefined,
    table: undefined,
    rows: undefined,
    bytes: undefined,
    tableSize: undefined,
    suppressed: false,
    suppression: undefined,
  };
}

function directiveFindings(suppression: Suppression, result: FileResult, ctx: FinishContext, stray: boolean): LintFinding[] {
  const out: LintFinding[] = [];
  const at = result.map.position(suppression.byte);
  const make = (id: string, message: string): LintFinding | undefined => {
    const rule = meta(id);
    const configured = ctx.severityOf(rule);
    if (configured === 'off') return undefined;
    return fileLevelFinding(result, id, configured, message, at);
  };
  const directive = suppression.scope === 'file' ? 'lockstep-ignore-file' : 'lockstep-ignore';
  const push = (finding: LintFinding | undefined) => finding && out.push(finding);
  if (suppression.rules.length === 0) {
    push(
      make('unused-ignore', `\`${directive}\` names no rule, so it suppresses nothing. Write \`-- ${directive} RULE: reason\`.`),
    );
    return out;
  }
  const unknown = suppression.rules.filter((name) => !findRule(name));
  for (const name of unknown) {
    const near = closestRule(name);
    push(
      make(
        'unused-ignore',
        `\`${directive}\` names the unknown rule "${name}"${near ? ` (did you mean "${near}"?)` : ''}; \`lockstep lint --list-rules\` lists the rules.`,
      ),
    );
  }
  const known = suppression.rules.filter((name) => findRule(name));
  if (suppression.reason === undefined) {
    if (known.length > 0) {
      push(
        make(
          'suppression-missing-reason',
          `\`${directive} ${known.join(', ')}\` has no reason, so it is not applied. Write why it is safe after a colon: \`-- ${directive} ${known.join(', ')}: <reason>\`.`,
        ),
      );
    }
    return out;
  }
  if (stray) {
    push(make('unused-ignore', `\`${directive} ${known.join(', ')}\` comes after the last statement, so it applies to none.`));
    return out;
  }
  const unused = known.filter((name) => !suppression.used.has(name) && ctx.severityOf(findRule(name)!) !== 'off');
  if (unused.length > 0) {
    const where = suppression.scope === 'file' ? 'in this file' : 'on the statement it precedes';
    push(
      make(
        'unused-ignore',
        `\`${directive} ${unused.join(', ')}\` suppresses nothing: no ${unused.join(' or ')} finding ${where}. Remove it, or move it next to the statement it is meant for.`,
      ),
    );
  }
  return out;
}

const LINE_TEXT_LIMIT = 1000;

function lineText(result: FileResult, line: number): string {
  const text = result.map.lineText(line);
  return text.length <= LINE_TEXT_LIMIT ? text : `${text.slice(0, LINE_TEXT_LIMIT)}…`;
}

function cut(text: string): string {
  return text.length <= STATEMENT_TEXT_LIMIT ? text : `${text.slice(0, STATEMENT_TEXT_LIMIT)}…`;
}
