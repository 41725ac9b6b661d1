/** Small things several rules need. */
import { alterCommands, altersTable, relationOf, type AlterCommand, type ColumnDefinition, type ConstraintInfo, type ConstraintType, type RelationName } from './ast.js';
import { prismaWarningAbout } from './generators.js';
import type { LintStatement, RuleContext } from './rule.js';

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
export function commandsOnExistingTable(statement: LintStatement, context: RuleContext, subtype: string): Array<{ table: RelationName; cmd: AlterCommand }> {
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
export function constraintsAddedToExistingTable(statement: LintStatement, context: RuleContext, type: ConstraintType): AddedConstraint[] {
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
