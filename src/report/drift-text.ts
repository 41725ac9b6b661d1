import type { DriftItem } from '../drift/compare.js';
import { plural } from '../drift/describe.js';
import type { DriftResult } from '../drift/drift.js';
import { redact } from '../util/redact.js';
import { embeddedNotice } from './deploy-text.js';
import type { Style } from './style.js';

/** `+` added outside the migrations, `-` missing from the live database, `~` different, `!` broken (INVALID, NOT VALID). */
function marker(item: DriftItem, style: Style): string {
  switch (item.change) {
    case 'extra':
      return style.yellow('+');
    case 'missing':
      return style.red('-');
    case 'invalid':
    case 'not-valid':
      return style.red('!');
    default:
      return style.cyan('~');
  }
}

/** The differences grouped by table, schema-wide objects first. */
export function renderDriftItems(items: DriftItem[], style: Style, indent = ''): string[] {
  const lines: string[] = [];
  let group: string | undefined | null = null;
  for (const item of items) {
    if (item.table !== group) {
      group = item.table;
      lines.push(`${indent}${style.bold(group ?? 'Schemas, extensions, types and sequences')}`);
    }
    lines.push(`${indent}  ${marker(item, style)} ${item.message}`);
  }
  return lines;
}

function replayText(result: DriftResult): string {
  const replay = result.replay;
  if (!replay) return '';
  return ` (${plural(replay.migrations.length, 'migration')} replayed into ${replay.into})`;
}

/** The drift report users read: what was compared, every difference by table, and what to do. */
export function renderDrift(result: DriftResult, style: Style): string {
  const lines: string[] = [];
  const schema = result.schemaFile;
  if (result.embedded && result.target) lines.push(embeddedNotice(result.target));
  if (result.target) {
    lines.push(`Comparing ${result.target} with the ${result.orm} migration history${replayText(result)}`);
  } else if (schema) {
    lines.push(`Comparing ${schema.file} with ${schema.against}${replayText(result)}`);
  }
  lines.push('');
  if (result.target) {
    if (result.differences.length === 0) lines.push(style.green('The live database matches the migration history.'));
    else lines.push(...renderDriftItems(result.differences, style));
  }
  if (schema && !schema.skipped) {
    if (result.target) lines.push('');
    if (schema.differences.length === 0) {
      lines.push(
        style.green(
          result.orm === 'drizzle'
            ? `${schema.file} matches ${schema.against}, the last drizzle-kit snapshot.`
            : `${schema.file} matches the migrations (compared with ${schema.against}).`,
        ),
      );
    } else if (schema.differences.every((d) => d.side === 'schema')) {
      lines.push(style.bold(`${schema.file} against ${schema.against}: changes no migration records`));
      for (const d of schema.differences) lines.push(`  ${style.yellow('+')} ${d.message}`);
    } else {
      lines.push(
        style.bold(`${schema.file} against ${schema.against}: + only in the schema, - only in the migrations, ~ different`),
      );
      for (const d of schema.differences)
        lines.push(
          `  ${d.side === 'schema' ? style.yellow('+') : d.side === 'migrations' ? style.red('-') : style.cyan('~')} ${d.message}`,
        );
    }
  }
  if (result.notes.length > 0) {
    lines.push('');
    for (const note of result.notes) lines.push(style.dim(`note: ${note}`));
  }
  lines.push('');
  lines.push(summaryLine(result, style));
  const next = nextSteps(result);
  if (next.length > 0) lines.push(...next.map((step) => `Next: ${step}`));
  return redact(lines.join('\n'));
}

/** One line: in sync, or how many differences of each kind. */
export function summaryLine(result: DriftResult, style: Style): string {
  if (result.inSync) {
    const parts = [];
    if (result.target) parts.push('the live database matches the migration history');
    if (result.schemaFile && !result.schemaFile.skipped)
      parts.push(
        `${result.schemaFile.file} matches ${result.orm === 'drizzle' ? 'the last drizzle-kit snapshot' : 'the migrations'}`,
      );
    return `${style.green('In sync')}: ${parts.join(', and ')}.`;
  }
  const parts = [];
  if (result.differences.length > 0)
    parts.push(`${plural(result.differences.length, 'difference')} between the live database and the migration history`);
  const schemaDifferences = result.schemaFile?.differences ?? [];
  if (schemaDifferences.length > 0 && schemaDifferences.every((d) => d.side === 'schema'))
    parts.push(`${plural(schemaDifferences.length, 'change')} in ${result.schemaFile!.file} that no migration records`);
  else if (schemaDifferences.length > 0)
    parts.push(`${plural(schemaDifferences.length, 'difference')} between ${result.schemaFile!.file} and the migrations`);
  return `${style.red('Drift')}: ${parts.join('; ')}.`;
}

function nextSteps(result: DriftResult): string[] {
  const steps: string[] = [];
  if (result.differences.length > 0) {
    const destructive = result.sql.filter((s) => s.destructive).length;
    const statements = result.sql.filter((s) => !s.sql.startsWith('--')).length;
    const byHand = result.sql.length - statements;
    const counts = [statements > 0 ? plural(statements, 'statement') : '', byHand > 0 ? `${plural(byHand, 'step')} by hand` : '']
      .filter(Boolean)
      .join(' and ');
    steps.push(
      `\`lockstep drift --sql\` prints the SQL that brings the live database back to the history (${counts}${destructive > 0 ? `; ${destructive} destructive` : ''}); or record the intended changes in a new migration.`,
    );
  }
  const schemaDifferences = result.schemaFile?.differences ?? [];
  if (result.orm === 'drizzle' ? schemaDifferences.length > 0 : schemaDifferences.some((d) => d.side !== 'migrations')) {
    steps.push(
      result.orm === 'drizzle'
        ? 'run `drizzle-kit generate` to record the schema changes in a migration.'
        : 'run `prisma migrate dev --create-only` to record the schema changes in a migration.',
    );
  }
  if (result.orm === 'prisma' && schemaDifferences.some((d) => d.side === 'migrations')) {
    steps.push(
      'for what only the migrations create: describe it in the schema (`prisma db pull` against a database the migrations built writes it), or drop it in a new migration.',
    );
  }
  return steps;
}
