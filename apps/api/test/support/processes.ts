import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/**
 * The API and the jobs app as real child processes (tsx, development condition), as `pnpm dev` runs them,
 * with only the environment a test gives them. Their output is kept, to scan it for errors afterwards.
 */
const root = resolve(import.meta.dirname, '../../../..');

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startAppProcess(name: string, app: 'api' | 'jobs', env: Record<string, string>): AppProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', `apps/${app}/src/main.ts`],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NO_COLOR: '1',
        // The test beacon's chain (@popbox/domain/testing), shared with in-process test apps.
        KUJI_BEACON: 'local',
        LOCAL_BEACON_PERIOD_SECONDS: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return {
    name,
    child,
    output: () => out,
    exited,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Waits for `/ready` (database reachable, migrations at head). */
export async function waitForReady(url: string, proc: AppProcess, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited early:\n${proc.output()}`);
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name} never became ready:\n${proc.output()}`);
}

/** Waits for a jobs process to have scheduled its jobs and started working its queues. */
export async function waitForJobsWorker(proc: AppProcess, timeoutMs = 150_000): Promise<void> {
  await until(async () => {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited early:\n${proc.output()}`);
    return proc.output().includes('jobs worker started') ? true : undefined;
  }, timeoutMs);
}

/** Polls `probe` until it returns something other than undefined. */
export async function until<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  pollMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Queues one run of each named job on pg-boss, as the "send" a jobs process makes at start (apps/jobs owns
 * pg-boss, so the few lines run in a node child resolved from there). A running worker picks them up.
 */
export async function queueJobRuns(directUrl: string, schema: string, names: string[]): Promise<void> {
  const script = `
    import { PgBoss } from 'pg-boss';
    const [url, schema, ...names] = process.argv.slice(1);
    const boss = new PgBoss({ connectionString: url, schema, supervise: false, schedule: false, migrate: false });
    boss.on('error', (err) => { console.error(err); process.exit(1); });
    await boss.start();
    for (const name of names) await boss.send(name);
    await boss.stop({ graceful: false });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, directUrl, schema, ...names], {
    cwd: resolve(root, 'apps/jobs'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`queueing ${names.join(', ')} failed:\n${err}`);
}
