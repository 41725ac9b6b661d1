import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/db/url.js';
import { redact, redactDeep, registerSecret } from '../../src/util/redact.js';

describe('registered secrets', () => {
  it('replaces every occurrence of a registered secret', () => {
    registerSecret('tok-8f3a9c');
    expect(redact('token tok-8f3a9c failed; retry with tok-8f3a9c')).toBe('token *** failed; retry with ***');
  });

  it('leaves text without secrets unchanged', () => {
    registerSecret('never-printed-1');
    expect(redact('migration 20250101_init applied in 42 ms')).toBe('migration 20250101_init applied in 42 ms');
  });

  it('ignores empty, missing and very short values (they would redact ordinary text)', () => {
    registerSecret(undefined);
    registerSecret(null);
    registerSecret('');
    registerSecret('ab');
    expect(redact('a table named ab')).toBe('a table named ab');
  });

  it('also redacts the percent-encoded form of a registered secret', () => {
    registerSecret('p@ss word!');
    expect(redact('password p@ss word! or p%40ss%20word!')).not.toContain('p@ss');
    expect(redact('url postgresql://u:p%40ss%20word!@h/d')).not.toContain('p%40ss');
  });

  it('also redacts the decoded form of a registered percent-encoded secret', () => {
    registerSecret('s%2Fcr%3Dt');
    expect(redact('s/cr=t and s%2Fcr%3Dt')).toBe('*** and ***');
  });

  it('tolerates a secret that is not valid percent-encoding', () => {
    expect(() => registerSecret('100%-sure')).not.toThrow();
    expect(redact('I am 100%-sure')).toBe('I am ***');
  });

  it('replaces a whole registered URL before the password inside it', () => {
    const raw = 'postgresql://deployer:Ha9-Zk2x@db.internal:5432/prod';
    parseDatabaseUrl(raw);
    expect(redact(`could not connect with ${raw}`)).toBe('could not connect with ***');
    expect(redact('the password Ha9-Zk2x was rejected')).toBe('the password *** was rejected');
  });

  it('parseDatabaseUrl registers the decoded password too', () => {
    parseDatabaseUrl('postgresql://app:r%40nd0m%23pw@db/shop');
    expect(redact('auth failed for r@nd0m#pw')).toBe('auth failed for ***');
  });

  it('parseDatabaseUrl registers an unparseable URL as a whole', () => {
    expect(() => parseDatabaseUrl('postgresql://app:zz9-secret@db:notaport/shop')).toThrow();
    expect(redact('bad value postgresql://app:zz9-secret@db:notaport/shop')).toBe('bad value ***');
  });
});

describe('URL-embedded passwords', () => {
  it('redacts the password of any scheme://user:password@ URL, keeping the rest', () => {
    expect(redact('connect postgresql://app:unregistered1@db:5432/shop failed')).toBe(
      'connect postgresql://app:***@db:5432/shop failed',
    );
    expect(redact('mysql://root:unregistered2@localhost/app')).toBe('mysql://root:***@localhost/app');
    expect(redact('redis://:unregistered3@cache:6379')).toBe('redis://:***@cache:6379');
  });

  it('redacts several URLs in one text', () => {
    expect(redact('a=postgres://u:x1y2z3@h1/d b=postgres://v:q9w8e7@h2/d')).toBe(
      'a=postgres://u:***@h1/d b=postgres://v:***@h2/d',
    );
  });

  it('leaves URLs without a password alone', () => {
    expect(redact('postgresql://app@db:5432/shop')).toBe('postgresql://app@db:5432/shop');
    expect(redact('see https://example.com:8080/docs/exit-codes')).toBe('see https://example.com:8080/docs/exit-codes');
  });
});

