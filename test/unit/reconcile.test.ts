import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prismaChecksum } from '../../src/orm/prisma/checksum.js';
import type { PrismaMigrationRow } from '../../src/orm/prisma/history.js';
import { reconcilePrisma } from '../../src/orm/prisma/reconcile.js';

type DiskFile = Parameters<typeof reconcilePrisma>[0][number];

const ROOT = join('/projects', 'shop');
const MIGRATIONS = join(ROOT, 'prisma', 'migrations');

function file(name: string, script: string | undefined = `-- ${name}\nSELECT 1;\n`): DiskFile {
  return {
    name,
    path: join(MIGRATIONS, name, 'migration.sql'),
    script,
    checksum: script === undefined ? undefined : prismaChecksum(script),
    invalidUtf8At: undefined,
  };
}

let clock = Date.UTC(2025, 0, 1);
const at = () => new Date((clock += 60_000));

function row(name: string, init: Partial<PrismaMigrationRow> & { script?: string } = {}): PrismaMigrationRow {
  const startedAt = at();
  const { script, ...rest } = init;
  return {
    id: `id-${name}-${startedAt.getTime()}`,
    checksum: prismaChecksum(script ?? `-- ${name}\nSELECT 1;\n`),
    finished_at: new Date(startedAt.getTime() + 1000),
    migration_name: name,
    logs: null,
    rolled_back_at: null,
    started_at: startedAt,
    applied_steps_count: 1,
    ...rest,
  };
}

const states = (statuses: ReturnType<typeof reconcilePrisma>) => statuses.map((s) => [s.name, s.state]);

