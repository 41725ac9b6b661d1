import { describe, expect, it } from 'vitest';
import { readStaticConfig, type StaticConfigOptions } from '../../src/project/static-config.js';

const env: Record<string, string> = { DATABASE_URL: 'postgresql://app@db/app', SCHEMA: 'billing' };
const options: StaticConfigOptions = {
  env: (name) => env[name],
  identityImports: { 'drizzle-kit': ['defineConfig'] },
  sideEffectImports: ['dotenv/config'],
};
const read = (source: string) => readStaticConfig('drizzle.config.ts', source, options);

describe('readStaticConfig: a config file that is only data is read without running it', () => {
  it('reads defineConfig({...}) with process.env, TypeScript wrappers and type-only imports', async () => {
    expect(
      await read(`import 'dotenv/config';
import { defineConfig } from 'drizzle-kit';
import type { Config } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/db/schema.ts'],
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_URL! },
  migrations: { table: '__migrations', schema: process.env['SCHEMA'] ?? 'drizzle' },
  strict: true,
  verbose: !false,
}) satisfies Config;
`),
    ).toEqual({
      dialect: 'postgresql',
      schema: ['./src/db/schema.ts'],
      out: './drizzle',
      dbCredentials: { url: 'postgresql://app@db/app' },
      migrations: { table: '__migrations', schema: 'billing' },
      strict: true,
      verbose: true,
    });
  });

  it('reads a plain object, const bindings, template literals and conditionals on the environment', async () => {
    expect(
      await read(`const out = \`./drizzle/\${process.env.SCHEMA}\`;
type Env = 'a' | 'b';
export default {
  dialect: 'postgresql',
  out,
  dbCredentials: { url: process.env.MISSING || process.env.DATABASE_URL },
  tablesFilter: process.env.NODE_ENV === 'test' ? ['test_*'] : undefined,
} as const;
`),
    ).toEqual({
      dialect: 'postgresql',
      out: './drizzle/billing',
      dbCredentials: { url: 'postgresql://app@db/app' },
      tablesFilter: undefined,
    });
  });

  it('gives up, for the file to be run, on anything that is not data', async () => {
    const notData = [
      // another module, whose value lockstep cannot know without running it
      `import { url } from './src/env';\nexport default { dialect: 'postgresql', dbCredentials: { url } };`,
      // a function call, a spread, a computed key, a statement with effects
      `export default { dialect: 'postgresql', out: require('path').join('a', 'b') };`,
      `const base = { dialect: 'postgresql' };\nexport default { ...base, out: './drizzle' };`,
      `export default { ['dia' + 'lect']: 'postgresql' };`,
      `import * as dotenv from 'dotenv';\ndotenv.config({ path: '.env.local' });\nexport default { dialect: 'postgresql' };`,
      // CommonJS, and a function of drizzle-kit that is not defineConfig
      `module.exports = { dialect: 'postgresql' };`,
      `import { other } from 'drizzle-kit';\nexport default other({ dialect: 'postgresql' });`,
      // a syntax error, and no default export
      `export default { dialect: `,
      `export const config = { dialect: 'postgresql' };`,
    ];
    for (const source of notData) expect(await read(source), source).toBeUndefined();
  });
});