describe('key=value passwords', () => {
  it('redacts password=, passwd= and pwd= values', () => {
    expect(redact('host=db password=plainpw1 dbname=shop')).toBe('host=db password=*** dbname=shop');
    expect(redact('passwd=plainpw2&user=x')).toBe('passwd=***&user=x');
    expect(redact('Pwd: plainpw3, next')).toBe('Pwd: ***, next');
  });

  it('redacts quoted values whole', () => {
    expect(redact(`password='with spaces'; host=h`)).toBe(`password=***; host=h`);
    expect(redact('PASSWORD = "also spaced" end')).toBe('PASSWORD = *** end');
  });

  it('redacts environment-style names that end in PASSWORD', () => {
    expect(redact('PGPASSWORD=envpw1 psql -h db')).toBe('PGPASSWORD=*** psql -h db');
    expect(redact('DB_PASSWORD=envpw2')).toBe('DB_PASSWORD=***');
  });

  it('leaves prose about passwords alone', () => {
    expect(redact('password authentication failed for user "app"')).toBe('password authentication failed for user "app"');
  });
});

describe('redactDeep', () => {
  it('redacts strings at any depth and keeps the shape', () => {
    registerSecret('deep-secret-42');
    const input = {
      message: 'failed with deep-secret-42',
      count: 3,
      ok: false,
      missing: null,
      nothing: undefined,
      nested: { list: ['a', 'postgresql://u:deeppw@h/d', { again: 'deep-secret-42' }] },
    };
    expect(redactDeep(input)).toEqual({
      message: 'failed with ***',
      count: 3,
      ok: false,
      missing: null,
      nothing: undefined,
      nested: { list: ['a', 'postgresql://u:***@h/d', { again: '***' }] },
    });
  });

  it('does not change its input', () => {
    registerSecret('deep-secret-43');
    const input = { a: ['deep-secret-43'] };
    redactDeep(input);
    expect(input).toEqual({ a: ['deep-secret-43'] });
  });

  it('keeps dates as they are', () => {
    const at = new Date('2025-01-01T00:00:00Z');
    const out = redactDeep({ at });
    expect(out.at).toBe(at);
  });

  it('handles plain strings and non-objects', () => {
    registerSecret('deep-secret-44');
    expect(redactDeep('x deep-secret-44')).toBe('x ***');
    expect(redactDeep(7)).toBe(7);
    expect(redactDeep(null)).toBeNull();
  });
});

describe('redaction never corrupts ordinary text', () => {
  it('a password that is an ordinary word is redacted where it stands as a password, never inside other words', () => {
    const raw = 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
    parseDatabaseUrl(raw);
    expect(redact('Deploying prisma migrations to database "postgres" on 127.0.0.1:5432 as postgres')).toBe(
      'Deploying prisma migrations to database "postgres" on 127.0.0.1:5432 as postgres',
    );
    expect(redact('the provider is postgresql; see https://www.postgresql.org/docs/')).toBe(
      'the provider is postgresql; see https://www.postgresql.org/docs/',
    );
    expect(redact(`connect ${raw} failed`)).toBe('connect *** failed');
    expect(redact('DATABASE_URL=postgresql://postgres:postgres@db:5432/shop')).toBe(
      'DATABASE_URL=postgresql://postgres:***@db:5432/shop',
    );
    expect(redact('host=db password=postgres')).toBe('host=db password=***');
  });

  it('a registered secret is replaced as a whole, not where it is part of a longer word', () => {
    registerSecret('s3cr3t-tok');
    expect(redact('token s3cr3t-tok, quoted "s3cr3t-tok", at the end s3cr3t-tok')).toBe(
      'token ***, quoted "***", at the end ***',
    );
    expect(redact('xs3cr3t-tok and s3cr3t-tokens')).toBe('xs3cr3t-tok and s3cr3t-tokens');
  });

  it('a password equal to the user or database name stays readable where it names them', () => {
    parseDatabaseUrl('postgresql://shop9:shop9@db.internal/shop9');
    expect(redact('database "shop9" as shop9')).toBe('database "shop9" as shop9');
    expect(redact('postgresql://shop9:shop9@db.internal/shop9?sslmode=require')).toBe('***?sslmode=require');
    expect(redact('postgresql://shop9:shop9@other/shop9')).toBe('postgresql://shop9:***@other/shop9');
  });
});
