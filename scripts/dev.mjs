/**
 * `pnpm dev`: a plain-node front for the dev launcher (scripts/dev.ts) that makes Ctrl+C calm.
 *
 * Ctrl+C sends SIGINT to the terminal's whole foreground process group. If the launcher, the API, the jobs worker
 * and the embedded PostgreSQL were all in it, PostgreSQL would shut down at once, under the API and the jobs
 * worker (pg-boss then logs an error storm). So the launcher runs in a process group of its own (detached) and
 * everything it starts inherits that group: only this front gets the terminal's signals, and it asks the
 * launcher to stop — which stops the API and the jobs worker first, then the database, and prints one line.
 * If this front dies (even by SIGKILL), the launcher notices its IPC channel closing and stops the same way.
 * package.json runs it as `exec node scripts/dev.mjs`: without `exec` a `sh -c` sits between pnpm and this
 * front, dies of the terminal's SIGINT itself, and pnpm reports "ELIFECYCLE Command failed" (exit 130).
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const launcher = spawn(
  process.execPath,
  ['--conditions=development', '--import', 'tsx', 'scripts/dev.ts', ...process.argv.slice(2)],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true },
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  launcher.kill('SIGTERM');
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, stop);
launcher.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
