import { describe, expect, it } from 'vitest';
import { readDatasource } from '../../src/orm/prisma/schema-file.js';

describe('readDatasource', () => {
  it('reads provider and url = env("...")', () => {
    const source = `datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n`;
    expect(readDatasource(source)).toEqual({
      name: 'db',
      provider: 'postgresql',
      url: { kind: 'env', name: 'DATABASE_URL' },
      directUrl: undefined,
      shadowDatabaseUrl: undefined,
      schemas: [],
      line: 1,
    });
  });

  it('reads a literal url', () => {
    const ds = readDatasource(
      `datasource main {\n  provider = "postgresql"\n  url = "postgresql://app:pw@localhost:5432/shop?schema=public"\n}`,
    );
    expect(ds?.name).toBe('main');
    expect(ds?.url).toEqual({ kind: 'literal', value: 'postgresql://app:pw@localhost:5432/shop?schema=public' });
  });

  it('reads directUrl, shadowDatabaseUrl and schemas', () => {
    const ds = readDatasource(`datasource db {
  provider          = "postgresql"
  url               = env("POOLED_URL")
  directUrl         = env("DIRECT_URL")
  shadowDatabaseUrl = "postgresql://localhost/shadow"
  schemas           = ["base", "transactional", "audit"]
}`);
    expect(ds).toMatchObject({
      url: { kind: 'env', name: 'POOLED_URL' },
      directUrl: { kind: 'env', name: 'DIRECT_URL' },
      shadowDatabaseUrl: { kind: 'literal', value: 'postgresql://localhost/shadow' },
      schemas: ['base', 'transactional', 'audit'],
    });
  });

  it('accepts env() with spaces and other keys it does not need', () => {
    const ds = readDatasource(`datasource db {
  provider     = "postgresql"
  url          = env( "DATABASE_URL" )
  relationMode = "prisma"
  extensions   = [pgcrypto, postgis(version: "3.4"), pg_trgm(schema: "ext")]
}`);
    expect(ds).toMatchObject({ provider: 'postgresql', url: { kind: 'env', name: 'DATABASE_URL' }, schemas: [] });
  });

  it('ignores // and /// comments, even with braces and quotes in them', () => {
    const source = `/// The "main" database } { "
// datasource fake { url = "postgresql://wrong" }
datasource db { // the real one, see "docs" }
  provider = "postgresql" // not "mysql"
  // url = env("OLD_URL") }
  /// directUrl = "postgresql://commented-out"
  url = env("DATABASE_URL") // {
}
model User {
  id Int @id
}`;
    const ds = readDatasource(source);
    expect(ds).toMatchObject({
      name: 'db',
      provider: 'postgresql',
      url: { kind: 'env', name: 'DATABASE_URL' },
      directUrl: undefined,
      line: 3,
    });
  });

  it('keeps // inside a string, it is not a comment', () => {
    const ds = readDatasource(`datasource db {\n  provider = "postgresql"\n  url = "postgresql://u@h/d" // trailing\n}`);
    expect(ds?.url).toEqual({ kind: 'literal', value: 'postgresql://u@h/d' });
  });

  it('reads escaped quotes and backslashes in strings', () => {
    const ds = readDatasource(`datasource db {\n  provider = "postgresql"\n  url = "postgresql://u:p\\"w\\\\d@h/d"\n}`);
    expect(ds?.url).toEqual({ kind: 'literal', value: 'postgresql://u:p"w\\d@h/d' });
  });

  it('returns undefined for a file without a datasource', () => {
    expect(readDatasource('')).toBeUndefined();
    expect(
      readDatasource(
        `generator client {\n  provider = "prisma-client-js"\n}\n\nmodel Post {\n  id Int @id\n  datasource String\n}\n`,
      ),
    ).toBeUndefined();
    expect(readDatasource('// datasource db { provider = "postgresql" }\n')).toBeUndefined();
  });

  it('finds a datasource after generators, models and enums, with its line', () => {
    const source = `generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["multiSchema"]
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique @map("e_mail")
  role  Role   @default(USER)
  /// "quoted" { doc }
  @@map("users")
}

enum Role {
  USER
  ADMIN
}

datasource pg {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
`;
    expect(readDatasource(source)).toMatchObject({
      name: 'pg',
      provider: 'postgresql',
      url: { kind: 'env', name: 'DATABASE_URL' },
      line: 19,
    });
  });

  it('counts lines inside multi-line strings before the datasource', () => {
    const source = [
      'model A {',
      '  id Int @id @default(dbgenerated("first',
      'second"))',
      '}',
      'datasource db {',
      '  provider = "postgresql"',
      '}',
    ].join('\n');
    expect(readDatasource(source)?.line).toBe(5);
  });

  it('returns the first datasource when there are several', () => {
    const ds = readDatasource(
      `datasource a {\n  provider = "postgresql"\n  url = env("A_URL")\n}\ndatasource b {\n  provider = "mysql"\n  url = env("B_URL")\n}`,
    );
    expect(ds).toMatchObject({ name: 'a', url: { kind: 'env', name: 'A_URL' } });
  });

  it('handles CRLF line endings', () => {
    const ds = readDatasource(
      'generator client {\r\n  provider = "prisma-client-js"\r\n}\r\n\r\ndatasource db {\r\n  provider = "postgresql"\r\n  url = env("DATABASE_URL")\r\n}\r\n',
    );
    expect(ds).toMatchObject({ provider: 'postgresql', url: { kind: 'env', name: 'DATABASE_URL' }, line: 5 });
  });

  it('leaves values it cannot read unset', () => {
    const ds = readDatasource(
      `datasource db {\n  provider = "postgresql"\n  url = env(DATABASE_URL)\n  directUrl = 42\n  schemas = "public"\n}`,
    );
    expect(ds).toMatchObject({ provider: 'postgresql', url: undefined, directUrl: undefined, schemas: [] });
  });

  it('stops at the end of the block', () => {
    const ds = readDatasource(`datasource db {\n  provider = "postgresql"\n}\nmodel M {\n  url String @default("x")\n}\n`);
    expect(ds?.url).toBeUndefined();
  });
});
