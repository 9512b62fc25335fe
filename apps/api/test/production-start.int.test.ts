import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '@popbox/db';
import { withDatabase } from '@popbox/db/testing';
import { PRODUCTION_ENV } from './support/production-env.js';

/**
 * `pnpm build`, then the built apps exactly as a server runs them: plain `node`, no tsx, no development
 * condition, NODE_ENV=production with real-looking settings, against a database migrated by the built db
 * package.
 */
const root = resolve(import.meta.dirname, '../../..');
let databaseUrl: string;
let databaseName: string;
const running = new Set<ChildProcess>();

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

function run(entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d) => (out.stdout += d));
  child.stderr?.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((done) =>
    child.on('exit', (code) => {
      running.delete(child);
      done(code);
    }),
  );
  return { child, out, exited };
}

async function waitForReady(port: number, child: ChildProcess, out: { stdout: string; stderr: string }) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`exited early:\n${out.stdout}\n${out.stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      if (res.ok) return res;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never ready:\n${out.stdout}\n${out.stderr}`);
}

beforeAll(async () => {
  const build = spawnSync('pnpm', ['build'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`pnpm build failed:\n${build.stdout}\n${build.stderr}`);

  const { adminUrl, runId } = inject('testDb');
  databaseName = `popbox_t_${runId}_prod_${randomBytes(3).toString('hex')}`;
  const admin = createDb(adminUrl, { max: 1 });
  await admin.pool.query(`CREATE DATABASE "${databaseName}"`);
  await admin.close();
  databaseUrl = withDatabase(adminUrl, databaseName);

  const migrate = run('packages/db/dist/cli/migrate.js', { DATABASE_URL: databaseUrl });
  expect(await migrate.exited, migrate.out.stderr).toBe(0);
}, 300_000);

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  if (!databaseName) return;
  const admin = createDb(inject('testDb').adminUrl, { max: 1 });
  await admin.pool.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.close();
});

describe('the built API in production mode', () => {
  it('starts, answers /ready against the real database, logs JSON, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const api = run('apps/api/dist/main.js', {
      ...PRODUCTION_ENV,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
    });
    const ready = await waitForReady(port, api.child, api.out);
    expect(await ready.json()).toMatchObject({ durationMs: expect.any(Number), uptime: expect.any(Number) });

    const tags = await fetch(`http://127.0.0.1:${port}/api/v1/tags`, {
      headers: { origin: 'https://shop.popbox.example' },
    });
    expect(tags.status).toBe(200);
    expect(tags.headers.get('access-control-allow-origin')).toBe('https://shop.popbox.example');
    expect(tags.headers.get('ratelimit')).toMatch(/^limit=300, remaining=299/);
    expect(tags.headers.get('x-powered-by')).toBeNull();

    // Issue 14: the kuji verifier's browser bundle is the one `pnpm build` wrote, served as is.
    const prebuilt = readFileSync(resolve(root, 'apps/api/dist/http/kuji-verify/browser.bundle.js'), 'utf8');
    const hash = createHash('sha256').update(prebuilt).digest('hex').slice(0, 16);
    const bundle = await fetch(`http://127.0.0.1:${port}/kuji/verifier.${hash}.js`);
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).toBe(prebuilt);

    // JSON logs only (no pretty printer in production), ISO timestamps, request id on request lines.
    for (let i = 0; i < 100 && !api.out.stdout.includes('GET /api/v1/tags'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const lines = api.out.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.some((l) => l.msg === 'database reachable, migrations at head')).toBe(true);
    const requestLine = parsed.find((l) => typeof l.msg === 'string' && l.msg.startsWith('GET /api/v1/tags'));
    expect(requestLine?.reqId).toBe(tags.headers.get('x-request-id'));
    expect(typeof requestLine?.time).toBe('string');

    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
  });

  it('refuses to start when settings are missing, listing every one', async () => {
    const { STRIPE_SECRET_KEY: _s, RESEND_API_KEY: _r, ...env } = PRODUCTION_ENV;
    const api = run('apps/api/dist/main.js', {
      ...env,
      DATABASE_URL: databaseUrl,
      PORT: String(await freePort()),
    });
    expect(await api.exited).toBe(1);
    expect(api.out.stderr).toContain('STRIPE_SECRET_KEY: required in production');
    expect(api.out.stderr).toContain('RESEND_API_KEY: required in production');
  });

  it('serves when the database is unreachable at startup, and reports the failures to Sentry, sanitised', async () => {
    // A fake Sentry ingest endpoint: the real SDK and transport send envelopes to it.
    const envelopes: string[] = [];
    const ingest = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        envelopes.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString());
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((done) => ingest.listen(0, '127.0.0.1', done));
    const ingestPort = (ingest.address() as { port: number }).port;
    const port = await freePort();
    const api = run('apps/api/dist/main.js', {
      ...PRODUCTION_ENV,
      DATABASE_URL: 'postgres://popbox@127.0.0.1:1/popbox',
      PORT: String(port),
      SENTRY_DSN: `http://public@127.0.0.1:${ingestPort}/1`,
      SENTRY_RELEASE: 'popbox@e2e',
    });
    try {
      for (let i = 0; i < 300; i++) {
        if (api.child.exitCode !== null) throw new Error(api.out.stdout + api.out.stderr);
        const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        if (res?.ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(api.out.stdout).toContain('database probe failed');
      expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(503);

      const failing = await fetch(
        `http://127.0.0.1:${port}/api/trpc/public.catalog.listTags?token=tok-e2e-hidden`,
        {
          headers: { authorization: 'Bearer jwt-e2e-hidden', 'x-order-token': 'ot-e2e-hidden' },
        },
      );
      expect(failing.status).toBe(500);
      for (let i = 0; i < 100 && !envelopes.some((e) => e.includes('"type":"event"')); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const event = envelopes.find((e) => e.includes('"type":"event"'));
      expect(event).toContain('public.catalog.listTags');
      expect(event).toContain('popbox@e2e');
      expect(event).toContain('token=%5BREDACTED%5D');
      expect(envelopes.join('\n')).not.toContain('e2e-hidden');
    } finally {
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
      await new Promise((done) => ingest.close(done));
    }
  });
});

