/**
 * Serves the project's embedded database (PGlite) over the PostgreSQL wire protocol on a local
 * TCP port, so that an app started by `deploy --embedded -- <command>` connects to it with its
 * ordinary driver through DATABASE_URL.
 *
 * PGlite runs one backend. Each message a client sends is handed to it as it is
 * (PGlite.execProtocolRaw) and its answer goes back to that client. Several clients share the
 * backend one at a time: a client owns it from its first message until PGlite answers it with
 * ReadyForQuery outside a transaction block, so that a transaction, an extended-protocol
 * exchange (Parse ... Sync) or a COPY is never interleaved with another client's messages; the
 * others wait their turn. A client that disconnects while it owns the backend has its
 * transaction rolled back.
 *
 * Prepared statements and portals live in that one backend too, so the names a client gives them
 * (Prisma's engine names its statements s0, s1, ... on every connection) are prefixed with the
 * client's own, and a client's statements are closed when it disconnects. Session settings (SET)
 * are shared by all clients.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSS_ENCRYPTION_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

export interface EmbeddedServer {
  host: string;
  port: number;
  /** postgresql://postgres@host:port/postgres: no password (the server listens on loopback only). */
  url: string;
  close(): Promise<void>;
}

/** The ReadyForQuery status at the end of a backend answer: I (idle), T (in a transaction), E (failed transaction), or undefined when the answer does not end with one. */
export function readyStatus(answer: Uint8Array): string | undefined {
  const n = answer.length;
  if (n < 6 || answer[n - 6] !== 0x5a /* Z */) return undefined;
  const length = ((answer[n - 5]! << 24) | (answer[n - 4]! << 16) | (answer[n - 3]! << 8) | answer[n - 2]!) >>> 0;
  return length === 5 ? String.fromCharCode(answer[n - 1]!) : undefined;
}

/** The C string at `offset` and where the next field starts. */
function cString(bytes: Buffer, offset: number): [string, number] {
  const end = bytes.indexOf(0, offset);
  return [bytes.toString('utf8', offset, end), end + 1];
}

/**
 * The extended-protocol message with the client's statement and portal names given `prefix`
 * (Parse, Bind, Describe, Close, Execute); other messages as they are. The unnamed statement and
 * portal stay unnamed: each exchange that uses them runs while its client owns the backend.
 */
export function withNamesPrefixed(bytes: Buffer, prefix: string): Buffer {
  const type = String.fromCharCode(bytes[0]!);
  const named = (name: string) => (name === '' ? '' : `${prefix}${name}`);
  const fields: Array<string | Buffer> = [];
  let at = 5;
  const take = () => {
    const [value, next] = cString(bytes, at);
    at = next;
    return value;
  };
  switch (type) {
    case 'P': // Parse: statement, query, parameter types
      fields.push(named(take()), take());
      break;
    case 'B': // Bind: portal, statement, ...
      fields.push(named(take()), named(take()));
      break;
    case 'D': // Describe and Close: 'S' or 'P', then the name
    case 'C':
      fields.push(bytes.subarray(5, 6));
      at = 6;
      fields.push(named(take()));
      break;
    case 'E': // Execute: portal, row limit
      fields.push(named(take()));
      break;
    default:
      return bytes;
  }
  const head = fields.map((f) => (typeof f === 'string' ? Buffer.from(`${f}\0`, 'utf8') : f));
  const body = Buffer.concat([...head, bytes.subarray(at)]);
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}

/** A frontend message with its type byte and length: Sync, or a simple Query. */
function message(type: string, body: Buffer = Buffer.alloc(0)): Uint8Array {
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return new Uint8Array(out);
}

class Backend {
  private owner: Connection | undefined;
  private waiting: Array<() => void> = [];

  constructor(readonly db: PGlite) {}

  /** Runs one message of `connection` when the backend is free or already its own. */
  async run(connection: Connection, bytes: Uint8Array): Promise<Uint8Array> {
    while (this.owner && this.owner !== connection) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.owner = connection;
    let answer: Uint8Array;
    try {
      answer = await this.db.execProtocolRaw(bytes);
    } catch (error) {
      await this.giveUp(connection, []);
      throw error;
    }
    if (readyStatus(answer) === 'I') this.free(connection);
    return answer;
  }

