import { createServer } from 'node:http';
import { PrismaClient } from '@prisma/client';

// Started by `lockstep deploy -- node dist/server.js`: by the time this runs, every migration
// in prisma/migrations has been applied, or the process was never started.
const prisma = new PrismaClient();

const server = createServer(async (req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  if (req.url === '/products') {
    const products = await prisma.product.findMany({ take: 50, orderBy: { createdAt: 'desc' }, include: { category: true } });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(products));
    return;
  }
  res.writeHead(404).end();
});

server.listen(Number(process.env.PORT ?? 3000));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close();
    void prisma.$disconnect().finally(() => process.exit(0));
  });
}
