import { DomainError } from '@popbox/domain';

export interface ReadGateSettings {
  /**
   * Public reads running at once. A read runs up to 3 queries at once (home, kuji fairness), so reads hold
   * at most 3 × concurrency connections: keep that under the pool size, with room left for everything else.
   */
  concurrency: number;
  /** Public reads waiting for a slot; one more is refused at once (503). */
  queue: number;
  /** How long a read may wait for a slot before it is refused (503). */
  maxWaitMs: number;
}

/**
 * With the API's pool of 10: public reads hold at most 6 connections, so checkout, the webhook, guest and
 * admin work always find at least 4 free (instead of queueing behind hundreds of reads in the pool).
 */
export const PUBLIC_READ_GATE: ReadGateSettings = { concurrency: 2, queue: 64, maxWaitMs: 2_000 };

const RETRY_AFTER_SECONDS = 1;

/** A read refused because the gate is full: load shedding, expected under a flood (not reported). */
export class ReadGateFull extends DomainError {
  constructor() {
    super('DEPENDENCY_UNAVAILABLE', 'Too many catalog reads in progress; retry shortly', {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  }
}

/**
 * A semaphore with a bounded, timed FIFO queue for anonymous public reads (the fair queue of issue 11):
 * a flood of expensive public reads can only ever hold `concurrency` procedures' worth of the database pool,
 * and what does not fit in the queue, or waits too long, is answered 503 + Retry-After instead of piling up
 * in the pool's own unbounded queue in front of checkout and the webhook. Per process, like the pool it guards.
 */
export class ReadGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly settings: ReadGateSettings) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.settings.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.settings.queue) return Promise.reject(new ReadGateFull());
    return new Promise((resolve, reject) => {
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(admit), 1);
        reject(new ReadGateFull());
      }, this.settings.maxWaitMs);
      this.waiting.push(admit);
    });
  }

  /** The slot passes straight to the next waiter (so `active` never dips and lets a newcomer jump the queue). */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
