/**
 * `pnpm start`: runs the built API and jobs app (after `pnpm build`) with plain node: no tsx, no
 * development condition. Each app reads its own configuration from the environment.
 *
 * First both apps' configuration checks run to completion and their problems are printed, API then jobs,
 * before either app starts: a fast-failing app can never cut the other's list short (issue 11 item 10).
 * Then both apps run; SIGINT/SIGTERM are passed to both; when either stops, the other is stopped too, and
 * the exit code is the worst of the two. (In containers, run each app as its own process instead: see the
 * Dockerfile.)
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_NODE_FLAGS } from './api-node-flags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const apps = [
  {
    name: 'api',
    entry: 'apps/api/dist/main.js',
    check: 'apps/api/dist/check-config.js',
    flags: API_NODE_FLAGS,
  },
  { name: 'jobs', entry: 'apps/jobs/dist/main.js', check: 'apps/jobs/dist/check-config.js', flags: [] },
];

/** Runs one app's configuration check, keeping its output to print in a fixed order. */
function checkConfig(app) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(root, app.check)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => done({ app, code: 1, output: `${app.name}: ${err.message}\n` }));
    child.on('close', (code, signal) => done({ app, code: code ?? 1, signal, output }));
  });
}

const stopping = { signal: undefined };
const children = [];
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping.signal = signal;
    children.forEach((c) => c.exitCode === null && c.kill(signal));
  });
}

const checks = await Promise.all(apps.map(checkConfig));
for (const { output } of checks)
  if (output) process.stderr.write(output.endsWith('\n') ? output : `${output}\n`);
const failed = checks.filter((c) => c.code !== 0);
if (stopping.signal) {
  process.exitCode = 0;
} else if (failed.length) {
  console.error(
    `[start] not starting: fix the configuration of ${failed.map((c) => c.app.name).join(' and ')}`,
  );
  process.exitCode = 1;
} else {
  for (const { name, entry, flags } of apps) {
    const child = spawn(process.execPath, [...flags, resolve(root, entry)], {
      stdio: 'inherit',
      env: process.env,
    });
    child.on('exit', (code, signal) => {
      console.error(`[start] ${name} exited (${signal ?? code})`);
      for (const other of children) if (other !== child && other.exitCode === null) other.kill('SIGTERM');
      process.exitCode = Math.max(process.exitCode ?? 0, code ?? 1);
    });
    children.push(child);
  }
}
