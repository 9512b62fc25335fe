import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes.js';

/**
 * Debian's pgbouncer (`.ci/run` installs it when it can). PGBOUNCER_BIN names another binary, or a missing
 * one to see the skip.
 */
export function findPgBouncer(): string | undefined {
  const candidates =
    process.env.PGBOUNCER_BIN !== undefined
      ? [process.env.PGBOUNCER_BIN]
      : ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];
  return candidates.find((path) => path !== '' && existsSync(path));
}

export interface PgBouncer {
  /** `url` with the host and port of the pooler instead of PostgreSQL's. */
  url: string;
  output(): string;
  close(): Promise<void>;
}

/**
 * A PgBouncer in transaction pooling mode in front of `targetUrl`'s server, as Supabase's pooler runs:
 * a server connection belongs to a client for one transaction only, so session state (session advisory
 * locks, named prepared statements, SET) does not survive between transactions.
 */
export async function startPgBouncer(bin: string, targetUrl: string): Promise<PgBouncer> {
  const target = new URL(targetUrl);
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'popbox-pgbouncer-'));
  // Run as root, pgbouncer drops to another user (`-u`), which must still read its ini file.
  await chmod(dir, 0o755);
  const server = [
    `host=${target.hostname}`,
    `port=${target.port || '5432'}`,
    `user=${decodeURIComponent(target.username || 'postgres')}`,
    ...(target.password ? [`password=${decodeURIComponent(target.password)}`] : []),
  ].join(' ');
  const ini = join(dir, 'pgbouncer.ini');
  await writeFile(
    ini,
    [
      '[databases]',
      `* = ${server}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      // Clients are trusted on loopback; the server login is the one in [databases].
      'auth_type = any',
      'pool_mode = transaction',
      'max_client_conn = 500',
      'default_pool_size = 20',
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0;
  const child = spawn(bin, [...(asRoot ? ['-u', 'nobody'] : []), ini], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited:\n${out}`);
    const listening = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (listening) break;
    if (Date.now() > deadline) throw new Error(`pgbouncer not listening:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }

  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    output: () => out,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
