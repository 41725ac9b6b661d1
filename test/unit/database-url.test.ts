import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, LockstepError } from '../../src/errors.js';
import { resolveTarget, type ResolvedTarget } from '../../src/project/database-url.js';
import { ProjectEnv } from '../../src/project/env-file.js';

type ConfiguredUrl = Parameters<typeof resolveTarget>[1][number];

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lockstep-unit-target-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** The project's environment with the given process environment and, optionally, a .env file. */
function projectEnv(processEnv: Record<string, string> = {}, dotEnv?: string): ProjectEnv {
  if (dotEnv !== undefined) writeFileSync(join(root, '.env'), dotEnv);
  return new ProjectEnv([root], processEnv);
}

const configuredUrl = (source: string, value: string | undefined, direct = false, missingEnv?: string): ConfiguredUrl => ({
  source,
  value,
  missingEnv: value === undefined ? (missingEnv ?? source) : undefined,
  direct,
});

function server(resolved: ResolvedTarget) {
  expect(resolved.target.kind).toBe('server');
  if (resolved.target.kind !== 'server') throw new Error('not a server target');
  return resolved.target;
}

function failure(run: () => unknown): LockstepError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LockstepError);
    return error as LockstepError;
  }
  throw new Error('expected a LockstepError');
}

const DIRECT = 'postgresql://app:pw@db.internal:5432/direct_db';
const POOLED = 'postgresql://app:pw@db.internal:6543/pooled_db';
const OTHER = 'postgresql://app:pw@db.internal:5432/other_db';

describe('resolveTarget: which URL', () => {
  it('--url comes first', () => {
    const target = server(
      resolveTarget(root, [configuredUrl('directUrl in prisma/schema.prisma', DIRECT, true)], projectEnv({ DATABASE_URL: OTHER }), {
        url: 'postgresql://cli@cli-host/cli_db',
        command: 'deploy',
      }),
    );
    expect(target.source).toBe('--url');
    expect(target.url).toMatchObject({ host: 'cli-host', database: 'cli_db', user: 'cli' });
  });

  it('then the configured URLs in their order, the direct one first', () => {
    const configured = [configuredUrl('DIRECT_URL (directUrl in prisma/schema.prisma)', DIRECT, true), configuredUrl('url in prisma/schema.prisma', POOLED)];
    const resolved = resolveTarget(root, configured, projectEnv({ DATABASE_URL: OTHER }), { command: 'deploy' });
    expect(server(resolved).source).toBe('DIRECT_URL (directUrl in prisma/schema.prisma)');
    expect(server(resolved).url.database).toBe('direct_db');
    expect(resolved.warnings).toEqual([]);
  });

  it('skips configured URLs whose variable is not set', () => {
    const configured = [configuredUrl('DIRECT_URL (directUrl in prisma/schema.prisma)', undefined, true, 'DIRECT_URL'), configuredUrl('url in prisma/schema.prisma', OTHER)];
    expect(server(resolveTarget(root, configured, projectEnv(), { command: 'deploy' })).source).toBe('url in prisma/schema.prisma');
  });

  it('an empty --url does not count', () => {
    const target = server(resolveTarget(root, [configuredUrl('url in prisma/schema.prisma', OTHER)], projectEnv(), { url: '', command: 'deploy' }));
    expect(target.source).toBe('url in prisma/schema.prisma');
  });

  it('then DATABASE_URL from the environment', () => {
    const target = server(resolveTarget(root, [], projectEnv({ DATABASE_URL: OTHER }), { command: 'status' }));
    expect(target.source).toBe('DATABASE_URL (from the environment)');
    expect(target.url.database).toBe('other_db');
  });

  it("then DATABASE_URL from the project's .env file", () => {
    const target = server(resolveTarget(root, [], projectEnv({}, `# local\nDATABASE_URL="${DIRECT}"\n`), { command: 'status' }));
    expect(target.source).toBe(`DATABASE_URL (from ${join(root, '.env')})`);
    expect(target.url.database).toBe('direct_db');
  });

  it('the process environment wins over .env', () => {
    const target = server(resolveTarget(root, [], projectEnv({ DATABASE_URL: OTHER }, `DATABASE_URL=${DIRECT}\n`), { command: 'status' }));
    expect(target.source).toBe('DATABASE_URL (from the environment)');
    expect(target.url.database).toBe('other_db');
  });

  it('an empty DATABASE_URL in the environment falls back to .env', () => {
    const target = server(resolveTarget(root, [], projectEnv({ DATABASE_URL: '' }, `DATABASE_URL=${DIRECT}\n`), { command: 'status' }));
    expect(target.url.database).toBe('direct_db');
  });

  it('configured URLs come before DATABASE_URL', () => {
    const target = server(resolveTarget(root, [configuredUrl('datasource.url in prisma.config.ts', DIRECT, true)], projectEnv({ DATABASE_URL: OTHER }), { command: 'deploy' }));
    expect(target.source).toBe('datasource.url in prisma.config.ts');
  });

  it('does not read DATABASE_URL a second time when the configuration already names it', () => {
    const configured = [configuredUrl('DATABASE_URL (url in prisma/schema.prisma)', undefined, false, 'DATABASE_URL')];
    const error = failure(() => resolveTarget(root, configured, projectEnv(), { embedded: 'never', command: 'deploy' }));
    expect(error.message).toBe('No database URL is configured: DATABASE_URL is not set.');
  });
});

