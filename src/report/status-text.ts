import type { StatusResult } from '../deploy/status.js';
import type { MigrationStatus } from '../orm/types.js';
import { redact } from '../util/redact.js';
import { embeddedNotice } from './deploy-text.js';
import type { Style } from './style.js';

function label(m: MigrationStatus, style: Style): string {
  switch (m.state) {
    case 'applied':
      return m.edited ? style.yellow('edited') : style.green('applied');
    case 'pending':
      return style.cyan('pending');
    case 'failed':
      return style.red('failed');
    case 'rolled-back':
      return style.cyan('rolled back');
    case 'missing-on-disk':
      return style.yellow('missing');
  }
}

function note(m: MigrationStatus): string {
  const parts: string[] = [];
  if (m.state === 'applied' && m.finishedAt) parts.push(`applied ${m.finishedAt.toISOString()}`);
  if (m.edited) parts.push('the file changed after it was applied');
  if (m.state === 'failed') {
    parts.push(`started ${m.startedAt?.toISOString() ?? '?'}`);
    if (m.statementsDone) parts.push(`${m.statementsDone} statement${m.statementsDone > 1 ? 's' : ''} completed`);
    const firstError = m.error?.split('\n').find((line) => line.trim() && !line.startsWith('lockstep:'));
    if (firstError) parts.push(firstError.trim().slice(0, 160));
  }
  if (m.state === 'rolled-back') parts.push('its failure was resolved as rolled back; deploy applies it again');
  if (m.state === 'missing-on-disk') parts.push('recorded in the history, not on disk');
  if (m.outOfOrder) parts.push('out of order: sorts before migrations already applied');
  return parts.join('; ');
}

const STATE_TEXT: Record<StatusResult['state'], (cli: (args: string) => string) => string> = {
  'up-to-date': () => 'up to date',
  pending: (cli) => `migrations pending: run \`${cli('deploy')}\``,
  blocked: () => 'blocked by a failed migration: deploys stop until it is resolved',
  'needs-baseline': () => 'the database has tables but no migration history',
};

/** `cli` spells a command with the flags that chose the project (`lockstep deploy --project app`). */
export function renderStatus(
  result: StatusResult,
  style: Style,
  cli: (args: string) => string = (args) => `lockstep ${args}`,
): string {
  const lines: string[] = [];
  if (result.embedded) lines.push(embeddedNotice(result.target));
  lines.push(`${result.orm} project ${result.projectRoot} → ${result.target}`);
  lines.push(`History table: ${result.historyTable}${result.historyExists ? '' : ' (does not exist yet)'}`);
  lines.push('');
  const width = Math.max(0, ...result.migrations.map((m) => m.name.length));
  for (const m of result.migrations) {
    const text = note(m);
    lines.push(`  ${label(m, style).padEnd(style.color ? 20 : 11)} ${m.name.padEnd(width)}${text ? `  ${style.dim(text)}` : ''}`);
  }
  if (result.migrations.length === 0) lines.push('  (no migrations on disk or in the history)');
  lines.push('');
  const c = result.counts;
  lines.push(
    `${c.applied} applied, ${c.pending} pending, ${c.failed} failed` +
      (c.edited ? `, ${c.edited} edited` : '') +
      (c.missingOnDisk ? `, ${c.missingOnDisk} missing on disk` : '') +
      (c.outOfOrder ? `, ${c.outOfOrder} out of order` : ''),
  );
  // The other problems are in each migration's note; a missing file stops the next deploy, so it is spelled out.
  for (const problem of result.problems.filter((p) => p.code === 'LS_FILE_MISSING'))
    lines.push(`${style.red('Missing file:')} ${problem.message}`);
  if (result.existingTables.length)
    lines.push(
      `Tables without history: ${result.existingTables.slice(0, 10).join(', ')}${result.existingTables.length > 10 ? ', …' : ''}`,
    );
  for (const index of result.invalidIndexes) {
    lines.push(
      `${style.yellow('INVALID index')} ${index.schema}.${index.name} on ${index.table} (left by a failed CONCURRENTLY build): ${index.cleanup}`,
    );
  }
  if (result.lockHeldBy) lines.push(`A deploy holds the migration lock right now: ${result.lockHeldBy}`);
  const stateStyle = result.state === 'up-to-date' ? style.green : result.state === 'pending' ? style.cyan : style.red;
  lines.push(`State: ${stateStyle(STATE_TEXT[result.state](cli))}`);
  if (result.next.length === 1) lines.push(`Next: ${result.next[0]}`);
  else if (result.next.length > 1) {
    lines.push('Next:');
    for (const step of result.next) lines.push(`  - ${step}`);
  }
  return redact(lines.join('\n'));
}
