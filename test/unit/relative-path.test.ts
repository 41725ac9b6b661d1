import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relativeFrom } from '../../src/util/relative-path.js';

describe('relativeFrom', () => {
  it('agrees with path.relative for paths below, at, beside and above the root', () => {
    const root = '/srv/app';
    const rel = relativeFrom(root);
    for (const path of [
      '/srv/app/drizzle/0001_init.sql',
      '/srv/app/prisma/migrations/x/migration.sql',
      '/srv/other/file.sql',
      '/srv/app-two/a.sql',
      '/srv/app/a/../b.sql',
      '/etc/passwd',
    ]) {
      expect(rel(path), path).toBe(relative(root, path));
    }
    expect(rel('/srv/app')).toBe('.');
    expect(relativeFrom('/srv/app/', '')('/srv/app/drizzle/a.sql')).toBe('drizzle/a.sql');
  });
});
