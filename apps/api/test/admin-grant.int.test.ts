import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, makeUser, type TestDatabase } from '@popbox/db/testing';

const run = promisify(execFile);
const apiDir = resolve(import.meta.dirname, '..');
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

async function grant(args: string[], env: Record<string, string | undefined>) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', 'src/cli/admin-grant.ts', ...args],
      { cwd: apiDir, env: { PATH: process.env.PATH, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const roleOf = async (id: string) =>
  (await database.pool.query('select email, role from users where id = $1', [id])).rows[0];

describe('pnpm admin:grant (F18)', () => {
  it('creates an admin, or promotes an existing user and updates the email', async () => {
    const id = '11111111-1111-4111-8111-111111111111';
    const created = await grant([id, 'first@popbox.test'], { DATABASE_URL: database.url });
    expect(created.code, created.stderr).toBe(0);
    expect(await roleOf(id)).toEqual({ email: 'first@popbox.test', role: 'admin' });
    const customer = await makeUser(database.db, { role: 'customer' });
    expect((await grant([customer.id, 'promoted@popbox.test'], { DATABASE_URL: database.url })).code).toBe(0);
    expect(await roleOf(customer.id)).toEqual({ email: 'promoted@popbox.test', role: 'admin' });
  });

  it('falls back to the dev launcher state outside production', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'popbox-data-'));
    try {
      await writeFile(join(dataDir, 'dev.json'), JSON.stringify({ databaseUrl: database.url }));
      const id = '22222222-2222-4222-8222-222222222222';
      const res = await grant([id, 'dev@popbox.test'], { POPBOX_DATA_DIR: dataDir });
      expect(res.code, res.stderr).toBe(0);
      expect(await roleOf(id)).toMatchObject({ role: 'admin' });
      const prod = await grant([id, 'dev@popbox.test'], { POPBOX_DATA_DIR: dataDir, NODE_ENV: 'production' });
      expect(prod.code).toBe(1);
      expect(prod.stderr).toContain('DATABASE_URL');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses bad arguments and an email owned by another user', async () => {
    expect((await grant(['nope', 'x'], { DATABASE_URL: database.url })).code).toBe(2);
    const other = await makeUser(database.db, { email: 'taken@popbox.test' });
    expect(other.id).toBeTruthy();
    const res = await grant(['33333333-3333-4333-8333-333333333333', 'taken@popbox.test'], {
      DATABASE_URL: database.url,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('email');
  });
});
