import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * jiti and sucrase are CommonJS packages. Loaded with require, Node does not first scan their
 * source for named exports, as it does when an ES module imports CommonJS: that scan of jiti's
 * bundle cost about 20 ms on every command that loads a TypeScript config file.
 */
export const loadJiti = (): typeof import('jiti') => require('jiti') as typeof import('jiti');
export const loadSucrase = (): typeof import('sucrase') => require('sucrase') as typeof import('sucrase');
