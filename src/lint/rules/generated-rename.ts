import { relationOf, type RelationName, type TypeReference } from '../ast.js';
import { compatibleForRename, describeType, fromFormatType, fromReference, type ColumnType } from '../column-types.js';
import type { Rule, RuleContext, StatementRef } from '../rule.js';
import { alterCommandAt, alteredTable, withPrismaWarning } from '../rule-helpers.js';

interface Dropped {
  column: string;
  statement: StatementRef;
  /** Where its DROP COLUMN is written (a command of a multi-command ALTER TABLE). */
  at: number | undefined;
  type: TypeReference | undefined;
}
interface Added {
  column: string;
  type: TypeReference;
}

export const generatedRename: Rule = {
  meta: {
    id: 'generated-rename',
    severity: 'error',
    category: 'destructive',
    summary: 'DROP COLUMN and ADD COLUMN of a compatible type on one table in one migration',
    why: "A renamed field generated as drop + add: the old column's data is deleted and the new column starts empty, while the running app still uses the old name.",
    fix: 'Keep the column (Prisma: @map("old_name"); Drizzle: keep the column name) or expand and contract: add the new column, copy the data in batches, switch the code, drop the old column later.',
    sizeGraded: false,
    equivalents: { atlas: ['DS103', 'MF103'] },
    doc: {
      what: "A migration that drops a column and adds another one of a compatible type (same type family, e.g. text and varchar) to the same table, unless an UPDATE of the migration reads the dropped column (its data is copied into another column first). With a database, the dropped column's real type is compared: compatible types are an error, others are not reported. Without one, the pattern is reported as a warning.",
      why: 'This is what ORMs generate when a field is renamed in the schema: `prisma migrate dev` writes DROP COLUMN + ADD COLUMN, and drizzle-kit does the same when its rename prompt is answered with "create". Deployed, it deletes every value of the old column, creates the new one empty (or fails on a NOT NULL without default), and the app version still running keeps querying the old name.',
      fix: 'If only the name in code should change, keep the database column: Prisma `@map("old_name")`, Drizzle `text("old_name")`, TypeORM `@Column({ name: "old_name" })`; no migration is needed. If the database column must be renamed, expand and contract: (1) add the new column, nullable; (2) deploy code that writes both; (3) copy old into new in batches; (4) switch reads to the new column; (5) in a later migration, drop the old one.',
      bad: 'ALTER TABLE "User" DROP COLUMN "name",\nADD COLUMN "fullName" TEXT;',
      good: '-- Release 1 (expand): the new column; the app writes both, a backfill copies the old values.\nALTER TABLE "User" ADD COLUMN "fullName" TEXT;\n-- Release 2 (contract), in a later migration once nothing reads "name":\n-- ALTER TABLE "User" DROP COLUMN "name";',
    },
  },
  kinds: ['AlterTableStmt', 'UpdateStmt'],
  create(context) {
    const tables = new Map<string, { table: RelationName; dropped: Dropped[]; added: Added[] }>();
    // Columns an UPDATE of the migration reads into another column (`SET "url" = "base_url" || "endpoint"`): their data is carried over.
    const copied = new Set<string>();
    return {
      statement(statement) {
        if (statement.kind === 'UpdateStmt') {
          const table = relationOf(statement.body.relation);
          const targets = Array.isArray(statement.body.targetList) ? statement.body.targetList : [];
          if (table)
            for (const column of columnRefs(targets.map((t) => (t as { ResTarget?: { val?: unknown } }).ResTarget?.val)))
              copied.add(`${table.display}\u0000${column}`);
          return;
        }
        const altered = alteredTable(statement);
        if (!altered || context.isNewTable(altered.table)) return;
        const entry = tables.get(altered.table.display) ?? { table: altered.table, dropped: [], added: [] };
        tables.set(altered.table.display, entry);
        for (const cmd of altered.cmds) {
          if (cmd.subtype === 'AT_DropColumn' && cmd.name && !context.isNewColumn(altered.table, cmd.name)) {
            entry.dropped.push({
              column: cmd.name,
              statement,
              at: alterCommandAt(statement, context, cmd),
              type: context.knownColumnType(altered.table, cmd.name),
            });
          }
          if (cmd.subtype === 'AT_AddColumn') {
            const column = cmd.column;
            if (column?.name && column.type) entry.added.push({ column: column.name, type: column.type });
          }
        }
      },
      end() {
        for (const { table, dropped, added } of tables.values()) {
          for (const drop of dropped) {
            if (copied.has(`${table.display}\u0000${drop.column}`)) continue;
            const known = drop.type ? fromReference(drop.type) : undefined;
            const candidate = added.find(
              (add) => add.column !== drop.column && (!known || compatibleForRename(known, fromReference(add.type))),
            );
            if (!candidate) continue;
            // Without the dropped column's type this is a guess: a warning, raised to an error once a
            // database confirms that the types are compatible (and withdrawn when they are not).
            context.report({
              statement: drop.statement,
              at: drop.at,
              table,
              message: message(context, table, drop.column, candidate, known),
              shift: known ? 0 : -1,
              refine: ({ table: facts }) => {
                if (known) return undefined;
                const type = facts?.columns?.[drop.column];
                if (!type) return undefined;
                const old = fromFormatType(type);
                const match = added.find(
                  (add) => add.column !== drop.column && compatibleForRename(old, fromReference(add.type)),
                );
                return match ? { message: message(context, table, drop.column, match, old), shift: 1 } : 'drop';
              },
            });
          }
        }
      },
    };
  },
};

function message(
  context: RuleContext,
  table: RelationName,
  dropped: string,
  added: Added,
  oldType: ColumnType | undefined,
): string {
  const types = oldType
    ? ` (${describeType(oldType)} → ${describeType(fromReference(added.type))})`
    : ` (${describeType(fromReference(added.type))})`;
  let text = `DROP COLUMN "${dropped}" and ADD COLUMN "${added.column}"${types} on ${table.display} in one migration look like a rename generated as drop + add: every value of "${dropped}" is deleted and "${added.column}" starts empty.`;
  if (context.file.generator === 'prisma')
    text += ` prisma migrate dev generates this for a renamed field; keep the column with @map("${dropped}") if only the name in code changed.`;
  if (context.file.generator === 'drizzle')
    text +=
      ' drizzle-kit generates this when its rename prompt is answered with "create"; regenerate and choose "rename", or keep the column name.';
  return withPrismaWarning(context, text, table, dropped);
}

/** The column names an expression reads (the last field of each ColumnRef). */
function columnRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) columnRefs(item, out);
  } else if (value && typeof value === 'object') {
    const ref = (value as { ColumnRef?: { fields?: Array<{ String?: { sval?: string } }> } }).ColumnRef;
    const name = ref?.fields?.[ref.fields.length - 1]?.String?.sval;
    if (name) out.push(name);
    for (const child of Object.values(value)) columnRefs(child, out);
  }
  return out;
}
