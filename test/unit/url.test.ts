import { describe, expect, it } from 'vitest';
import { describeUrl, InvalidDatabaseUrl, parseDatabaseUrl, poolerSuspicion } from '../../src/db/url.js';

function invalid(raw: string): InvalidDatabaseUrl {
  try {
    parseDatabaseUrl(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDatabaseUrl);
    return error as InvalidDatabaseUrl;
  }
  throw new Error('expected InvalidDatabaseUrl');
}

describe('parseDatabaseUrl', () => {
  it('takes a full PostgreSQL URL apart', () => {
    const url = parseDatabaseUrl('postgresql://app:s3cret@db.example.com:5433/shop?schema=sales&sslmode=require');
    expect(url).toMatchObject({
      dialect: 'postgres',
      host: 'db.example.com',
      port: 5433,
      database: 'shop',
      user: 'app',
      password: 's3cret',
      schema: 'sales',
    });
    expect(url.params.get('sslmode')).toBe('require');
  });

  it('accepts both postgres:// and postgresql://', () => {
    expect(parseDatabaseUrl('postgres://u@h/d').dialect).toBe('postgres');
    expect(parseDatabaseUrl('postgresql://u@h/d').dialect).toBe('postgres');
  });

  it('defaults a PostgreSQL URL to port 5432, user postgres and a database named after the user', () => {
    expect(parseDatabaseUrl('postgresql://db.internal')).toMatchObject({
      host: 'db.internal',
      port: 5432,
      user: 'postgres',
      database: 'postgres',
      password: undefined,
      schema: undefined,
    });
    expect(parseDatabaseUrl('postgresql://alice@db.internal')).toMatchObject({ user: 'alice', database: 'alice' });
    expect(parseDatabaseUrl('postgresql://alice@db.internal/')).toMatchObject({ user: 'alice', database: 'alice' });
  });

  it('defaults the host to localhost when there is none', () => {
    expect(parseDatabaseUrl('postgresql:///shop')).toMatchObject({ host: 'localhost', port: 5432, database: 'shop' });
  });

  it('trims surrounding whitespace (a copied .env value)', () => {
    expect(parseDatabaseUrl('  postgresql://u:p@h:5432/d\n')).toMatchObject({ host: 'h', database: 'd', password: 'p' });
  });

  it('reads MySQL URLs with MySQL defaults', () => {
    expect(parseDatabaseUrl('mysql://root:pw@mysql.local/app')).toMatchObject({
      dialect: 'mysql',
      host: 'mysql.local',
      port: 3306,
      database: 'app',
      user: 'root',
      password: 'pw',
    });
    expect(parseDatabaseUrl('mysql://mysql.local')).toMatchObject({ dialect: 'mysql', port: 3306, user: 'root', database: '' });
    expect(parseDatabaseUrl('mariadb://m/app').dialect).toBe('mysql');
  });

  it('reads SQLite file: URLs', () => {
    expect(parseDatabaseUrl('file:./dev.db').dialect).toBe('sqlite');
    expect(parseDatabaseUrl('file:/var/data/app.db').dialect).toBe('sqlite');
  });

  it('decodes a percent-encoded user, password and database', () => {
    const url = parseDatabaseUrl('postgresql://app%40corp:p%40ss%3Aw%2Fo%23rd%25@h/my%20db');
    expect(url.user).toBe('app@corp');
    expect(url.password).toBe('p@ss:w/o#rd%');
    expect(url.database).toBe('my db');
  });

  it('keeps an empty password as no password', () => {
    expect(parseDatabaseUrl('postgresql://u:@h/d').password).toBeUndefined();
  });

  it('reads the schema parameter, decoded', () => {
    expect(parseDatabaseUrl('postgresql://u@h/d?schema=tenant_1').schema).toBe('tenant_1');
    expect(parseDatabaseUrl('postgresql://u@h/d?schema=My%20Schema').schema).toBe('My Schema');
    expect(parseDatabaseUrl('postgresql://u@h/d?schema=').schema).toBe('');
  });

  it('takes the socket directory from the host parameter when the URL has no host', () => {
    expect(parseDatabaseUrl('postgresql:///shop?host=/var/run/postgresql')).toMatchObject({
      host: '/var/run/postgresql',
      database: 'shop',
      port: 5432,
    });
  });

  it('takes the socket directory from the host parameter over the placeholder host Prisma documents', () => {
    // Prisma: postgresql://USER:PASSWORD@localhost/database?host=/var/run/postgresql/ ("the value itself is ignored").
    expect(parseDatabaseUrl('postgresql://app:pw@localhost/shop?host=/var/run/postgresql/')).toMatchObject({
      host: '/var/run/postgresql/',
      user: 'app',
      database: 'shop',
    });
  });

  it('reads an IPv6 host', () => {
    expect(parseDatabaseUrl('postgresql://u@[::1]:5433/d')).toMatchObject({ host: '[::1]', port: 5433 });
  });

  describe('invalid URLs', () => {
    const cases: Array<[string, string]> = [
      ['not a url', 'not a valid URL'],
      ['', 'not a valid URL'],
      ['localhost:5432/db', 'unsupported scheme'],
      ['postgresql://app:hunter22@db:notaport/shop', 'not a valid URL'],
      ['postgresql://app:hunter22@db:99999/shop', 'not a valid URL'],
      ['https://app:hunter22@db.example.com/shop', 'unsupported scheme "https"'],
      ['sqlserver://app:hunter22@db:1433', 'unsupported scheme "sqlserver"'],
    ];
    for (const [raw, expected] of cases) {
      it(`rejects ${JSON.stringify(raw)}`, () => {
        const error = invalid(raw);
        expect(error.message).toContain(expected);
        if (raw) expect(error.message).not.toContain(raw);
        expect(error.message).not.toContain('hunter22');
      });
    }

    it('rejects a malformed percent-encoding in the password without showing it', () => {
      const error = invalid('postgresql://app:hunter%ZZ22@db/shop');
      expect(error.message).not.toContain('hunter');
      expect(error.message).not.toContain('postgresql://');
    });

    it('rejects a malformed percent-encoding in the user or database', () => {
      invalid('postgresql://ap%E0p:pw@db/shop');
      invalid('postgresql://app:pw@db/sh%ZZop');
    });
  });
});

