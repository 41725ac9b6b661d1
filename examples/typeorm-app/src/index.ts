import { createServer } from 'node:http';
import { AppDataSource } from './data-source';
import { Invoice } from './entity/Invoice';

// Started by `lockstep deploy -- node dist/index.js`: migrations are applied before this runs, so
// the data source is initialised with migrationsRun off and synchronize off.
async function main(): Promise<void> {
  await AppDataSource.initialize();
  const invoices = AppDataSource.getRepository(Invoice);
  const server = createServer(async (req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200).end('ok');
      return;
    }
    if (req.url === '/invoices') {
      const rows = await invoices.find({ order: { createdAt: 'DESC' }, take: 50, relations: { customer: true } });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
      return;
    }
    res.writeHead(404).end();
  });
  server.listen(Number(process.env.PORT ?? 3000));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      server.close();
      void AppDataSource.destroy().finally(() => process.exit(0));
    });
  }
}

void main();
