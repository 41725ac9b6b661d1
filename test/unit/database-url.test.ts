import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, LockstepError } from '../../src/errors.js';
import { implicitEmbeddedRefusal, resolveTarget, type ResolvedTarget, type RunContext } from '../../src/project/database-url.js';
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

/** A person at an interactive terminal, outside CI. */
const TERMINAL: RunContext = { env: {}, terminal: true };

const DIRECT = 'postgresql://app:pw@db.internal:5432/direct_db';
const POOLED = 'postgresql://app:pw@db.internal:6543/pooled_db';
const OTHER = 'postgresql://app:pw@db.internal:5432/other_db';

describe('resolveTarget: which URL', () => {
  it('--url comes first', () => {
    const target = server(
      resolveTarget(
        root,
        [configuredUrl('directUrl in prisma/schema.prisma', DIRECT, true)],
        projectEnv({ DATABASE_URL: OTHER }),
        {
          url: 'postgresql://cli@cli-host/cli_db',
          command: 'deploy',
        },
      ),
    );
    expect(target.source).toBe('--url');
    expect(target.url).toMatchObject({ host: 'cli-host', database: 'cli_db', user: 'cli' });
  });

  it('then the configured URLs in their order, the direct one first', () => {
    const configured = [
      configuredUrl('DIRECT_URL (directUrl in prisma/schema.prisma)', DIRECT, true),
      configuredUrl('url in prisma/schema.prisma', POOLED),
    ];
    const resolved = resolveTarget(root, configured, projectEnv({ DATABASE_URL: OTHER }), { command: 'deploy' });
    expect(server(resolved).source).toBe('DIRECT_URL (directUrl in prisma/schema.prisma)');
    expect(server(resolved).url.database).toBe('direct_db');
    expect(resolved.warnings).toEqual([]);
  });

  it('skips configured URLs whose variable is not set', () => {
    const configured = [
      configuredUrl('DIRECT_URL (directUrl in prisma/schema.prisma)', undefined, true, 'DIRECT_URL'),
      configuredUrl('url in prisma/schema.prisma', OTHER),
    ];
    expect(server(resolveTarget(root, configured, projectEnv(), { command: 'deploy' })).source).toBe(
      'url in prisma/schema.prisma',
    );
  });

  it('an empty --url is a configuration error, even when a URL is configured', () => {
    for (const url of ['', '  ']) {
      const error = failure(() =>
        resolveTarget(root, [configuredUrl('url in prisma/schema.prisma', OTHER)], projectEnv(), {
          url,
          embedded: 'auto',
          command: 'deploy',
          context: TERMINAL,
        }),
      );
      expect(error.code).toBe('LS_EMPTY_DATABASE_URL');
      expect(error.exitCode).toBe(ExitCode.Usage);
      expect(error.message).toMatch(/^--url was given an empty value\./);
    }
    const api = failure(() => resolveTarget(root, [], projectEnv(), { url: '', command: 'deploy', phrasing: 'api' }));
    expect(api.message).toMatch(/^The url option is an empty string\./);
    expect(api.recovery[0]).toContain('then call it again');
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
    const target = server(
      resolveTarget(root, [], projectEnv({ DATABASE_URL: OTHER }, `DATABASE_URL=${DIRECT}\n`), { command: 'status' }),
    );
    expect(target.source).toBe('DATABASE_URL (from the environment)');
    expect(target.url.database).toBe('other_db');
  });

  it('a DATABASE_URL set but empty is a configuration error naming it, even with a .env file and at a terminal', () => {
    const error = failure(() =>
      resolveTarget(root, [], projectEnv({ DATABASE_URL: '' }, `DATABASE_URL=${DIRECT}\n`), {
        embedded: 'auto',
        command: 'status',
        context: TERMINAL,
      }),
    );
    expect(error.code).toBe('LS_EMPTY_DATABASE_URL');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^The database URL from DATABASE_URL \(from the environment\) is empty\./);
    expect(error.recovery[0]).toBe(
      "Set DATABASE_URL (from the environment) to the database's URL, or remove the empty setting, then run `lockstep status` again.",
    );
  });

  it('an empty DATABASE_URL in .env is a configuration error too', () => {
    const error = failure(() =>
      resolveTarget(root, [], projectEnv({}, 'DATABASE_URL=\n'), { embedded: 'auto', command: 'deploy', context: TERMINAL }),
    );
    expect(error.code).toBe('LS_EMPTY_DATABASE_URL');
    expect(error.message).toContain(`DATABASE_URL (from ${join(root, '.env')})`);
  });

  it('an ORM configuration that resolves to an empty URL is a configuration error naming it', () => {
    const configured = [
      configuredUrl('DIRECT_URL (directUrl in prisma/schema.prisma, from the environment)', '', true),
      configuredUrl('url in prisma/schema.prisma', OTHER),
    ];
    const error = failure(() =>
      resolveTarget(root, configured, projectEnv(), { embedded: 'auto', command: 'deploy', context: TERMINAL }),
    );
    expect(error.code).toBe('LS_EMPTY_DATABASE_URL');
    expect(error.message).toContain('DIRECT_URL (directUrl in prisma/schema.prisma, from the environment)');
    const drizzle = failure(() =>
      resolveTarget(root, [configuredUrl('dbCredentials in drizzle.config.ts', '')], projectEnv({ DATABASE_URL: OTHER }), {
        command: 'deploy',
      }),
    );
    expect(drizzle.message).toMatch(/^The database URL from dbCredentials in drizzle\.config\.ts is empty\./);
  });

  it('configured URLs come before DATABASE_URL', () => {
    const target = server(
      resolveTarget(
        root,
        [configuredUrl('datasource.url in prisma.config.ts', DIRECT, true)],
        projectEnv({ DATABASE_URL: OTHER }),
        { command: 'deploy' },
      ),
    );
    expect(target.source).toBe('datasource.url in prisma.config.ts');
  });

  it('does not read DATABASE_URL a second time when the configuration already names it', () => {
    const configured = [configuredUrl('DATABASE_URL (url in prisma/schema.prisma)', undefined, false, 'DATABASE_URL')];
    const error = failure(() => resolveTarget(root, configured, projectEnv(), { embedded: 'never', command: 'deploy' }));
    expect(error.message).toBe(
      'No database URL is configured: DATABASE_URL is not set. Tried: --url (not given), DATABASE_URL (url in prisma/schema.prisma) (not set).',
    );
  });
});