describe('describeUrl', () => {
  it('names database, host, port and user', () => {
    expect(describeUrl(parseDatabaseUrl('postgresql://app:pw@db.example.com:6000/shop'))).toBe(
      'database "shop" on db.example.com:6000 as app',
    );
  });

  it('never contains the password, encoded or not', () => {
    const text = describeUrl(parseDatabaseUrl('postgresql://app:Tr0ub4dor%263@db/shop'));
    expect(text).not.toContain('Tr0ub4dor');
    expect(text).not.toContain('postgresql://');
  });
});

describe('poolerSuspicion', () => {
  const suspicion = (raw: string) => poolerSuspicion(parseDatabaseUrl(raw));

  it('flags pgbouncer=true', () => {
    expect(suspicion('postgresql://u:p@db.example.com:5432/d?pgbouncer=true')?.reason).toContain('pgbouncer=true');
    expect(suspicion('postgresql://u:p@db.example.com:5432/d?pgbouncer=false')).toBeUndefined();
  });

  it("flags PgBouncer's port 6432 and Supabase's transaction pooler port 6543", () => {
    expect(suspicion('postgresql://u:p@db.example.com:6432/d')?.reason).toContain('6432');
    expect(suspicion('postgresql://u:p@aws-0-eu-central-1.example.com:6543/postgres')?.reason).toContain('6543');
  });

  it('flags hosts that name a pooler', () => {
    expect(suspicion('postgresql://u:p@aws-0-eu-central-1.pooler.supabase.com:5432/postgres')?.reason).toContain('pooler');
    expect(suspicion('postgresql://u:p@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb')?.reason).toContain(
      'names a pooler',
    );
    expect(suspicion('postgresql://u:p@EP-X-POOLER.example.com/db')).toBeDefined();
  });

  it('does not flag a direct connection', () => {
    expect(suspicion('postgresql://u:p@db.example.com:5432/d')).toBeUndefined();
    expect(suspicion('postgresql://u:p@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb')).toBeUndefined();
    expect(suspicion('postgresql://u:p@db.supabase.co:5432/postgres')).toBeUndefined();
    expect(suspicion('postgresql://u:p@poolerdb.example.com/d')).toBeUndefined();
    expect(suspicion('postgresql://u:p@localhost/d')).toBeUndefined();
  });

  it('never flags a non-PostgreSQL URL', () => {
    expect(suspicion('mysql://u:p@h:6432/d')).toBeUndefined();
  });

  it('never puts the password in the reason', () => {
    const reason = suspicion('postgresql://u:hunter22@x-pooler.example.com/d')?.reason;
    expect(reason).toBeDefined();
    expect(reason).not.toContain('hunter22');
  });
});
