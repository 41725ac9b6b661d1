import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_FILE_NAME, readConfigFile } from '../../src/config/config-file.js';
import { ExitCode, LockstepError } from '../../src/errors.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lockstep-unit-config-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const write = (name: string, content: unknown) =>
  writeFileSync(join(root, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));

function configError(): LockstepError {
  try {
    readConfigFile(root);
  } catch (error) {
    expect(error).toBeInstanceOf(LockstepError);
    return error as LockstepError;
  }
  throw new Error('expected a LockstepError');
}

describe('readConfigFile', () => {
  it('returns no settings when there is no configuration', () => {
    expect(readConfigFile(root)).toEqual({ file: undefined });
  });

  it('returns no settings when package.json has no "lockstep" key', () => {
    write('package.json', { name: 'app', dependencies: { prisma: '^6.0.0' } });
    expect(readConfigFile(root)).toEqual({ file: undefined });
  });

  it('reads lockstep.config.json', () => {
    write(CONFIG_FILE_NAME, {
      $schema: './node_modules/lockstep/schema.json',
      lockTimeout: '2s',
      statementTimeout: 0,
      concurrentStatementTimeout: '1h',
      lockRetries: 5,
      retryDelay: '500ms',
      retryMaxDelay: '30s',
      lockWait: '10m',
      strict: true,
      audit: { schema: 'ops', table: 'migrations_audit' },
    });
    expect(readConfigFile(root)).toEqual({
      file: 'lockstep.config.json',
      $schema: './node_modules/lockstep/schema.json',
      lockTimeout: '2s',
      statementTimeout: 0,
      concurrentStatementTimeout: '1h',
      lockRetries: 5,
      retryDelay: '500ms',
      retryMaxDelay: '30s',
      lockWait: '10m',
      strict: true,
      audit: { schema: 'ops', table: 'migrations_audit' },
    });
  });

  it('reads an empty object', () => {
    write(CONFIG_FILE_NAME, {});
    expect(readConfigFile(root)).toEqual({ file: 'lockstep.config.json' });
  });

  it('reads the "lockstep" key of package.json', () => {
    write('package.json', { name: 'app', lockstep: { lockTimeout: '3s', audit: false } });
    expect(readConfigFile(root)).toEqual({ file: 'the "lockstep" key of package.json', lockTimeout: '3s', audit: false });
  });

  it('prefers lockstep.config.json over package.json', () => {
    write('package.json', { name: 'app', lockstep: { lockTimeout: '3s' } });
    write(CONFIG_FILE_NAME, { lockTimeout: '9s' });
    expect(readConfigFile(root)).toEqual({ file: 'lockstep.config.json', lockTimeout: '9s' });
  });

  it('rejects an unknown setting with a usage error naming it', () => {
    write(CONFIG_FILE_NAME, { lockTimeout: '2s', lock_timeout: '2s' });
    const error = configError();
    expect(error.code).toBe('LS_CONFIG_INVALID');
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('lockstep.config.json has unknown setting "lock_timeout".');
    expect(error.recovery[0]).toContain('known settings: lockTimeout, statementTimeout');
    expect(error.recovery[0]).not.toContain('$schema');
    expect(error.state).toContain('Unchanged');
  });

  it('names every unknown setting', () => {
    write(CONFIG_FILE_NAME, { retries: 3, timeout: '1s' });
    expect(configError().message).toBe('lockstep.config.json has unknown settings "retries", "timeout".');
  });

  it('rejects unknown settings in package.json too', () => {
    write('package.json', { name: 'app', lockstep: { lockTimeOut: '2s' } });
    const error = configError();
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('the "lockstep" key of package.json has unknown setting "lockTimeOut".');
  });

  it('rejects invalid JSON with a usage error', () => {
    write(CONFIG_FILE_NAME, '{ "lockTimeout": "2s", }');
    const error = configError();
    expect(error.code).toBe('LS_CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^lockstep\.config\.json is not valid JSON: /);
  });

  it('rejects a value that is not an object', () => {
    for (const value of ['[]', '"2s"', '42', 'null', 'true']) {
      write(CONFIG_FILE_NAME, value);
      const error = configError();
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe('lockstep.config.json must be a JSON object.');
    }
  });

  it('rejects a "lockstep" key in package.json that is not an object', () => {
    write('package.json', { name: 'app', lockstep: ['lockTimeout'] });
    expect(configError().message).toBe('the "lockstep" key of package.json must be a JSON object.');
  });
});
