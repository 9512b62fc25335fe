import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKujiProduct, makeUser } from '@popbox/db/testing';
import { signDevToken, type KujiLiveState } from '@popbox/domain';
import { PROCESS_JWT_SECRET, startApiProcess, type ApiProcess } from './support/api-process.js';
import { openSse } from './support/sse.js';

let a: ApiProcess;
let b: ApiProcess;

beforeAll(async () => {
  a = await startApiProcess();
  // A second replica over the same database.
  b = await startApiProcess({ DATABASE_URL: a.database.url });
}, 300_000);
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

const state = (e: { data: string }) => JSON.parse(e.data) as KujiLiveState;
const tier = (s: KujiLiveState, name: string) => s.tiers.find((t) => t.tier === name);

describe('live board across API processes', () => {
  it('a subscriber on process B sees a prize edit committed through process A within a second', async () => {
    const { product, prizes } = await makeKujiProduct(a.database.db, { product: { slug: 'cross-live' } });
    const staff = await makeUser(a.database.db, { role: 'admin' });
    const token = await signDevToken({ secret: PROCESS_JWT_SECRET, subject: staff.id });

    const stream = await openSse(`${b.url}/api/v1/kuji/cross-live/live`);
    try {
      expect(stream.status).toBe(200);
      const first = state(await stream.next(undefined, { timeoutMs: 5_000 }));
      expect(tier(first, 'B')).toEqual({ tier: 'B', remaining: 3, initial: 3 });

      const b1 = prizes.find((p) => p.prizeCode === 'B1')!;
      const res = await fetch(`${a.url}/api/v1/admin/products/${product.id}/kuji-prizes/${b1.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ remainingQuantity: 1 }),
      });
      expect(res.status).toBe(200);
      const committedAt = Date.now();
      const changed = await stream.next((e) => tier(state(e), 'B')?.remaining === 1, {
        from: 1,
        timeoutMs: 1_000,
      });
      expect(Date.now() - committedAt).toBeLessThan(1_000);
      expect(state(changed)).toMatchObject({ productId: product.id, slug: 'cross-live' });
    } finally {
      stream.close();
    }
  });

  it('a process stopping with open live streams ends them and exits promptly', async () => {
    await makeKujiProduct(a.database.db, { product: { slug: 'cross-live-stop' } });
    const stream = await openSse(`${a.url}/api/v1/kuji/cross-live-stop/live`);
    await stream.next(undefined, { timeoutMs: 5_000 });
    const t0 = Date.now();
    await a.stop();
    await stream.ended;
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(a.child.exitCode).toBe(0);
  });
});
