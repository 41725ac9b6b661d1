import { readFileSync } from 'node:fs';

/**
 * Where a page of docs/ is published, for SARIF's helpUri: the package's `homepage`, or its GitHub
 * `repository`, from package.json. Undefined when neither is set, or when they still name the
 * placeholder owner `OWNER` (the repository is not published yet): SARIF then carries the rule help
 * as text and Markdown only, rather than links that lead nowhere.
 */
export function docsPageUrl(page: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      homepage?: string;
      repository?: string | { url?: string };
    };
    const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    const github = repository?.match(/github\.com[/:]([^/]+\/[^/.]+)/)?.[1];
    if (github?.startsWith('OWNER/') || pkg.homepage?.includes('/OWNER/')) return undefined;
    if (github) return `https://github.com/${github}/blob/HEAD/docs/${page}`;
    if (pkg.homepage && /^https?:\/\//.test(pkg.homepage))
      return `${pkg.homepage.replace(/#.*$/, '').replace(/\/$/, '')}/docs/${page}`;
  } catch {
    /* no package.json next to the build */
  }
  return undefined;
}

/** Where docs/lint.md is published. */
export function lintDocsUrl(): string | undefined {
  return docsPageUrl('lint.md');
}
