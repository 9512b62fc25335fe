/**
 * `pnpm start`: runs the built API and jobs app (after `pnpm build`) with plain node: no tsx, no
 * development condition. Each app reads its own configuration from the environment. SIGINT/SIGTERM are
 * passed to both; when either stops, the other is stopped too, and the exit code is the worst of the two.
 * (In containers, run each app as its own process instead: see the Dockerfile.)
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const apps = [
  ['api', 'apps/api/dist/main.js'],
  ['jobs', 'apps/jobs/dist/main.js'],
];
const children = apps.map(([name, entry]) => {
  const child = spawn(process.execPath, [resolve(root, entry)], { stdio: 'inherit', env: process.env });
  child.on('exit', (code, signal) => {
    console.error(`[start] ${name} exited (${signal ?? code})`);
    for (const other of children) if (other !== child && other.exitCode === null) other.kill('SIGTERM');
    process.exitCode = Math.max(process.exitCode ?? 0, code ?? 1);
  });
  return child;
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => children.forEach((c) => c.exitCode === null && c.kill(signal)));
}
