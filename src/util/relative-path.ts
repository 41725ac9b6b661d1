import { relative, sep } from 'node:path';

/**
 * `path.relative(root, path)` for many paths under one root: a path below the root (as listings
 * of a migrations folder are) is cut with a string operation instead of resolving both sides again.
 * The empty result (the root itself) becomes `whenRoot`.
 */
export function relativeFrom(root: string, whenRoot = '.'): (path: string) => string {
  const under = root.endsWith(sep) ? root : root + sep;
  return (path) =>
    path.startsWith(under) && !path.includes(`${sep}..`) && !path.includes(`${sep}.${sep}`)
      ? path.slice(under.length)
      : relative(root, path) || whenRoot;
}
