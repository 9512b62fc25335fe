import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_NODE_FLAGS } from '../../../scripts/api-node-flags.mjs';

const root = resolve(import.meta.dirname, '../../..');

/** Records every module node loads, and prints their URLs when the process exits. */
const RECORD_LOADS = `data:text/javascript,${encodeURIComponent(`
  import { registerHooks } from 'node:module';
  const urls = [];
  registerHooks({ load(url, context, next) { urls.push(url); return next(url, context); } });
  process.on('exit', () => process.stdout.write(JSON.stringify(urls)));
`)}`;

/** Issue 14: what keeps the idle production API lean. */
describe('lean memory', () => {
  it('runs the built API with the same node flags in pnpm start, pnpm bench, the app script and the image', () => {
    const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');
    const apiCmd = /^CMD \["node", (.*), "dist\/main\.js"\]$/m.exec(dockerfile);
    expect(apiCmd && JSON.parse(`[${apiCmd[1]}]`)).toEqual(API_NODE_FLAGS);
    const { scripts } = JSON.parse(readFileSync(resolve(root, 'apps/api/package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.start).toBe(['node', ...API_NODE_FLAGS, 'dist/main.js'].join(' '));
    // The API hands back the heap freed after startup only when gc is exposed (releaseStartupMemory).
    expect(API_NODE_FLAGS).toContain('--expose-gc');
  });

  it('loads no payment, storage, email or token SDK until a request needs one', () => {
    const output = execFileSync(
      process.execPath,
      [
        '--conditions=development',
        '--import',
        'tsx',
        '--import',
        RECORD_LOADS,
        '--input-type=module',
        '-e',
        "await import('@popbox/domain'); await import('./apps/api/src/app.ts');",
      ],
      { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } },
    );
    const loaded = JSON.parse(output) as string[];
    const packageOf = (url: string) =>
      /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    const packages = new Set(loaded.map(packageOf).filter(Boolean));
    // The probe itself worked: the domain's database layer came in.
    expect(packages).toContain('drizzle-orm');
    for (const sdk of ['stripe', '@supabase/supabase-js', 'resend', 'jose']) {
      expect(packages, sdk).not.toContain(sdk);
    }
  }, 60_000);
});
