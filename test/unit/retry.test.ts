import { describe, expect, it } from 'vitest';
import { backoffDelay, isConnectionLost, isLockTimeout } from '../../src/deploy/retry.js';

const pgError = (code: string, message = 'error') => Object.assign(new Error(message), { code, severity: 'ERROR' });
const sysError = (code: string, message = `${code} on socket`) => Object.assign(new Error(message), { code });

describe('backoffDelay', () => {
  const lowest = () => 0;
  const highest = () => 1;
  const middle = () => 0.5;

  it('draws the first pause from [base/2, base]', () => {
    expect(backoffDelay(1, 1000, 30_000, lowest)).toBe(500);
    expect(backoffDelay(1, 1000, 30_000, middle)).toBe(750);
    expect(backoffDelay(1, 1000, 30_000, highest)).toBe(1000);
  });

  it('doubles the ceiling with each attempt', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, 1000, 1_000_000, highest))).toEqual([
      1000, 2000, 4000, 8000, 16000,
    ]);
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, 1000, 1_000_000, lowest))).toEqual([
      500, 1000, 2000, 4000, 8000,
    ]);
  });

  it('caps the ceiling at max', () => {
    expect(backoffDelay(6, 1000, 10_000, highest)).toBe(10_000);
    expect(backoffDelay(6, 1000, 10_000, lowest)).toBe(5000);
    expect(backoffDelay(60, 1000, 10_000, middle)).toBe(7500);
  });

  it('treats attempt 0 and below like the first attempt', () => {
    expect(backoffDelay(0, 800, 10_000, highest)).toBe(800);
    expect(backoffDelay(-3, 800, 10_000, lowest)).toBe(400);
  });

  it('stays within [ceiling/2, ceiling] for any random value', () => {
    for (const r of [0, 0.1, 0.25, 0.3333, 0.5, 0.75, 0.9999]) {
      for (const attempt of [1, 2, 3, 7]) {
        const ceiling = Math.min(5000, 300 * 2 ** (attempt - 1));
        const delay = backoffDelay(attempt, 300, 5000, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it('is zero when the base is zero', () => {
    expect(backoffDelay(3, 0, 1000, highest)).toBe(0);
  });

  it('uses Math.random by default and stays in range', () => {
    const delay = backoffDelay(2, 1000, 30_000);
    expect(delay).toBeGreaterThanOrEqual(1000);
    expect(delay).toBeLessThanOrEqual(2000);
  });
});

describe('isLockTimeout', () => {
  it('is true for lock_not_available (55P03) and deadlock_detected (40P01)', () => {
    expect(isLockTimeout(pgError('55P03', 'canceling statement due to lock timeout'))).toBe(true);
    expect(isLockTimeout(pgError('40P01', 'deadlock detected'))).toBe(true);
  });

  it('is false for other SQLSTATEs', () => {
    expect(isLockTimeout(pgError('57014', 'canceling statement due to statement timeout'))).toBe(false);
    expect(isLockTimeout(pgError('42P01', 'relation does not exist'))).toBe(false);
    expect(isLockTimeout(pgError('40001', 'could not serialize access'))).toBe(false);
  });

  it('is false for things that are not PostgreSQL errors', () => {
    expect(isLockTimeout(new Error('canceling statement due to lock timeout'))).toBe(false);
    expect(isLockTimeout({ code: '55P03', message: 'not an Error instance' })).toBe(false);
    expect(isLockTimeout('55P03')).toBe(false);
    expect(isLockTimeout(undefined)).toBe(false);
    expect(isLockTimeout(null)).toBe(false);
  });
});

describe('isConnectionLost', () => {
  it('is true for server shutdowns and broken connections', () => {
    expect(isConnectionLost(pgError('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isConnectionLost(pgError('57P02', 'terminating connection due to crash of another server process'))).toBe(true);
    expect(isConnectionLost(pgError('08006', 'connection failure'))).toBe(true);
    expect(isConnectionLost(pgError('08003', 'connection does not exist'))).toBe(true);
  });

  it('is false for other PostgreSQL errors, whatever their message says', () => {
    expect(isConnectionLost(pgError('55P03', 'lock timeout'))).toBe(false);
    expect(isConnectionLost(pgError('42601', 'Connection terminated in a comment'))).toBe(false);
  });

  it('is true for socket errors', () => {
    expect(isConnectionLost(sysError('ECONNRESET', 'read ECONNRESET'))).toBe(true);
    expect(isConnectionLost(sysError('EPIPE', 'write EPIPE'))).toBe(true);
  });

  it("is true for node-postgres' messages about a closed connection", () => {
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLost(new Error('Connection terminated'))).toBe(true);
    expect(isConnectionLost(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isConnectionLost(new Error('The connection is closed'))).toBe(true);
    expect(isConnectionLost('Connection terminated unexpectedly')).toBe(true);
  });

  it('is false for unrelated errors and values', () => {
    expect(isConnectionLost(new Error('syntax error at or near "SELEC"'))).toBe(false);
    expect(isConnectionLost(sysError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe(false);
    expect(isConnectionLost(undefined)).toBe(false);
    expect(isConnectionLost(null)).toBe(false);
    expect(isConnectionLost(42)).toBe(false);
  });
});
