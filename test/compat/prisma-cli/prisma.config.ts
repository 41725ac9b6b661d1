import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// Runs Prisma Migrate through the WebAssembly schema engine bundled in
// prisma@6 (engine: "js"), so no native engine binary is downloaded.
// Workarounds for prisma@6.19.3 / @prisma/adapter-pg@6.19.3:

// 1. adapter-pg cannot map the PostgreSQL types `"char"` (OID 18) and `name`
//    (OID 19) that the engine reads from pg_catalog (migrate deploy, dev,
//    diff --from-migrations fail with "Column type 'name' could not be
//    deserialized from the database"). Report them as `text` (OID 25);
//    node-postgres already returns their values as strings.
const REMAP_OIDS: Record<number, number> = { 18: 25, 19: 25 };
let patched = false;
function patchPgAdapter(adapter: object): void {
  if (patched) return;
  // 5. adapter-pg's executeScript() splits a migration on every ";" and runs
  //    the pieces one by one: DO $$ ... ; ... $$ blocks / functions break, and
  //    a failing statement leaves the earlier ones applied. Send the whole
  //    script as one simple-protocol query instead, like the native engine
  //    does (one implicit transaction per migration file; a file holding only
  //    CREATE INDEX CONCURRENTLY still runs outside a transaction block).
  const adapterProto = Object.getPrototypeOf(adapter); // PrismaPgAdapter.prototype
  // biome-ignore lint/suspicious/noExplicitAny: patches the adapter's prototype method in place
  adapterProto.executeScript = async function (this: any, script: string) {
    try {
      await this.client.query(script);
    } catch (error) {
      this.onError(error);
    }
  };
  // adapter's grandparent prototype is PgQueryable.prototype
  const proto = Object.getPrototypeOf(adapterProto);
  const performIO = proto.performIO;
  proto.performIO = async function (this: unknown, query: unknown) {
    const result = await performIO.call(this, query);
    for (const field of result?.fields ?? []) {
      const to = REMAP_OIDS[field.dataTypeID];
      if (to !== undefined) field.dataTypeID = to;
    }
    return result;
  };
  patched = true;
}

// 2. The wasm engine arms a 10 s timer (advisory-lock timeout) that it never
//    clears, so `migrate deploy` / `resolve` would idle ~10 s before exiting.
//    Unref long timers so they cannot keep the CLI process alive on their own.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const timer = realSetTimeout(fn, ms, ...args);
  if ((ms ?? 0) >= 5000) timer.unref();
  return timer;
}) as unknown as typeof setTimeout;

// 3. Pass discrete connection fields, not `connectionString`: adapter-pg's
//    connectToShadowDb() overrides `database` for the shadow database, and
//    node-postgres lets a connectionString win over `database`, which would
//    make migrate dev / diff --from-migrations run shadow work in the main DB.
function pgConfigFromUrl(raw: string | undefined) {
  if (!raw) throw new Error('DATABASE_URL is not set');
  const url = new URL(raw);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    // 4. let the CLI process exit as soon as the pool is idle
    allowExitOnIdle: true,
  };
}

type PgConfig = ReturnType<typeof pgConfigFromUrl>;

class PatchedPrismaPg extends PrismaPg {
  constructor(private readonly pgConfig: PgConfig) {
    super(pgConfig);
  }

  async connect() {
    const adapter = await super.connect();
    patchPgAdapter(adapter);
    return adapter;
  }

  // 3b. adapter-pg's own connectToShadowDb() drops the shadow database before
  //     closing the pool connected to it ("database ... is being accessed by
  //     other users"), leaking one prisma_migrate_shadow_db_<uuid> database per
  //     run. Same logic, closing the shadow pool first.
  async connectToShadowDb() {
    const main = await this.connect();
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PatchedPrismaPg({ ...this.pgConfig, database }).connect();
    const disposeShadow = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await disposeShadow();
      await main.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      await main.dispose();
    };
    return shadow;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    return new PatchedPrismaPg(pgConfigFromUrl(process.env.DATABASE_URL));
  },
});
