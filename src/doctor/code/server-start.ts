/** Where a module starts accepting requests: `app.listen(...)`, Hono's `serve(...)`, `Bun.serve(...)`. */
import { type AstNode, calleeName, memberPath, unwrapExpression, walk } from '../../js/estree.js';
import type { ParsedSource } from '../scan/source-index.js';

export interface ServerStart {
  call: AstNode;
  ancestors: AstNode[];
  /** `app.listen`, `serve`, ... */
  name: string;
}

const SERVE_MODULES = new Set(['@hono/node-server', 'bun', '@apollo/server/standalone']);

export function serverStarts(source: ParsedSource): ServerStart[] {
  const serveLocals = new Set<string>();
  for (const imp of source.imports) {
    if (!SERVE_MODULES.has(imp.specifier)) continue;
    for (const b of imp.bindings) if (b.imported === 'serve' || b.imported === 'startStandaloneServer') serveLocals.add(b.local);
  }
  const starts: ServerStart[] = [];
  walk(source.program as unknown as AstNode, (node, ancestors) => {
    if (node.type !== 'CallExpression') return;
    const callee = unwrapExpression(node.callee as AstNode);
    const name = calleeName(node);
    if (!callee || !name) return;
    const path = memberPath(callee);
    if (callee.type === 'MemberExpression' && name === 'listen' && path?.[0] !== 'process') {
      starts.push({ call: node, ancestors: [...ancestors], name: path ? path.join('.') : 'listen' });
    } else if (callee.type === 'Identifier' && serveLocals.has(name)) {
      starts.push({ call: node, ancestors: [...ancestors], name });
    } else if (path?.join('.') === 'Bun.serve') {
      starts.push({ call: node, ancestors: [...ancestors], name: 'Bun.serve' });
    }
  });
  return starts;
}
