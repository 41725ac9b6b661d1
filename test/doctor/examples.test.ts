import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doctor } from '../../src/doctor/doctor.js';
import { REPO_ROOT } from '../support/project.js';

describe('the bundled examples', () => {
  for (const [example, orm] of [
    ['prisma-shop', 'prisma'],
    ['drizzle-app', 'drizzle'],
    ['typeorm-app', 'typeorm'],
  ] as const) {
    it(`${example} comes out clean`, async () => {
      const report = await doctor({ project: join(REPO_ROOT, 'examples', example) });
      expect(report.findings.map((f) => `${f.check} ${f.file}:${f.line}: ${f.message}`)).toEqual([]);
      expect(report.notes).toEqual([]);
      expect(report.orms.map((o) => o.orm)).toEqual([orm]);
      // The start script is followed: lockstep deploy, then the app.
      expect(report.commands).toBeGreaterThanOrEqual(2);
    });
  }
});
