/** Small things several rules need. */
import {
  alterCommands,
  altersTable,
  relationOf,
  type AlterCommand,
  type ColumnDefinition,
  type ConstraintInfo,
  type ConstraintType,
  type RelationName,
} from './ast.js';
import { prismaWarningAbout } from './generators.js';
import type { LintStatement, RuleContext, ScanToken } from './rule.js';

const altered = new WeakMap<object, { table: RelationName; cmds: AlterCommand[] } | undefined>();

/** For `ALTER TABLE t ...` on a table: the table and its commands (read once per statement). */
export function alteredTable(statement: LintStatement): { table: RelationName; cmds: AlterCommand[] } | undefined {
  if (statement.kind !== 'AlterTableStmt') return undefined;
  if (altered.has(statement.body)) return altered.get(statement.body);
  const table = altersTable(statement.body) ? relationOf(statement.body.relation) : undefined;
  const result = table ? { table, cmds: alterCommands(statement.body) } : undefined;
  altered.set(statement.body, result);
  return result;
}

/** Appends what Prisma itself warned about this table (and column) when it generated the migration. */
export function withPrismaWarning(context: RuleContext, message: string, table: RelationName, column?: string): string {
  const warning = prismaWarningAbout(context.file.prismaWarnings, table.name, column);
  return warning ? `${message} Prisma warned when it generated this migration: "${warning}"` : message;
}

/** The commands of one kind (`AT_AddColumn`, `AT_DropColumn`, ...) that an ALTER TABLE runs on a table this migration did not create. */
export function commandsOnExistingTable(
  statement: LintStatement,
  context: RuleContext,
  subtype: string,
): Array<{ table: RelationName; cmd: AlterCommand }> {
  const altered = alteredTable(statement);
  if (!altered || context.isNewTable(altered.table)) return [];
  return altered.cmds.filter((cmd) => cmd.subtype === subtype).map((cmd) => ({ table: altered.table, cmd }));
}

/** A constraint that `ALTER TABLE` adds to a table this migration did not create. */
export interface AddedConstraint {
  table: RelationName;
  constraint: ConstraintInfo;
  /** Set when the constraint comes with `ADD COLUMN ... <constraint>`; unset for `ADD CONSTRAINT`. */
  column: ColumnDefinition | undefined;
}

/** The constraints of one type that an `ALTER TABLE` adds to an existing table, by ADD CONSTRAINT or ADD COLUMN. */
export function constraintsAddedToExistingTable(
  statement: LintStatement,
  context: RuleContext,
  type: ConstraintType,
): AddedConstraint[] {
  const altered = alteredTable(statement);
  if (!altered || context.isNewTable(altered.table)) return [];
  const added: AddedConstraint[] = [];
  for (const cmd of altered.cmds) {
    if (cmd.subtype === 'AT_AddConstraint' && cmd.constraint?.type === type) {
      added.push({ table: altered.table, constraint: cmd.constraint, column: undefined });
    } else if (cmd.subtype === 'AT_AddColumn' && cmd.column) {
      const constraint = cmd.column.constraints.find((c) => c.type === type);
      if (constraint) added.push({ table: altered.table, constraint, column: cmd.column });
    }
  }
  return added;
}

const commandStarts = new WeakMap<object, Array<number | undefined>>();

/**
 * Where one command of a multi-command `ALTER TABLE t ADD COLUMN a int, DROP COLUMN b` starts, as
 * a `location` (relative to the statement's base): the parse tree gives no position for commands
 * such as DROP COLUMN, so the statement's tokens are split at its top-level commas. Undefined when
 * the split does not line up with the parsed commands (the finding then points at the statement).
 */
export function alterCommandAt(statement: LintStatement, context: RuleContext, cmd: AlterCommand): number | undefined {
  const altered = alteredTable(statement);
  // A statement of one command is pointed at as a whole.
  if (!altered || altered.cmds.length < 2) return undefined;
  let starts = commandStarts.get(statement.body);
  if (!starts) {
    starts = splitAlterCommands(
      context.tokens(statement).filter((t) => t.name !== 'SQL_COMMENT' && t.name !== 'C_COMMENT'),
      altered.cmds.length,
    ).map((byte) => (byte === undefined ? undefined : byte - statement.base));
    commandStarts.set(statement.body, starts);
  }
  return starts[altered.cmds.indexOf(cmd)];
}

function splitAlterCommands(tokens: ScanToken[], expected: number): Array<number | undefined> {
  const word = (i: number) => tokens[i]?.text.toUpperCase();
  let i = 0;
  if (word(i) !== 'ALTER') return [];
  i++;
  if (word(i) === 'FOREIGN') i++;
  if (word(i) !== 'TABLE') return [];
  i++;
  if (word(i) === 'IF' && word(i + 1) === 'EXISTS') i += 2;
  if (word(i) === 'ONLY') i++;
  i++; // the table's name
  while (word(i) === '.') i += 2;
  if (word(i) === '*') i++;
  const starts: Array<number | undefined> = [];
  let depth = 0;
  let clause = true;
  for (; i < tokens.length; i++) {
    const text = tokens[i]!.text;
    if (clause) {
      starts.push(tokens[i]!.start);
      clause = false;
    }
    if (text === '(') depth++;
    else if (text === ')') depth--;
    else if (text === ',' && depth === 0) clause = true;
  }
  return starts.length === expected ? starts : [];
}