describe('pnpm start', () => {
  it("prints both apps' missing settings before starting either, every time", async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const start = run('scripts/start.mjs', { NODE_ENV: 'production' });
      expect(await start.exited, `attempt ${attempt}`).toBe(1);
      const { stderr } = start.out;
      const api = stderr.indexOf('api: invalid configuration');
      const jobs = stderr.indexOf('jobs: invalid configuration');
      expect(api, `attempt ${attempt}:\n${stderr}`).toBeGreaterThanOrEqual(0);
      expect(jobs, `attempt ${attempt}:\n${stderr}`).toBeGreaterThan(api);
      const apiList = stderr.slice(api, jobs);
      const jobsList = stderr.slice(jobs);
      for (const key of ['CORS_ORIGIN', 'STRIPE_WEBHOOK_SECRET', 'ORDER_TOKEN_PEPPER', 'DATABASE_URL']) {
        expect(apiList).toContain(`  - ${key}: required in production\n`);
      }
      for (const key of ['DATABASE_URL', 'RESEND_API_KEY', 'RESEND_FROM_EMAIL', 'STRIPE_SECRET_KEY']) {
        expect(jobsList).toContain(`  - ${key}: required in production\n`);
      }
      expect(stderr).toContain('[start] not starting: fix the configuration of api and jobs');
      expect(start.out.stdout).toBe('');
    }
  }, 180_000);

  it("prints the one failing app's problems and starts neither", async () => {
    const { RESEND_API_KEY: _r, ...env } = PRODUCTION_ENV;
    const start = run('scripts/start.mjs', {
      ...env,
      DATABASE_URL: databaseUrl,
      STRIPE_SECRET_KEY: 'sk_test_...',
      PORT: String(await freePort()),
    });
    expect(await start.exited).toBe(1);
    expect(start.out.stderr).toContain(
      "  - STRIPE_SECRET_KEY: looks like the .env.example placeholder 'sk_test_...'; set your real Stripe secret key",
    );
    expect(start.out.stderr).toMatch(
      /api: invalid configuration\n[\s\S]*RESEND_API_KEY: required in production/,
    );
    expect(start.out.stderr).toMatch(
      /jobs: invalid configuration\n[\s\S]*RESEND_API_KEY: required in production/,
    );
    expect(start.out.stdout).toBe('');
  });

  it('runs the built API and jobs together and stops both on SIGTERM', async () => {
    const port = await freePort();
    const start = run('scripts/start.mjs', {
      ...PRODUCTION_ENV,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
    });
    await waitForReady(port, start.child, start.out);
    for (let i = 0; i < 300 && !start.out.stdout.includes('jobs worker started'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(start.out.stdout).toContain('jobs worker started');
    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
  });
});
