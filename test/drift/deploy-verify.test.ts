import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { events, withoutProgress } from '../support/cli.js';
import { deployedExample, type DeployedExample } from './helpers.js';

const APP = `require('node:fs').writeFileSync(process.argv[2], 'started'); process.stdout.write('app output\\n');`;

describe('deploy --verify', () => {
  let example: DeployedExample | undefined;
  afterEach(async () => {
    await example?.cleanup();
    example = undefined;
  });

  it('after applying, finds the live database in sync with the history and starts the app', async () => {
    example = await deployedExample('drizzle-app', { deploy: false });
    const app = example.project.write('app.cjs', APP);
    const marker = join(example.project.dir, 'started.txt');
    const run = await example.cli('deploy', '--verify', '--', process.execPath, app, marker);
    expect(withoutProgress(run.stderr)).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Verified: the live database matches the migration history \(5 migrations replayed into PGlite \(PostgreSQL 18\.\d+, in this process\)\)\nStarting /,
    );
    expect(run.stdout).toContain('app output');
    expect(existsSync(marker)).toBe(true);
  });

  it('on drift exits 3, never starts the app, and says what differs', async () => {
    example = await deployedExample('prisma-shop');
    await example.db.query('ALTER TABLE "User" ADD COLUMN nickname text');
    await example.db.query('DROP INDEX "Order_createdAt_idx"');
    example.project.migration(
      '20250501000000_add_notes',
      'CREATE TABLE "Note" ("id" SERIAL NOT NULL, CONSTRAINT "Note_pkey" PRIMARY KEY ("id"));\n',
    );
    const app = example.project.write('app.cjs', APP);
    const marker = join(example.project.dir, 'started.txt');
    const run = await example.cli('deploy', '--verify', '--', process.execPath, app, marker);
    expect(run.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
    expect(run.stdout).toContain('20250501000000_add_notes');
    expect(run.stdout).toMatch(
      /Drift: the live database differs from the migration history in 2 ways \(8 migrations replayed into PGlite/,
    );
    expect(run.stderr).toContain(
      [
        'error [LS_DRIFT] The live database differs from the migration history in 2 ways:',
        '  - index public."Order_createdAt_idx": in the history, missing from the live database',
        '  - column public."User".nickname: added outside the migrations (text NULL)',
        '  Database: This deploy applied 20250501000000_add_notes (recorded in public._prisma_migrations). The app was not started.',
      ].join('\n'),
    );
    expect(run.stderr).toContain('`lockstep drift` and `lockstep drift --sql`');
  });

  it('reports the verification in --json and in the API result; a deploy with nothing to apply is verified too', async () => {
    example = await deployedExample('prisma-shop');
    const run = await example.cli('deploy', '--verify', '--json');
    expect(run.code).toBe(0);
    const all = events(run.stdout);
    expect(all.find((e) => e.type === 'verify')).toMatchObject({ inSync: true, replayed: 7, differences: [] });
    expect(all.find((e) => e.type === 'result')).toMatchObject({
      applied: [],
      alreadyApplied: 7,
      verify: { inSync: true, replayed: 7, differences: [] },
    });

    await example.db.query(`ALTER TABLE "Product" ALTER COLUMN stock SET DEFAULT 5`);
    const drifted = await example.cli('deploy', '--verify', '--json');
    expect(drifted.code).toBe(3);
    const after = events(drifted.stdout);
    expect(after.find((e) => e.type === 'verify')).toMatchObject({
      inSync: false,
      differences: ['column public."Product".stock: live is integer NOT NULL DEFAULT 5, history says integer NOT NULL DEFAULT 0'],
    });
    expect(after.find((e) => e.type === 'error')).toMatchObject({
      error: {
        code: 'LS_DRIFT',
        exitCode: 3,
        differences: [{ object: 'column', change: 'changed', name: 'public.Product.stock' }],
      },
    });
  });

  it('TypeORM projects are verified through the same session', async () => {
    example = await deployedExample('typeorm-app', { deploy: false });
    const run = await example.cli('deploy', '--verify');
    expect(withoutProgress(run.stderr)).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Verified: the live database matches the migration history (4 migrations replayed into PGlite');
  });
});
