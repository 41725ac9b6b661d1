import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { Customer } from './entity/Customer';
import { Invoice } from './entity/Invoice';
import { InvoiceLine } from './entity/InvoiceLine';

export const AppDataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  entities: [Customer, Invoice, InvoiceLine],
  // Compiled to dist/migration/*.js by `npm run build`; the data source finds the files next to itself.
  migrations: [`${__dirname}/migration/*.{ts,js}`],
  migrationsTableName: 'migrations',
  // One transaction per migration, so that a migration can opt out (`transaction = false`) for CREATE INDEX CONCURRENTLY.
  migrationsTransactionMode: 'each',
  synchronize: false,
  logging: false,
});
