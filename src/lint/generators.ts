/**
 * Recognises SQL that an ORM generated, from the comments it writes between statements: Prisma's
 * step comments (`-- CreateTable`, `-- AlterTable`, ...) and its `/* Warnings: ... *\/` header,
 * and Drizzle's `--> statement-breakpoint`. Messages use this to say what to change in the ORM's
 * workflow. The text between two statements holds only whitespace, semicolons and comments, so
 * these markers are found there without looking inside any statement.
 */

const PRISMA_STEPS = new Set([
  'CreateEnum',
  'AlterEnum',
  'DropEnum',
  'CreateTable',
  'AlterTable',
  'DropTable',
  'RenameTable',
  'CreateIndex',
  'DropIndex',
  'RenameIndex',
  'AddForeignKey',
  'DropForeignKey',
  'RenameForeignKey',
  'RenamePrimaryKey',
  'CreateSchema',
  'CreateExtension',
  'AlterExtension',
  'DropExtension',
  'CreateSequence',
  'AlterSequence',
  'DropSequence',
  'DropView',
  'RedefineTables',
  'RedefineIndex',
]);

const DRIZZLE_BREAKPOINT = '--> statement-breakpoint';

export type Generator = 'prisma' | 'drizzle';

/** The generator a gap between statements reveals, if any. */
export function generatorOfGap(gap: string): Generator | undefined {
  if (gap.includes(DRIZZLE_BREAKPOINT)) return 'drizzle';
  if (!gap.includes('-- ')) return undefined;
  for (const line of gap.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('-- ') && PRISMA_STEPS.has(trimmed.slice(3).trim())) return 'prisma';
  }
  return undefined;
}

/** A Prisma warnings header: `/*\n  Warnings:\n\n  - You are about to drop ...\n*\/`. */
export function prismaWarnings(comment: string): string[] | undefined {
  if (!comment.startsWith('/*')) return undefined;
  const lines = comment
    .replace(/^\/\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((line) => line.trim());
  if (!lines.some((line) => line === 'Warnings:')) return undefined;
  const warnings: string[] = [];
  for (const line of lines) {
    if (line.startsWith('- ')) warnings.push(line.slice(2).trim());
    else if (line && line !== 'Warnings:' && warnings.length > 0) warnings[warnings.length - 1] += ` ${line}`;
  }
  return warnings;
}

/** The Prisma warning that names this table (and column), e.g. "You are about to drop the column `x` on the `User` table...". */
export function prismaWarningAbout(warnings: string[], table: string, column?: string): string | undefined {
  return warnings.find(
    (warning) => warning.includes(`\`${table}\``) && (column === undefined || warning.includes(`\`${column}\``)),
  );
}
