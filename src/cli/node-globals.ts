/**
 * Node 21+ defines `navigator`; Node 20 does not, and node-postgres then probes for Cloudflare
 * Workers by constructing a fetch Response, which loads Node's bundled HTTP client (tens of
 * milliseconds on every start). The CLI process defines what newer Node versions define. The
 * library never does this: it would change the environment of the application that imports it.
 */
if (typeof (globalThis as { navigator?: unknown }).navigator === 'undefined') {
  Object.defineProperty(globalThis, 'navigator', {
    value: Object.freeze({ userAgent: `Node.js/${process.versions.node.split('.')[0]}` }),
    configurable: true,
    enumerable: false,
    writable: true,
  });
}
export {};
