/** Small things several rules need. */
import { alterCommands, altersTable, relationOf, type AlterCommand, type RelationName } from './ast.js';
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
