import { usageError } from '../errors.js';

/**
 * Objects that are managed elsewhere and left out of the comparison: `--ignore` patterns and
 * `drift.ignore` in lockstep.config.json. A pattern is `schema.name` or `name` (any schema), with
 * `*` (any characters) and `?` (one character); `schema.*` also leaves out the schema itself.
 */
export interface IgnoreRules {
  readonly patterns: string[];
  /** A table, view, sequence or type. */
  matches(schema: string, name: string): boolean;
  /** A whole schema (`schema.*`). */
  matchesSchema(schema: string): boolean;
}

const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

interface CompiledPattern {
  schema: RegExp | undefined;
  name: RegExp;
  wholeSchema: boolean;
}

export function ignoreRules(patterns: string[]): IgnoreRules {
  const compiled: CompiledPattern[] = patterns.map((pattern) => {
    const text = pattern.trim();
    if (!text || /\s/.test(text) || text.split('.').length > 2 || text.startsWith('.') || text.endsWith('.')) {
      throw usageError('LS_BAD_OPTION', `The ignore pattern "${pattern}" is not of the form schema.name or name.`, [
        'Write patterns such as public.audit_*, legacy.* or spatial_ref_sys (with * and ? as wildcards).',
      ]);
    }
    const dot = text.indexOf('.');
    if (dot === -1) return { schema: undefined, name: globToRegExp(text), wholeSchema: false };
    const name = text.slice(dot + 1);
    return { schema: globToRegExp(text.slice(0, dot)), name: globToRegExp(name), wholeSchema: name === '*' };
  });
  return {
    patterns: [...patterns],
    matches: (schema, name) => compiled.some((p) => (p.schema === undefined || p.schema.test(schema)) && p.name.test(name)),
    matchesSchema: (schema) => compiled.some((p) => p.wholeSchema && p.schema!.test(schema)),
  };
}

/** `drift.ignore` from lockstep.config.json, checked. */
export function configuredIgnorePatterns(drift: unknown, file: string | undefined): string[] {
  if (drift === undefined) return [];
  const where = file ?? 'lockstep.config.json';
  if (!drift || typeof drift !== 'object' || Array.isArray(drift)) {
    throw usageError('LS_CONFIG_INVALID', `"drift" in ${where} must be an object such as { "ignore": ["public.audit_*"] }.`, [
      `Fix ${where}, then run the command again.`,
    ]);
  }
  const unknown = Object.keys(drift).filter((key) => key !== 'ignore');
  if (unknown.length > 0) {
    throw usageError(
      'LS_CONFIG_INVALID',
      `"drift" in ${where} has unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}.`,
      [`Remove ${unknown.length > 1 ? 'them' : 'it'} (the known setting is "ignore"), then run the command again.`],
    );
  }
  const ignore = (drift as { ignore?: unknown }).ignore;
  if (ignore === undefined) return [];
  if (!Array.isArray(ignore) || ignore.some((item) => typeof item !== 'string')) {
    throw usageError(
      'LS_CONFIG_INVALID',
      `"drift.ignore" in ${where} must be an array of patterns such as ["public.audit_*", "legacy.*"].`,
      [`Fix ${where}, then run the command again.`],
    );
  }
  return ignore as string[];
}
