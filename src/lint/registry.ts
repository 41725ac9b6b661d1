/** Every rule, in the order `--list-rules` and docs/lint.md show them. */
import { addingExclusionConstraint } from './rules/adding-exclusion-constraint.js';
import { addingForeignKeyConstraint } from './rules/adding-foreign-key-constraint.js';
import { addingPrimaryKeyConstraint } from './rules/adding-primary-key-constraint.js';
import { addingRequiredField } from './rules/adding-required-field.js';
import { addingUniqueConstraint } from './rules/adding-unique-constraint.js';
import { addingVolatileDefault } from './rules/adding-volatile-default.js';
import { banAlterDomainWithAddConstraint } from './rules/ban-alter-domain-with-add-constraint.js';
import { banCharField } from './rules/ban-char-field.js';
import { banCluster } from './rules/ban-cluster.js';
import { banCreateDomainWithConstraint } from './rules/ban-create-domain-with-constraint.js';
import { banDropColumn } from './rules/ban-drop-column.js';
import { banDropDatabase } from './rules/ban-drop-database.js';
import { banDropNotNull } from './rules/ban-drop-not-null.js';
import { banDropSchema } from './rules/ban-drop-schema.js';
import { banDropTable } from './rules/ban-drop-table.js';
import { banDuplicateColumnAssignments } from './rules/ban-duplicate-column-assignments.js';
import { banLockTable } from './rules/ban-lock-table.js';
import { banTruncate } from './rules/ban-truncate.js';
import { banTruncateCascade } from './rules/ban-truncate-cascade.js';
import { banUncommittedTransaction } from './rules/ban-uncommitted-transaction.js';
import { banVacuumFull } from './rules/ban-vacuum-full.js';
import { changingColumnType } from './rules/changing-column-type.js';
import { changingPrimaryKey } from './rules/changing-primary-key.js';
import { concurrentlyInTransaction } from './rules/concurrently-in-transaction.js';
import { constraintMissingNotValid } from './rules/constraint-missing-not-valid.js';
import { emptyMigration } from './rules/empty-migration.js';
import { enumValueUsedInTransaction } from './rules/enum-value-used-in-transaction.js';
import { generatedRename } from './rules/generated-rename.js';
import { identifierTooLong } from './rules/identifier-too-long.js';
import { preferBigintOverInt } from './rules/prefer-bigint-over-int.js';
import { preferBigintOverSmallint } from './rules/prefer-bigint-over-smallint.js';
import { preferIdentity } from './rules/prefer-identity.js';
import { preferJsonb } from './rules/prefer-jsonb.js';
import { preferRobustStmts } from './rules/prefer-robust-stmts.js';
import { preferTextField } from './rules/prefer-text-field.js';
import { preferTimestamptz } from './rules/prefer-timestamptz.js';
import { renamingColumn } from './rules/renaming-column.js';
import { renamingEnumValue } from './rules/renaming-enum-value.js';
import { renamingSchema } from './rules/renaming-schema.js';
import { renamingTable } from './rules/renaming-table.js';
import { requireConcurrentIndexCreation } from './rules/require-concurrent-index-creation.js';
import { requireConcurrentIndexDeletion } from './rules/require-concurrent-index-deletion.js';
import { requireConcurrentPartitionDetach } from './rules/require-concurrent-partition-detach.js';
import { requireConcurrentReindex } from './rules/require-concurrent-reindex.js';
import { requireEnumValueOrdering } from './rules/require-enum-value-ordering.js';
import { requireLockTimeout } from './rules/require-lock-timeout.js';
import { requireStatementTimeout } from './rules/require-statement-timeout.js';
import { requireTableSchema } from './rules/require-table-schema.js';
import { settingNotNull } from './rules/setting-not-null.js';
import { suppressionMissingReason } from './rules/suppression-missing-reason.js';
import { syntaxError } from './rules/syntax-error.js';
import { transactionNesting } from './rules/transaction-nesting.js';
import { unlistedMigration } from './rules/unlisted-migration.js';
import { unusedIgnore } from './rules/unused-ignore.js';
import type { Rule } from './rule.js';

const RULES: readonly Rule[] = [
  syntaxError,
  emptyMigration,
  unlistedMigration,
  unusedIgnore,
  suppressionMissingReason,
  banDropDatabase,
  banDropSchema,
  banDropTable,
  banDropColumn,
  generatedRename,
  banTruncate,
  banTruncateCascade,
  renamingTable,
  renamingColumn,
  renamingSchema,
  renamingEnumValue,
  addingRequiredField,
  banDropNotNull,
  changingPrimaryKey,
  changingColumnType,
  settingNotNull,
  addingVolatileDefault,
  addingForeignKeyConstraint,
  constraintMissingNotValid,
  addingUniqueConstraint,
  addingPrimaryKeyConstraint,
  addingExclusionConstraint,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentReindex,
  requireConcurrentPartitionDetach,
  banVacuumFull,
  banCluster,
  banLockTable,
  banCreateDomainWithConstraint,
  banAlterDomainWithAddConstraint,
  requireLockTimeout,
  requireStatementTimeout,
  concurrentlyInTransaction,
  enumValueUsedInTransaction,
  transactionNesting,
  banUncommittedTransaction,
  preferRobustStmts,
  identifierTooLong,
  banDuplicateColumnAssignments,
  preferBigintOverInt,
  preferBigintOverSmallint,
  preferIdentity,
  preferTimestamptz,
  preferJsonb,
  preferTextField,
  banCharField,
  requireEnumValueOrdering,
  requireTableSchema,
];

/** Rules the engine reports itself rather than from a statement. */
export const META_RULE_IDS: ReadonlySet<string> = new Set([
  'syntax-error',
  'empty-migration',
  'unlisted-migration',
  'unused-ignore',
  'suppression-missing-reason',
]);

const BY_ID = new Map(RULES.map((rule) => [rule.meta.id, rule]));

export function allRules(): readonly Rule[] {
  return RULES;
}

export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id);
}

/**
 * The rule a mistyped or foreign name most likely means: a squawk rule id maps to lockstep's
 * rule for the same hazard; otherwise the closest id by edit distance, if it is close.
 */
export function closestRule(name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const rule of RULES) if (rule.meta.equivalents.squawk?.includes(lower)) return rule.meta.id;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const rule of RULES) {
    // A prefix of the id counts as close too: "adding-volatle" means "adding-volatile-default".
    const distance = Math.min(editDistance(lower, rule.meta.id), editDistance(lower, rule.meta.id.slice(0, lower.length)) + 1);
    if (distance < bestDistance) {
      best = rule.meta.id;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(lower.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