describe('resolveTarget: the embedded database', () => {
  const unset = () => [configuredUrl('DATABASE_URL (url in prisma/schema.prisma)', undefined, false, 'DATABASE_URL')];

  it('mode auto uses it when no URL is configured anywhere, at an interactive terminal', () => {
    const resolved = resolveTarget(root, unset(), projectEnv(), { embedded: 'auto', command: 'deploy', context: TERMINAL });
    expect(resolved).toEqual({ target: { kind: 'embedded', dataDir: join(root, '.lockstep', 'pglite') }, warnings: [] });
  });

  it('mode auto never uses it unasked in CI, with NODE_ENV=production, or without a terminal, and says why', () => {
    const cases: Array<[RunContext, string]> = [
      [{ env: { CI: 'true' }, terminal: true }, 'here CI is set'],
      [{ env: { CI: '1' }, terminal: true }, 'here CI is set'],
      [{ env: { NODE_ENV: 'production' }, terminal: true }, 'here NODE_ENV is production'],
      [{ env: {}, terminal: false }, 'here standard input or standard error is not a terminal'],
    ];
    for (const [context, why] of cases) {
      const error = failure(() => resolveTarget(root, unset(), projectEnv(), { embedded: 'auto', command: 'deploy', context }));
      expect(error.code).toBe('LS_NO_DATABASE_URL');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(why);
      expect(error.recovery[1]).toContain('pass --embedded');
    }
    expect(implicitEmbeddedRefusal({ env: { CI: 'false' }, terminal: true })).toBeUndefined();
  });

  it('mode auto does not use it when a URL is configured', () => {
    expect(
      resolveTarget(root, [], projectEnv({ DATABASE_URL: OTHER }), { embedded: 'auto', command: 'deploy', context: TERMINAL })
        .target.kind,
    ).toBe('server');
  });

  it('mode always (and true) uses it even with a URL, anywhere', () => {
    for (const embedded of ['always', true] as const) {
      const resolved = resolveTarget(
        root,
        [configuredUrl('url in prisma/schema.prisma', POOLED)],
        projectEnv({ DATABASE_URL: OTHER, CI: 'true' }),
        {
          url: DIRECT,
          embedded,
          command: 'deploy',
          context: { env: { CI: 'true' }, terminal: false },
        },
      );
      expect(resolved).toEqual({ target: { kind: 'embedded', dataDir: join(root, '.lockstep', 'pglite') }, warnings: [] });
    }
  });

  it('the API default never uses it: it rejects, listing the sources it tried', () => {
    const configured = [configuredUrl('datasource.url in prisma.config.ts', undefined, true, 'DATABASE_URL')];
    const error = failure(() =>
      resolveTarget(root, configured, projectEnv(), { command: 'deploy', phrasing: 'api', context: TERMINAL }),
    );
    expect(error.code).toBe('LS_NO_DATABASE_URL');
    expect(error.message).toBe(
      "No database URL is configured: DATABASE_URL is not set. The API uses the project's embedded database only when asked (embedded: true). Tried: the url option (not given), datasource.url in prisma.config.ts (not set), DATABASE_URL (not set).",
    );
    expect(error.details.tried).toEqual([
      { source: 'the url option', state: 'not given' },
      { source: 'datasource.url in prisma.config.ts', state: 'not set' },
      { source: 'DATABASE_URL', state: 'not set' },
    ]);
    expect(error.recovery).toEqual([
      'Set DATABASE_URL (or pass the url option), then call it again.',
      "To use the project's embedded database (.lockstep/pglite) instead, pass embedded: true.",
    ]);
  });

  it('mode never fails with a usage error that names the missing variable', () => {
    const error = failure(() => resolveTarget(root, [], projectEnv(), { embedded: 'never', command: 'deploy' }));
    expect(error.code).toBe('LS_NO_DATABASE_URL');
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'No database URL is configured: DATABASE_URL is not set. Tried: --url (not given), DATABASE_URL (not set).',
    );
    expect(error.recovery[0]).toBe('Set DATABASE_URL (or pass --url), then run `lockstep deploy` again.');
    expect(error.recovery[1]).toContain('--embedded');
  });

  it('mode never names every missing variable, the preferred one first', () => {
    const configured = [
      configuredUrl('DIRECT_URL (directUrl in prisma/schema.prisma)', undefined, true, 'DIRECT_URL'),
      configuredUrl('DATABASE_URL (url in prisma/schema.prisma)', undefined, false, 'DATABASE_URL'),
    ];
    const error = failure(() => resolveTarget(root, configured, projectEnv(), { embedded: 'never', command: 'status' }));
    expect(error.message).toMatch(/^No database URL is configured: DIRECT_URL, DATABASE_URL are not set\./);
    expect(error.recovery[0]).toBe('Set DIRECT_URL (or pass --url), then run `lockstep status` again.');
  });
});

