import picomatch from 'picomatch';

const compiled = new Map<string, (path: string) => boolean>();

/**
 * A glob matcher (picomatch), compiled once per pattern: package and include patterns are tested
 * against every migration file of every function. `./` at the start is dropped; dotfiles match.
 */
export function globMatcher(pattern: string): (path: string) => boolean {
  let matcher = compiled.get(pattern);
  if (!matcher) compiled.set(pattern, (matcher = picomatch(pattern.replace(/^\.?\//, ''), { dot: true })));
  return matcher;
}
