import { describe, expect, it } from 'vitest';
import { DurableReports } from '../../src/deploy/durable-reports.js';
import type { DeployEvent } from '../../src/deploy/events.js';
import { appliedThisRun } from '../../src/deploy/failure-messages.js';

const applied = (migration: string): DeployEvent => ({
  type: 'migration-applied',
  migration,
  mode: 'transaction',
  durationMs: 1,
  statements: 1,
  lockWaits: 0,
  retries: 0,
});

describe('reports of applied migrations wait until they are on disk', () => {
  it('holds a migration committed without waiting for the disk until a later commit waits, then reports in order', () => {
    const out: DeployEvent[] = [];
    const reports = new DurableReports((event) => out.push(event));
    reports.waitsForDisk = false;
    reports.emit(applied('a'));
    reports.emit({ type: 'migration-started', migration: 'b', mode: 'transaction', statements: 1, fromStatement: 1 });
    reports.emit(applied('b'));
    expect(out.map((e) => e.type)).toEqual(['migration-started']);
    expect(reports.unconfirmed).toEqual(['a', 'b']);
    reports.waitsForDisk = true;
    reports.emit(applied('c'));
    expect(out.filter((e) => e.type === 'migration-applied').map((e) => (e as { migration: string }).migration)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(reports.unconfirmed).toEqual([]);
  });

  it('names the unconfirmed migrations apart from the ones that stay applied', () => {
    expect(appliedThisRun(['a', 'b'], [])).toBe(' This run applied 2 migrations before it (a, b); they stay applied.');
    const text = appliedThisRun(['a', 'b', 'c'], ['b', 'c'], 'lockstep status');
    expect(text).toContain('This run applied 1 migration before it (a); it stays applied.');
    expect(text).toContain('Migrations b, c were committed without waiting for the disk and not yet reported as applied');
    expect(text).toContain('may have been undone');
    expect(text).toContain('`lockstep status` shows what is recorded');
  });
});