describe('resolveTarget: pooler warnings', () => {
  it('warns when the URL looks like a pooler and no direct URL is configured', () => {
    const resolved = resolveTarget(root, [], projectEnv({ DATABASE_URL: 'postgresql://app:pw@db.internal:6432/app' }), {
      command: 'deploy',
    });
    expect(server(resolved).url.port).toBe(6432);
    expect(resolved.warnings).toHaveLength(1);
    expect(resolved.warnings[0]!.code).toBe('LS_POOLED_URL');
    expect(resolved.warnings[0]!.message).toContain('DATABASE_URL (from the environment)');
    expect(resolved.warnings[0]!.message).toContain("6432, PgBouncer's default");
    expect(resolved.warnings[0]!.message).toContain('no direct URL is configured');
  });

  it('warns differently when the configured direct URL itself looks pooled', () => {
    const resolved = resolveTarget(
      root,
      [configuredUrl('directUrl in prisma/schema.prisma', 'postgresql://app:pw@x-pooler.example.com/app', true)],
      projectEnv(),
      { command: 'deploy' },
    );
    expect(resolved.warnings).toHaveLength(1);
    expect(resolved.warnings[0]!.message).toContain(
      'The direct URL from directUrl in prisma/schema.prisma looks like a transaction-mode pooler',
    );
    expect(resolved.warnings[0]!.message).not.toContain('no direct URL is configured');
  });

  it('warns for a pooled --url', () => {
    const resolved = resolveTarget(root, [], projectEnv(), {
      url: 'postgresql://app:pw@db.internal:5432/app?pgbouncer=true',
      command: 'deploy',
    });
    expect(resolved.warnings.map((w) => w.code)).toEqual(['LS_POOLED_URL']);
    expect(resolved.warnings[0]!.message).toContain('pgbouncer=true');
  });

  it('does not warn when the chosen URL is configured as direct and is not pooled, even if another one is', () => {
    const configured = [
      configuredUrl('directUrl in prisma/schema.prisma', DIRECT, true),
      configuredUrl('url in prisma/schema.prisma', POOLED),
    ];
    expect(resolveTarget(root, configured, projectEnv(), { command: 'deploy' }).warnings).toEqual([]);
  });

  it('does not warn for an ordinary URL', () => {
    expect(resolveTarget(root, [], projectEnv({ DATABASE_URL: OTHER }), { command: 'deploy' }).warnings).toEqual([]);
  });

  it('never puts the password in a warning', () => {
    const resolved = resolveTarget(root, [], projectEnv({ DATABASE_URL: 'postgresql://app:Sup3rS3cret@db.internal:6543/app' }), {
      command: 'deploy',
    });
    expect(resolved.warnings[0]!.message).not.toContain('Sup3rS3cret');
  });
});

