import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, pgInterval } from '../../src/util/duration.js';

describe('parseDuration', () => {
  it('reads a number with a unit', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('10min')).toBe(600_000);
    expect(parseDuration('4h')).toBe(14_400_000);
  });

  it('reads fractions and rounds to whole milliseconds', () => {
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('0.25s')).toBe(250);
    expect(parseDuration('1.2345s')).toBe(1235);
    expect(parseDuration('0.4ms')).toBe(0);
  });

  it('reads a bare number as milliseconds', () => {
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('0')).toBe(0);
  });

  it('accepts spaces and any case', () => {
    expect(parseDuration(' 2 s ')).toBe(2000);
    expect(parseDuration('3S')).toBe(3000);
    expect(parseDuration('1H')).toBe(3_600_000);
    expect(parseDuration('5MIN')).toBe(300_000);
  });

  it('accepts a non-negative number of milliseconds', () => {
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration(12.6)).toBe(13);
  });

  it('rejects strings that are not durations', () => {
    for (const input of [
      '',
      '   ',
      'abc',
      '-1s',
      '1d',
      '2 seconds',
      '1.s',
      '.5s',
      '1e3',
      '1s2',
      '5 m s',
      '1,5s',
      'NaN',
      'Infinity',
    ]) {
      expect(() => parseDuration(input), input).toThrow(RangeError);
    }
  });

  it('rejects negative and non-finite numbers', () => {
    for (const input of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => parseDuration(input), String(input)).toThrow(RangeError);
    }
  });

  it('names the setting and the value in its message', () => {
    expect(() => parseDuration('soon', '--lock-timeout')).toThrow('--lock-timeout "soon" is not a duration');
    expect(() => parseDuration(-5, 'retryDelay')).toThrow('retryDelay must be a non-negative number of milliseconds, got -5');
  });
});

describe('formatDuration', () => {
  it('milliseconds under a second', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(42)).toBe('42 ms');
    expect(formatDuration(42.4)).toBe('42 ms');
    expect(formatDuration(999)).toBe('999 ms');
  });

  it('seconds with two decimals under ten seconds, one decimal under a minute', () => {
    expect(formatDuration(1000)).toBe('1.00 s');
    expect(formatDuration(1300)).toBe('1.30 s');
    expect(formatDuration(9_994)).toBe('9.99 s');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(59_000)).toBe('59.0 s');
  });

  it('minutes and seconds from a minute on', () => {
    expect(formatDuration(60_000)).toBe('1 min');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_600_000)).toBe('60 min');
    expect(formatDuration(61_400)).toBe('1 min 1 s');
  });

  it('never shows 60 seconds: rounding up carries into the minutes', () => {
    expect(formatDuration(119_600)).toBe('2 min');
    expect(formatDuration(179_999)).toBe('3 min');
    expect(formatDuration(60_400)).toBe('1 min');
  });
});

describe('pgInterval', () => {
  it('gives whole, non-negative milliseconds', () => {
    expect(pgInterval(2000)).toBe('2000ms');
    expect(pgInterval(0)).toBe('0ms');
    expect(pgInterval(1.6)).toBe('2ms');
    expect(pgInterval(-5)).toBe('0ms');
  });
});
