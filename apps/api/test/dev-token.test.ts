import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEEDED_ADMIN_USER } from '@popbox/db';
import { devTokenVerifier } from '@popbox/domain';
import { DEV_DEFAULTS, SEEDED_ADMIN } from '../src/config.js';

const script = fileURLToPath(new URL('../scripts/admin-token.mjs', import.meta.url));

/** `pnpm admin:token` is a plain-JavaScript CLI: these keep it and the API's dev auth on the same rules. */
describe('admin:token', () => {
  it('issues for the admin the demo seed creates', () => {
    expect(SEEDED_ADMIN).toEqual(SEEDED_ADMIN_USER);
  });

  it('prints a token the API’s dev verifier accepts, with plain node (no TypeScript loader)', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
    delete env.DEV_JWT_SECRET;
    const token = execFileSync(process.execPath, [script], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .trim()
      .split('\n')
      .at(-1)!;
    await expect(devTokenVerifier(DEV_DEFAULTS.devJwtSecret).verify(token)).resolves.toEqual({
      subject: SEEDED_ADMIN.id,
    });
  });

  it('honours DEV_JWT_SECRET like the API, and refuses production', async () => {
    const env = { ...process.env, NODE_OPTIONS: '', DEV_JWT_SECRET: 'another-dev-secret-of-some-length' };
    const token = execFileSync(process.execPath, [script], { env, encoding: 'utf8' }).trim();
    await expect(devTokenVerifier('another-dev-secret-of-some-length').verify(token)).resolves.toBeTruthy();
    await expect(devTokenVerifier(DEV_DEFAULTS.devJwtSecret).verify(token)).rejects.toThrow();
    expect(() =>
      execFileSync(process.execPath, [script], { env: { ...env, NODE_ENV: 'production' }, stdio: 'pipe' }),
    ).toThrow(/production/);
  });
});
