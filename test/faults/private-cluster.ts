import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support.js';

const BIN = process.env.LOCKSTEP_FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL cluster of the suite's own (initdb in a temp directory, a free port), so
 * that it can be shut down hard without touching the shared server. As root, it runs as the
 * postgres user, since PostgreSQL refuses to run as root.
 */
export interface PrivateCluster {
  url: string;
  /** pg_ctl stop -m immediate: every backend ends at once, nothing is flushed (as a crash of the server process). */
  crash(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function runAs(
  command: string,
  args: string[],
  owner: { uid: number; gid: number } | undefined,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...(owner ?? {}),
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no postgres user to run the private cluster as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  if (!existsSync(join(BIN, 'initdb'))) throw new Error(`no initdb in ${BIN} (set LOCKSTEP_FAULTS_PG_BIN)`);
  const owner = postgresUser();
  const root = mkdtempSync(join(tmpdir(), 'lockstep-faults-cluster-'));
  if (owner) chownSync(root, owner.uid, owner.gid);
  const data = join(root, 'data');
  const port = await freePort();
  const init = await runAs(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], owner);
  if (init.code !== 0) throw new Error(`initdb failed: ${init.output}`);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c shared_buffers=32MB -c max_connections=40 -c fsync=on`;
  const cluster: PrivateCluster = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      const started = await runAs(
        join(BIN, 'pg_ctl'),
        ['-D', data, '-o', options, '-l', join(root, 'log'), '-w', '-t', '60', 'start'],
        owner,
      );
      if (started.code !== 0) throw new Error(`pg_ctl start failed: ${started.output}`);
    },
    async crash() {
      await runAs(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], owner);
    },
    async destroy() {
      await runAs(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], owner).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