describe('resolveTarget: unusable URLs', () => {
  it('rejects a MySQL URL', () => {
    const error = failure(() =>
      resolveTarget(root, [], projectEnv({ DATABASE_URL: 'mysql://root:pw@localhost:3306/app' }), { command: 'deploy' }),
    );
    expect(error.code).toBe('LS_DIALECT_UNSUPPORTED');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'The database URL from DATABASE_URL (from the environment) is a mysql URL; this project is configured for PostgreSQL.',
    );
  });

  it('rejects a SQLite URL', () => {
    const error = failure(() =>
      resolveTarget(root, [configuredUrl('url in prisma/schema.prisma', 'file:./dev.db')], projectEnv(), { command: 'deploy' }),
    );
    expect(error.code).toBe('LS_DIALECT_UNSUPPORTED');
    expect(error.message).toContain('sqlite');
  });

  it('rejects an invalid URL without showing it', () => {
    const error = failure(() =>
      resolveTarget(root, [], projectEnv({ DATABASE_URL: 'postgresql://app:N0tShown@db:port/app' }), { command: 'deploy' }),
    );
    expect(error.code).toBe('LS_BAD_DATABASE_URL');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('DATABASE_URL (from the environment)');
    expect(error.message).not.toContain('N0tShown');
    expect(JSON.stringify(error.toJSON())).not.toContain('N0tShown');
  });

  it('rejects a URL with a broken percent-encoding as a usage error', () => {
    const error = failure(() =>
      resolveTarget(root, [], projectEnv({ DATABASE_URL: 'postgresql://app:100%sure@db/app' }), { command: 'deploy' }),
    );
    expect(error.code).toBe('LS_BAD_DATABASE_URL');
    expect(error.message).not.toContain('100%sure');
  });

  it('rejects an unusable --url even when a good URL is configured', () => {
    const error = failure(() =>
      resolveTarget(root, [], projectEnv({ DATABASE_URL: OTHER }), { url: 'nonsense', command: 'deploy' }),
    );
    expect(error.code).toBe('LS_BAD_DATABASE_URL');
    expect(error.message).toContain('--url');
  });
});
