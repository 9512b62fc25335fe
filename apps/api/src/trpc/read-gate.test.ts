import { describe, expect, it } from 'vitest';
import { ReadGate, ReadGateFull } from './read-gate.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('ReadGate', () => {
  it('runs at most `concurrency` reads at once and admits waiters first come, first served', async () => {
    const gate = new ReadGate({ concurrency: 2, queue: 10, maxWaitMs: 10_000 });
    const blockers = [deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const read = (i: number, until?: Promise<void>) =>
      gate.run(async () => {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await until;
        running--;
      });
    const all = [read(0, blockers[0]!.promise), read(1, blockers[1]!.promise), read(2), read(3), read(4)];
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual([0, 1]);
    blockers[0]!.resolve();
    blockers[1]!.resolve();
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('refuses at once when the queue is full, and after maxWaitMs in the queue', async () => {
    const gate = new ReadGate({ concurrency: 1, queue: 1, maxWaitMs: 20 });
    const hold = deferred();
    const first = gate.run(() => hold.promise);
    const queued = gate.run(async () => 'late');
    await expect(gate.run(async () => 'overflow')).rejects.toBeInstanceOf(ReadGateFull);
    await expect(queued).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    hold.resolve();
    await first;
    expect(await gate.run(async () => 'free again')).toBe('free again');
  });

  it('frees the slot when a read fails', async () => {
    const gate = new ReadGate({ concurrency: 1, queue: 0, maxWaitMs: 10 });
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 1)).toBe(1);
  });
});
