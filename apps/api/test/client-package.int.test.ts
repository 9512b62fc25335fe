import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 15: `@popbox/client` works from outside the monorepo. The test builds the package from the workspace
 * sources, packs it (`pnpm pack`), installs the tarball into a scratch project in the OS temp dir (no
 * workspace above it), type-checks a storefront client under the config `tsc --init` writes and under a
 * strict one that also checks every declaration (skipLibCheck off), proves typos do not compile, and runs the
 * client against a live API: list, get, checkout with an Idempotency-Key, plus the kuji verifier subpath.
 */
const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const clientDir = join(root, 'packages/client');
const consumerDir = join(clientDir, 'test/consumer');

let app: TestApp;
let scratch: string;
let tarball: string;
const timings: Record<string, number> = {};

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings[label] = Date.now() - started;
  }
}

const tsc = (config: string) =>
  exec(process.execPath, [join(scratch, 'node_modules/typescript/bin/tsc'), '-p', config], {
    cwd: scratch,
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? 1,
      out: `${e.stdout}${e.stderr}`,
    }),
  );

/** The README's complete out-of-repo client (section "TypeScript client"): it must compile as written. */
async function readmeClient(): Promise<string> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('A complete client outside the repository'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README: no client example');
  return block;
}

async function buildPackInstall(): Promise<void> {
  // Staged in the scratch dir: a concurrent `pnpm build` (production-start test) rewrites packages/client/dist.
  const staged = join(scratch, 'package');
  await timed('build', () =>
    exec(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', 'scripts/build.ts', '--stage', staged],
      {
        cwd: clientDir,
      },
    ),
  );
  await timed('pack', () => exec('pnpm', ['pack', '--pack-destination', scratch], { cwd: staged }));
  await rm(staged, { recursive: true, force: true });
  tarball = (await readdir(scratch)).find((f) => f.endsWith('.tgz'))!;
  await writeFile(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch-storefront', private: true, type: 'module' }),
  );
  // From pnpm's store when it holds everything (it does after the workspace install); the registry otherwise.
  const add = (mode: string) =>
    exec('pnpm', ['add', `./${tarball}`, 'typescript@5.9.3', mode], { cwd: scratch });
  await timed('install', () => add('--offline').catch(() => add('--prefer-offline')));
  for (const file of await readdir(consumerDir)) await copyFile(join(consumerDir, file), join(scratch, file));
  await writeFile(join(scratch, 'storefront.ts'), await readmeClient());
  // The config a newcomer gets from `tsc --init` (TypeScript 5.9: strict, exactOptionalPropertyTypes, nodenext…).
  await exec(process.execPath, [join(scratch, 'node_modules/typescript/bin/tsc'), '--init'], {
    cwd: scratch,
  });
  await writeFile(
    join(scratch, 'tsconfig.client.json'),
    JSON.stringify({ extends: './tsconfig.json', files: ['client.ts', 'storefront.ts'] }),
  );
  await writeFile(
    join(scratch, 'tsconfig.typos.json'),
    JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, files: ['typos.ts'] }),
  );
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'popbox-client-consumer-'));
  [app] = await Promise.all([startTestApp(), buildPackInstall()]);
  await makeProduct(app.database.db, { product: { name: 'Aardvark Plush', slug: 'aardvark-plush' } });
  await makeProduct(app.database.db, { product: { name: 'Badger Mug', slug: 'badger-mug' } });
}, 300_000);

afterAll(async () => {
  await app?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
  console.log('client package timings (ms):', JSON.stringify(timings));
});

describe('@popbox/client outside the monorepo', () => {
  it('ships declarations that need no workspace package', async () => {
    const installed = join(scratch, 'node_modules/@popbox/client');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      '@noble/curves',
      '@noble/hashes',
      '@trpc/client',
      '@trpc/server',
      'zod',
    ]);
    const router = await readFile(join(installed, 'dist/app-router.d.ts'), 'utf8');
    expect(router).not.toMatch(/@popbox\/|drizzle|from '\.\./);
    // The verifier subpath imports nothing but @noble/* (Web Crypto is global).
    const verifier = await readFile(join(installed, 'dist/kuji-verifier.js'), 'utf8');
    const imports = [...verifier.matchAll(/from\s*["']([^"']+)["']/g)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((s) => s?.startsWith('@noble/'))).toBe(true);
    timings.tarballBytes = (await stat(join(scratch, tarball))).size;
    timings.routerDtsBytes = router.length;
  });

  it('type-checks a client under the tsc --init config, a strict one and a bundler one', async () => {
    const results = await timed('typecheck', () =>
      Promise.all(['tsconfig.client.json', 'tsconfig.strict.json', 'tsconfig.bundler.json'].map(tsc)),
    );
    for (const r of results) expect(r).toEqual({ code: 0, out: '' });
  }, 120_000);

  it('refuses typos in procedure names and inputs at compile time', async () => {
    const { code, out } = await tsc('tsconfig.typos.json');
    expect(code).not.toBe(0);
    // One error per typo, each on the line that holds it.
    const source = (await readFile(join(scratch, 'typos.ts'), 'utf8')).split('\n');
    const lineOf = (text: string) => String(source.findIndex((l) => l.includes(text)) + 1);
    const errorLines = out
      .split('\n')
      .filter((l) => l.startsWith('typos.ts('))
      .map((l) => /^typos\.ts\((\d+),/.exec(l)?.[1]);
    expect(errorLines).toEqual([
      lineOf("'three'"),
      lineOf("'lots'"),
      lineOf('listProduct.'),
      lineOf('slugg'),
    ]);
    expect(out).toContain("Type 'string' is not assignable to type 'number'");
    expect(out).toContain("Property 'listProduct' does not exist");
    expect(out).toContain("'slugg' does not exist");
  }, 60_000);

  it('runs against the live API: list, get, checkout with an Idempotency-Key, kuji verifier', async () => {
    const key = randomUUID();
    const { stdout } = await exec(process.execPath, ['run.mjs', app.url, key], { cwd: scratch });
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    expect(seen).toMatchObject({
      slugs: ['aardvark-plush', 'badger-mug'],
      productName: 'Aardvark Plush',
      withoutKey: 'IDEMPOTENCY_KEY_REQUIRED',
      restName: 'Aardvark Plush',
      parsedLimit: 5,
      beaconVerified: true,
    });
    // The same key replayed the first session instead of opening a second order.
    expect(seen.orderId).toEqual(seen.replayOrderId);
    expect(seen.checkoutUrl).toEqual(expect.stringContaining('http'));
  }, 60_000);
});
