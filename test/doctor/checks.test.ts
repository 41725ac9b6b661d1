import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allChecks } from '../../src/doctor/registry.js';
import { REPO_ROOT } from '../support/project.js';
import { check, fixture, FIXTURES, type TempProject } from './helpers.js';

/** Where each check must report on its bad fixture: `file:line`, and the severity. */
const EXPECTED: Record<string, Array<[string, string]>> = {
  'prisma-db-push-in-production': [
    ['package.json:9', 'error'],
    ['.github/workflows/deploy.yml:23', 'error'],
  ],
  'prisma-migrate-dev-in-production': [['Dockerfile:18', 'error']],
  'prisma-migrate-reset-in-production': [['.gitlab-ci.yml:23', 'error']],
  'prisma-push-only-history': [['prisma/schema.prisma:5', 'error']],
  'prisma-generate-before-migrate': [['.github/workflows/production.yml:11', 'warning']],
  'prisma-client-not-generated': [['package.json:6', 'warning']],
  'prisma-pooled-url-without-direct-url': [['.env.production:2', 'warning']],
  'prisma-no-connection-limit': [['.env.production:1', 'warning']],
  'drizzle-unawaited-migrate': [['src/server.ts:12', 'error']],
  'drizzle-kit-push-in-production': [['Procfile:1', 'error']],
  'drizzle-dialect-mismatch': [['src/migrate.ts:2', 'error']],
  'drizzle-migrations-table-mismatch': [['src/migrate.ts:5', 'error']],
  'typeorm-synchronize': [
    ['src/data-source.ts:11', 'error'],
    ['src/app.module.ts:13', 'error'],
  ],
  'typeorm-drop-schema': [['src/data-source.ts:11', 'error']],
  'typeorm-migrations-glob': [['src/data-source.ts:9', 'error']],
  'typeorm-migrations-run-with-replicas': [['src/data-source.ts:11', 'warning']],
  'typeorm-entity-import-cycle': [['src/entity/User.ts:5', 'error']],
  'drizzle-migrations-folder-missing': [['src/db/migrate.ts:10', 'error']],
  'serverless-migrations-not-packaged': [['serverless.yml:18', 'error']],
  'migrations-not-shipped': [
    ['.gitignore:5', 'error'],
    ['Dockerfile:8', 'error'],
  ],
  'start-before-migrate': [
    ['package.json:8', 'error'],
    ['docker-compose.yml:5', 'error'],
  ],
  'migrate-failure-ignored': [['start.sh:3', 'error']],
  'migrate-in-build-step': [
    ['Dockerfile:5', 'error'],
    ['package.json:7', 'warning'],
  ],
  'migrate-without-lock': [['k8s/deployment.yaml:20', 'warning']],
};

describe('doctor checks', () => {
  let project: TempProject | undefined;
  afterEach(() => project?.cleanup());

  it('every check lives in src/doctor/checks/<id>.ts, is registered once and has a bad and a good fixture', () => {
    const ids = allChecks().map((c) => c.meta.id);
    const files = readdirSync(join(REPO_ROOT, 'src', 'doctor', 'checks')).map((f) => f.replace(/\.ts$/, ''));
    expect(new Set(ids)).toEqual(new Set(files));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(readdirSync(FIXTURES))).toEqual(new Set(ids));
    for (const id of ids) expect(readdirSync(join(FIXTURES, id)).sort(), id).toEqual(['bad', 'good']);
    expect(new Set(Object.keys(EXPECTED))).toEqual(new Set(ids));
  });

  it('every check has complete metadata: one-line why and fix, doc with what, why, fix and an example', () => {
    for (const { meta } of allChecks()) {
      for (const text of [
        meta.title,
        meta.why,
        meta.fix,
        meta.doc.what,
        meta.doc.why,
        meta.doc.fix,
        meta.doc.example.bad,
        meta.doc.example.good,
        meta.doc.example.file,
      ])
        expect(text.trim().length, meta.id).toBeGreaterThan(3);
      expect(meta.why.split('\n'), meta.id).toHaveLength(1);
      expect(meta.fix.split('\n'), meta.id).toHaveLength(1);
      expect(['error', 'warning', 'info']).toContain(meta.severity);
    }
  });

  for (const { meta } of allChecks()) {
    it(`${meta.id}: reports its bad fixture at the right file and line`, async () => {
      project = fixture(meta.id, 'bad');
      const found = (await check(project.dir)).filter((f) => f.check === meta.id);
      for (const [at, severity] of EXPECTED[meta.id]!) {
        const hit = found.find((f) => f.at === at);
        expect(hit, `${meta.id} at ${at}; found ${JSON.stringify(found.map((f) => f.at))}`).toBeDefined();
        expect(hit!.severity).toBe(severity);
        expect(hit!.finding.snippet.trim().length).toBeGreaterThan(0);
        expect(hit!.finding.fix.length).toBeGreaterThan(10);
      }
      expect(found).toHaveLength(EXPECTED[meta.id]!.length);
    });

    it(`${meta.id}: its good fixture comes out clean (no finding of any check)`, async () => {
      project = fixture(meta.id, 'good');
      expect((await check(project.dir)).map((f) => `${f.check} ${f.at}: ${f.message}`)).toEqual([]);
    });
  }
});

describe('docs/doctor.md', () => {
  it('is generated from the check metadata and up to date (node --import tsx scripts/gen-doctor-docs.ts)', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderDoctorDocs } = await import('../../src/doctor/docs.js');
    expect(readFileSync(join(REPO_ROOT, 'docs', 'doctor.md'), 'utf8')).toBe(renderDoctorDocs());
  });
});
