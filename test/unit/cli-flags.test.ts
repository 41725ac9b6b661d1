import { describe, expect, it } from 'vitest';
import { projectOptions, urlReference } from '../../src/cli/common.js';

const URL = 'postgresql://app:s3cret@db.internal:5432/app';

describe('recovery commands repeat the flags that chose the project and the database', () => {
  it('--url is repeated as the variable that holds the same URL, DATABASE_URL first, else as a placeholder; never the URL', () => {
    expect(urlReference(URL, { DATABASE_URL: URL, PROD_URL: URL })).toBe('"$DATABASE_URL"');
    expect(urlReference(URL, { PROD_URL: URL, OTHER: 'x' })).toBe('"$PROD_URL"');
    expect(urlReference(URL, { DATABASE_URL: 'postgresql://elsewhere/db' })).toBe('"<the URL you passed>"');
    expect(urlReference(URL, {})).toBe('"<the URL you passed>"');
  });

  it('--project, --orm, --config and --embedded are repeated; --url only when it was given', () => {
    expect(projectOptions({ project: 'apps/api', orm: 'drizzle', config: 'db/drizzle.config.ts', embedded: true }).cliFlags).toBe(
      '--project apps/api --orm drizzle --config db/drizzle.config.ts --embedded',
    );
    expect(projectOptions({}).cliFlags).toBe('');
    expect(projectOptions({ url: URL }).cliFlags).not.toContain('s3cret');
  });

  it('keeps an empty --url (a configuration error) and chooses the embedded mode from the flags', () => {
    expect(projectOptions({ url: '' })).toMatchObject({ url: '', embedded: 'auto' });
    expect(projectOptions({ embedded: true }).embedded).toBe('always');
    expect(projectOptions({ embedded: false }).embedded).toBe('never');
  });
});
