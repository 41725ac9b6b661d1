import { createServer } from 'node:http';
import { desc, eq } from 'drizzle-orm';
import { db, pool } from './db/index.js';
import { tasks } from './db/schema.js';

// Started by `lockstep deploy -- node dist/server.js`: the migrations in ./drizzle are all applied
// before this process exists, so the app never runs migrate() itself.
const server = createServer(async (req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  const match = /^\/projects\/(\d+)\/tasks$/.exec(req.url ?? '');
  if (match) {
    const rows = await db.select().from(tasks).where(eq(tasks.projectId, Number(match[1]))).orderBy(desc(tasks.createdAt)).limit(100);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
    return;
  }
  res.writeHead(404).end();
});

server.listen(Number(process.env.PORT ?? 3000));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close();
    void pool.end().finally(() => process.exit(0));
  });
}
