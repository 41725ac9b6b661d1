import { parseDatabaseUrl } from '../../db/url.js';
import { type AstNode, objectProperties, unwrapExpression, walk } from '../../js/estree.js';
import type { ProjectScan } from '../scan/project-scan.js';
import type { DoctorCheck } from '../types.js';

/** Where the package's code creates a PrismaClient that uses Prisma's own pool (no driver adapter). */
function pooledClients(scan: ProjectScan, dir: string): Array<{ file: string; line: number }> {
  const out: Array<{ file: string; line: number }> = [];
  const prefix = dir ? `${dir}/` : '';
  for (const path of scan.sources.containing('PrismaClient')) {
    if (!path.startsWith(prefix)) continue;
    const parsed = scan.sources.parse(path);
    if (!parsed) continue;
    walk(parsed.program as unknown as AstNode, (node) => {
      if (node.type !== 'NewExpression') return;
      const callee = unwrapExpression(node.callee as AstNode);
      if (callee?.type !== 'Identifier' || callee.name !== 'PrismaClient') return;
      const options = unwrapExpression((node.arguments as AstNode[])[0]);
      if (options?.type === 'ObjectExpression' && objectProperties(options).has('adapter')) return;
      out.push({ file: path, line: parsed.file.position(node.start).line });
    });
  }
  return out;
}

export const prismaNoConnectionLimit: DoctorCheck = {
  meta: {
    id: 'prisma-no-connection-limit',
    scope: 'prisma',
    severity: 'warning',
    title: 'A production database URL without `connection_limit`',
    why: 'Prisma\'s pool opens (CPU cores × 2 + 1) connections per process; replicas, a rolling deploy and the migration together exhaust max_connections ("too many clients already").',
    fix: 'Add `connection_limit` to the production URL, sized so that replicas × limit (× 2 during a rolling deploy) plus one connection for migrations stays under max_connections.',
    fixable: false,
    doc: {
      what: "A production value of the datasource's URL variable (.env.production, a Dockerfile `ENV`, a production compose file, a deploy job's `env`) without a `connection_limit` parameter, in a project whose code creates a `PrismaClient` without a driver adapter (so Prisma's own pool is used). Values are never printed.",
      why: 'Without `connection_limit`, each PrismaClient opens up to (number of CPU cores × 2 + 1) connections, and the number follows whatever machine the container lands on. A rolling deploy doubles the fleet for a while, and the migration needs a connection of its own: the server runs out ("FATAL: sorry, too many clients already", or "remaining connection slots are reserved"), and the deploy fails or the app errors while it runs.',
      fix: "Set `connection_limit` (and, behind a pooler, `pool_timeout`) in the production URL, e.g. `?connection_limit=5`, so that replicas × limit × 2 + the migration's connection < max_connections.",
      example: {
        file: '.env.production',
        bad: 'DATABASE_URL="postgresql://app:secret@db.internal:5432/app"',
        good: 'DATABASE_URL="postgresql://app:secret@db.internal:5432/app?connection_limit=5"',
      },
    },
  },
  run(scan, report) {
    for (const { dir, prisma } of scan.orms) {
      if (!prisma?.urlEnv) continue;
      const values = scan.envValues.filter((v) => v.production && v.name === prisma.urlEnv);
      if (values.length === 0) continue;
      const clients = pooledClients(scan, dir);
      if (clients.length === 0) continue;
      for (const v of values) {
        let url: ReturnType<typeof parseDatabaseUrl>;
        try {
          url = parseDatabaseUrl(v.value);
        } catch {
          continue;
        }
        if (url.dialect === 'sqlite' || url.params.has('connection_limit')) continue;
        report({
          file: v.file,
          offset: v.offset,
          message: `${v.name} in ${v.file.path} has no connection_limit, and the app uses Prisma's own pool (new PrismaClient() at ${clients[0]!.file}:${clients[0]!.line}): each instance opens CPU cores × 2 + 1 connections.`,
        });
      }
    }
  },
};