describe('resolveTarget: the embedded database', () => {
  it('mode auto uses it when no URL is configured anywhere', () => {
    const resolved = resolveTarget(root, [configuredUrl('DATABASE_URL (url in prisma/schema.prisma)', undefined, false, 'DATABASE_URL')], projectEnv(), { command: 'deploy' });
    expect(resolved).toEqual({ target: { kind: 'embedded', dataDir: join(root, '.lockstep', 'pglite') }, warnings: [] });
  });

  it('mode auto does not use it when a URL is configured', () => {
    expect(resolveTarget(root, [], projectEnv({ DATABASE_URL: OTHER }), { embedded: 'auto', command: 'deploy' }).target.kind).toBe('server');
  });

  it('mode always uses it even with a URL', () => {
    const resolved = resolveTarget(root, [configuredUrl('url in prisma/schema.prisma', POOLED)], projectEnv({ DATABASE_URL: OTHER }), {
      url: DIRECT,
      embedded: 'always',
      command: 'deploy',
    });
    expect(resolved).toEqual({ target: { kind: 'embedded', dataDir: join(root, '.lockstep', 'pglite') }, warnings: [] });
  });

  it('mode never fails with a usage error that names the missing variable', () => {
    const error = failure(() => resolveTarget(root, [], projectEnv(), { embedded: 'never', command: 'deploy' }));
    expect(error.code).toBe('LS_NO_DATABASE_URL');
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('No database URL is configured: DATABASE_URL is not set.');
    expect(error.recovery[0]).toBe('Set DATABASE_URL (or pass --url), then run `lockstep deploy` again.');
    expect(error.recovery[1]).toContain('--embedded');
  });

  it('mode never names every missing variable, the preferred one first', () => {
    const configured = [configuredUrl('DIRECT_URL (directUrl in prisma/schema.prisma)', undefined, true, 'DIRECT_URL'), configuredUrl('DATABASE_URL (url in prisma/schema.prisma)', undefined, false, 'DATABASE_URL')];
    const error = failure(() => resolveTarget(root, configured, projectEnv(), { embedded: 'never', command: 'status' }));
    expect(error.message).toBe('No database URL is configured: DIRECT_URL, DATABASE_URL are not set.');
    expect(error.recovery[0]).toBe('Set DIRECT_URL (or pass --url), then run `lockstep status` again.');
  });
});