describe('reconcilePrisma', () => {
  it('reports nothing for no files and no rows', () => {
    expect(reconcilePrisma([], [], ROOT)).toEqual([]);
  });

  it('a fresh database: every migration is pending', () => {
    const statuses = reconcilePrisma([file('20250101_init'), file('20250102_posts')], [], ROOT);
    expect(states(statuses)).toEqual([
      ['20250101_init', 'pending'],
      ['20250102_posts', 'pending'],
    ]);
    expect(statuses[0]).toEqual({
      name: '20250101_init',
      state: 'pending',
      edited: false,
      outOfOrder: false,
      file: join('prisma', 'migrations', '20250101_init', 'migration.sql'),
      startedAt: undefined,
      finishedAt: undefined,
      error: undefined,
      statementsDone: undefined,
    });
  });

  it('applied rows make their migrations applied, in disk order', () => {
    const init = row('20250101_init');
    const statuses = reconcilePrisma(
      [file('20250101_init'), file('20250102_posts'), file('20250103_tags')],
      [init, row('20250102_posts')],
      ROOT,
    );
    expect(states(statuses)).toEqual([
      ['20250101_init', 'applied'],
      ['20250102_posts', 'applied'],
      ['20250103_tags', 'pending'],
    ]);
    expect(statuses[0]).toMatchObject({
      edited: false,
      outOfOrder: false,
      startedAt: init.started_at,
      finishedAt: init.finished_at,
      error: undefined,
    });
    expect(statuses[2]!.outOfOrder).toBe(false);
  });

  it('an unfinished row that is not rolled back is a failed migration, with its log and progress', () => {
    const failed = row('20250102_posts', { finished_at: null, logs: 'ERROR: column "x" does not exist', applied_steps_count: 2 });
    const statuses = reconcilePrisma([file('20250101_init'), file('20250102_posts')], [row('20250101_init'), failed], ROOT);
    expect(states(statuses)).toEqual([
      ['20250101_init', 'applied'],
      ['20250102_posts', 'failed'],
    ]);
    expect(statuses[1]).toMatchObject({
      startedAt: failed.started_at,
      finishedAt: undefined,
      error: 'ERROR: column "x" does not exist',
      statementsDone: 2,
      edited: false,
    });
  });

  it('a failed row without logs has no error text', () => {
    const statuses = reconcilePrisma([file('a')], [row('a', { finished_at: null, logs: null, applied_steps_count: 0 })], ROOT);
    expect(statuses[0]).toMatchObject({ state: 'failed', error: undefined, statementsDone: 0 });
  });

  it('a migration whose only rows are rolled back is rolled-back (deploy applies it again)', () => {
    const statuses = reconcilePrisma(
      [file('20250101_init'), file('20250102_posts')],
      [
        row('20250101_init'),
        row('20250102_posts', { finished_at: null, logs: 'boom', rolled_back_at: at() }),
        row('20250102_posts', { finished_at: null, rolled_back_at: at() }),
      ],
      ROOT,
    );
    expect(states(statuses)).toEqual([
      ['20250101_init', 'applied'],
      ['20250102_posts', 'rolled-back'],
    ]);
    expect(statuses[1]).toMatchObject({ startedAt: undefined, finishedAt: undefined, error: undefined, outOfOrder: false });
  });

  it('a migration applied again after a rolled-back failure counts as applied', () => {
    const retry = row('20250102_posts');
    const statuses = reconcilePrisma(
      [file('20250101_init'), file('20250102_posts')],
      [row('20250101_init'), row('20250102_posts', { finished_at: null, logs: 'lock timeout', rolled_back_at: at() }), retry],
      ROOT,
    );
    expect(states(statuses)).toEqual([
      ['20250101_init', 'applied'],
      ['20250102_posts', 'applied'],
    ]);
    expect(statuses[1]).toMatchObject({ startedAt: retry.started_at, error: undefined, edited: false });
  });

  it('a finished row that was later rolled back does not count as applied', () => {
    const statuses = reconcilePrisma([file('a')], [row('a', { rolled_back_at: at() })], ROOT);
    expect(states(statuses)).toEqual([['a', 'rolled-back']]);
  });

  it('a live unfinished row wins over a finished one of the same migration', () => {
    const statuses = reconcilePrisma([file('a')], [row('a'), row('a', { finished_at: null, logs: 'second run failed' })], ROOT);
    expect(statuses[0]).toMatchObject({ state: 'failed', error: 'second run failed' });
  });

  describe('edited migrations', () => {
    it('flags an applied migration whose file changed', () => {
      const statuses = reconcilePrisma([file('a', 'SELECT 2;\n')], [row('a', { script: 'SELECT 1;\n' })], ROOT);
      expect(statuses[0]).toMatchObject({ state: 'applied', edited: true });
    });

    it('does not flag a file whose line endings were converted to CRLF', () => {
      const statuses = reconcilePrisma(
        [file('a', 'SELECT 1;\r\nSELECT 2;\r\n')],
        [row('a', { script: 'SELECT 1;\nSELECT 2;\n' })],
        ROOT,
      );
      expect(statuses[0]).toMatchObject({ state: 'applied', edited: false });
    });

    it('does not flag a file whose line endings were converted to LF', () => {
      const statuses = reconcilePrisma(
        [file('a', 'SELECT 1;\nSELECT 2;\n')],
        [row('a', { script: 'SELECT 1;\r\nSELECT 2;\r\n' })],
        ROOT,
      );
      expect(statuses[0]).toMatchObject({ state: 'applied', edited: false });
    });

    it('compares against the applied row, not a rolled-back earlier attempt', () => {
      const statuses = reconcilePrisma(
        [file('a', 'SELECT 2;\n')],
        [row('a', { script: 'SELECT 1;\n', finished_at: null, rolled_back_at: at() }), row('a', { script: 'SELECT 2;\n' })],
        ROOT,
      );
      expect(statuses[0]).toMatchObject({ state: 'applied', edited: false });
    });

    it('does not flag pending, failed or rolled-back migrations', () => {
      const statuses = reconcilePrisma(
        [file('a', 'changed'), file('b', 'changed'), file('c', 'changed')],
        [
          row('a', { script: 'original', finished_at: null }),
          row('b', { script: 'original', finished_at: null, rolled_back_at: at() }),
        ],
        ROOT,
      );
      expect(statuses.map((s) => [s.state, s.edited])).toEqual([
        ['failed', false],
        ['rolled-back', false],
        ['pending', false],
      ]);
    });

    it('does not flag a folder without migration.sql', () => {
      const statuses = reconcilePrisma([file('a', undefined)], [row('a')], ROOT);
      expect(statuses[0]).toMatchObject({ state: 'applied', edited: false });
    });
  });

  describe('out-of-order migrations', () => {
    it('flags a pending migration that sorts before an applied one (a merged branch)', () => {
      const statuses = reconcilePrisma(
        [file('20250101_init'), file('20250102_from_branch'), file('20250103_main')],
        [row('20250101_init'), row('20250103_main')],
        ROOT,
      );
      expect(statuses.map((s) => [s.name, s.state, s.outOfOrder])).toEqual([
        ['20250101_init', 'applied', false],
        ['20250102_from_branch', 'pending', true],
        ['20250103_main', 'applied', false],
      ]);
    });

    it('flags a rolled-back migration that sorts before an applied one', () => {
      const statuses = reconcilePrisma(
        [file('a'), file('b')],
        [row('a', { finished_at: null, rolled_back_at: at() }), row('b')],
        ROOT,
      );
      expect(statuses.map((s) => [s.state, s.outOfOrder])).toEqual([
        ['rolled-back', true],
        ['applied', false],
      ]);
    });

    it('does not flag pending migrations after the last applied one', () => {
      const statuses = reconcilePrisma([file('a'), file('b'), file('c')], [row('a')], ROOT);
      expect(statuses.map((s) => s.outOfOrder)).toEqual([false, false, false]);
    });
  });

  describe('rows without a folder on disk', () => {
    it('reports an applied row whose folder is gone as missing-on-disk, after the files', () => {
      const gone = row('20241201_removed');
      const statuses = reconcilePrisma([file('20250101_init')], [gone, row('20250101_init')], ROOT);
      expect(states(statuses)).toEqual([
        ['20250101_init', 'applied'],
        ['20241201_removed', 'missing-on-disk'],
      ]);
      expect(statuses[1]).toEqual({
        name: '20241201_removed',
        state: 'missing-on-disk',
        edited: false,
        outOfOrder: false,
        file: undefined,
        startedAt: gone.started_at,
        finishedAt: gone.finished_at,
        error: undefined,
        statementsDone: undefined,
      });
    });

    it('reports a failed row whose folder is gone with its error', () => {
      const failed = row('20250105_gone', { finished_at: null, logs: 'ERROR: relation "x" does not exist' });
      const statuses = reconcilePrisma([file('20250101_init')], [row('20250101_init'), failed], ROOT);
      expect(statuses[1]).toMatchObject({
        name: '20250105_gone',
        state: 'missing-on-disk',
        finishedAt: undefined,
        error: 'ERROR: relation "x" does not exist',
      });
    });

    it('ignores rolled-back rows whose folder is gone', () => {
      const statuses = reconcilePrisma([file('a')], [row('a'), row('gone', { finished_at: null, rolled_back_at: at() })], ROOT);
      expect(states(statuses)).toEqual([['a', 'applied']]);
    });

    it('reports each missing migration once, in the order the rows started', () => {
      const statuses = reconcilePrisma(
        [],
        [row('x', { finished_at: null, rolled_back_at: at() }), row('y'), row('x'), row('y'), row('z', { finished_at: null })],
        ROOT,
      );
      expect(states(statuses)).toEqual([
        ['y', 'missing-on-disk'],
        ['x', 'missing-on-disk'],
        ['z', 'missing-on-disk'],
      ]);
    });
  });
});