  /** A client that left: end what it left open, close its prepared statements, then let the next one in. */
  async giveUp(connection: Connection, statements: Iterable<string>): Promise<void> {
    const names = [...statements];
    if (this.owner !== connection && names.length === 0) return;
    while (this.owner && this.owner !== connection) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.owner = connection;
    try {
      // Sync ends an unfinished extended-protocol exchange; ROLLBACK ends an open transaction.
      await this.db.execProtocolRaw(message('S'));
      await this.db.execProtocolRaw(message('Q', Buffer.from('ROLLBACK\0', 'utf8')));
      for (const name of names) await this.db.execProtocolRaw(message('C', Buffer.from(`S${name}\0`, 'utf8')));
      if (names.length > 0) await this.db.execProtocolRaw(message('S'));
    } catch {
      /* the backend is closing */
    }
    this.free(connection);
  }

  private free(connection: Connection): void {
    if (this.owner !== connection) return;
    this.owner = undefined;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

let connections = 0;

/** One client socket: splits what it sends into messages and runs them in order. */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  /** Prefixes this client's statement and portal names in the shared backend. */
  private readonly prefix = `lockstep_c${++connections}_`;
  /** The prepared statements this client made, by their name in the backend. */
  private readonly statements = new Set<string>();
  private started = false;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly backend: Backend,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const next = this.nextMessage();
      if (!next) return;
      this.chain = this.chain.then(() => this.handle(next));
    }
  }

  private nextMessage(): Buffer | undefined {
    const b = this.buffer;
    // Before startup a message is a length and a code; after it, a type byte and a length.
    const size = this.started ? (b.length >= 5 ? 1 + b.readInt32BE(1) : 0) : b.length >= 8 ? b.readInt32BE(0) : 0;
    if (size === 0 || b.length < size) {
      if (b.length >= 8 && size < (this.started ? 5 : 8)) this.socket.destroy(); // not the PostgreSQL protocol
      return undefined;
    }
    this.buffer = b.subarray(size);
    if (!this.started && b.readInt32BE(4) === PROTOCOL_3) this.started = true;
    return b.subarray(0, size);
  }

  private async handle(bytes: Buffer): Promise<void> {
    if (this.closed) return;
    if (bytes.length === 8 && (bytes.readInt32BE(4) === SSL_REQUEST || bytes.readInt32BE(4) === GSS_ENCRYPTION_REQUEST)) {
      this.socket.write('N'); // no encryption on loopback; the client goes on in plain text
      return;
    }
    if (!this.started && bytes.readInt32BE(4) === CANCEL_REQUEST) {
      this.socket.destroy(); // cancelling a running query is not supported
      return;
    }
    if (this.started && bytes[0] === 0x58 /* X: Terminate */) {
      this.socket.end();
      return;
    }
    if (this.started) {
      bytes = withNamesPrefixed(bytes, this.prefix);
      this.track(bytes);
    }
    try {
      const answer = await this.backend.run(this, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      if (answer.length > 0 && !this.socket.destroyed) this.socket.write(answer);
    } catch {
      this.socket.destroy();
    }
  }

  /** Remembers the named statements a Parse makes and a Close ends, to close them when the client leaves. */
  private track(bytes: Buffer): void {
    const type = bytes[0];
    if (type === 0x50 /* P */) {
      const [name] = cString(bytes, 5);
      if (name) this.statements.add(name);
    } else if (type === 0x43 /* C */ && bytes[5] === 0x53 /* S */) {
      this.statements.delete(cString(bytes, 6)[0]);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    // After the messages already queued, release what this client held.
    this.chain = this.chain.then(() => this.backend.giveUp(this, this.statements));
  }

  drained(): Promise<void> {
    return this.chain;
  }
}

/** Starts serving `db` on `host:port` (port 0: a free port). Closing stops the server; the database stays open. */
export async function serveEmbedded(db: PGlite, options: { host?: string; port?: number } = {}): Promise<EmbeddedServer> {
  const host = options.host ?? '127.0.0.1';
  const backend = new Backend(db);
  const connections = new Set<Connection>();
  const server: Server = createServer((socket) => {
    const connection = new Connection(socket, backend);
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    url: `postgresql://postgres@${host}:${port}/postgres?sslmode=disable`,
    async close() {
      const open = [...connections];
      for (const connection of open) connection.close();
      await Promise.all(open.map((c) => c.drained().catch(() => undefined)));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