describe('resolveTarget: pooler warnings', () => {
  it('warns when the URL looks like a pooler and no direct URL is configured', () => {
    const resolved = resolveTarget(root, [], projectEnv({ DATABASE_URL: 'postgresql://app:pw@db.internal:6432/app' }), { command: 'deploy' });
    expect(server(resolved).url.port).toBe(6432);
    expect(resolved.warnings).toHaveLength(1);
    expect(resolved.warnings[0]!.code).toBe('LS_POOLED_URL');
    expect(resolved.warnings[0]!.message).toContain('DATABASE_URL (from the environment)');
    expect(resolved.warnings[0]!.message).toContain("6432, PgBouncer's default");
    expect(resolved.warnings[0]!.message).toContain('no direct URL is configured');
  });

  it('warns differently when the configured direct URL itself looks pooled', () => {
    const resolved = resolveTarget(root, [configuredUrl('directUrl in prisma/schema.prisma', 'postgresql://app:pw@x-pooler.example.com/app', true)], projectEnv(), { command: 'deploy' });
    expect(resolved.warnings).toHaveLength(1);
    expect(resolved.warnings[0]!.message).toContain('The direct URL from directUrl in prisma/schema.prisma looks like a transaction-mode pooler');
    expect(resolved.warnings[0]!.message).not.toContain('no direct URL is configured');
  });

  it('warns for a pooled --url', () => {
    const resolved = resolveTarget(root, [], projectEnv(), { url: 'postgresql://app:pw@db.internal:5432/app?pgbouncer=true', command: 'deploy' });
    expect(resolved.warnings.map((w) => w.code)).toEqual(['LS_POOLED_URL']);
    expect(resolved.warnings[0]!.message).toContain('pgbouncer=true');
  });

  it('does not warn when the chosen URL is configured as direct and is not pooled, even if another one is', () => {
    const configured = [configuredUrl('directUrl in prisma/schema.prisma', DIRECT, true), configuredUrl('url in prisma/schema.prisma', POOLED)];
    expect(resolveTarget(root, configured, projectEnv(), { command: 'deploy' }).warnings).toEqual([]);
  });

  it('does not warn for an ordinary URL', () => {
    expect(resolveTarget(root, [], projectEnv({ DATABASE_URL: OTHER }), { command: 'deploy' }).warnings).toEqual([]);
  });

  it('never puts the password in a warning', () => {
    const resolved = resolveTarget(root, [], projectEnv({ DATABASE_URL: 'postgresql://app:Sup3rS3cret@db.internal:6543/app' }), { command: 'deploy' });
    expect(resolved.warnings[0]!.message).not.toContain('Sup3rS3cret');
  });
});

describe('resolveTarget: unusable URLs', () => {
  it('rejects a MySQL URL', () => {
    const error = failure(() => resolveTarget(root, [], projectEnv({ DATABASE_URL: 'mysql://root:pw@localhost:3306/app' }), { command: 'deploy' }));
    expect(error.code).toBe('LS_DIALECT_UNSUPPORTED');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('The database URL from DATABASE_URL (from the environment) is a mysql URL; this project is configured for PostgreSQL.');
  });

  it('rejects a SQLite URL', () => {
    const error = failure(() => resolveTarget(root, [configuredUrl('url in prisma/schema.prisma', 'file:./dev.db')], projectEnv(), { command: 'deploy' }));
    expect(error.code).toBe('LS_DIALECT_UNSUPPORTED');
    expect(error.message).toContain('sqlite');
  });

  it('rejects an invalid URL without showing it', () => {
    const error = failure(() => resolveTarget(root, [], projectEnv({ DATABASE_URL: 'postgresql://app:N0tShown@db:port/app' }), { command: 'deploy' }));
    expect(error.code).toBe('LS_BAD_DATABASE_URL');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('DATABASE_URL (from the environment)');
    expect(error.message).not.toContain('N0tShown');
    expect(JSON.stringify(error.toJSON())).not.toContain('N0tShown');
  });

  it('rejects a URL with a broken percent-encoding as a usage error', () => {
    const error = failure(() => resolveTarget(root, [], projectEnv({ DATABASE_URL: 'postgresql://app:100%sure@db/app' }), { command: 'deploy' }));
    expect(error.code).toBe('LS_BAD_DATABASE_URL');
    expect(error.message).not.toContain('100%sure');
  });

  it('rejects an unusable --url even when a good URL is configured', () => {
    const error = failure(() => resolveTarget(root, [], projectEnv({ DATABASE_URL: OTHER }), { url: 'nonsense', command: 'deploy' }));
    expect(error.code).toBe('LS_BAD_DATABASE_URL');
    expect(error.message).toContain('--url');
  });
});
