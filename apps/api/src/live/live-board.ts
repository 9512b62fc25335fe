import { DomainError, type KujiLiveState } from '@popbox/domain';
import type { KujiLiveHub, KujiLiveSubscriber } from './kuji-live-hub.js';
import type { StreamLimits } from './stream-limits.js';

export interface LiveBoardSettings {
  /** Comment line sent on an idle REST stream so proxies keep it open (default 15 s). */
  heartbeatMs: number;
  /** The reconnection delay suggested to EventSource clients (`retry:`), in ms. */
  retryMs: number;
  /** Open live streams (REST and tRPC together) per client IP. */
  perClient: number;
  /** Open live streams per API process. */
  total: number;
}

export const LIVE_BOARD_DEFAULTS: LiveBoardSettings = {
  heartbeatMs: 15_000,
  retryMs: 3_000,
  perClient: 4,
  total: 2_000,
};

/** Seconds a refused (429) live stream is told to wait. */
export const LIVE_RETRY_AFTER_SECONDS = 10;

/** The live board of one API process: its hub, its stream limits and settings. */
export interface LiveBoard {
  hub: KujiLiveHub;
  limits: StreamLimits;
  settings: LiveBoardSettings;
}

export interface LiveEvent {
  state: KujiLiveState;
  json: string;
}

/**
 * Opens one subscriber's stream of a board: takes a slot of the client's bound (429 `RATE_LIMITED` when
 * none is left), attaches to the hub (404 for a board that is not public) and answers the events to send:
 * the current state first — unless `lastEventId` already names its version — then each change. A slow
 * reader only ever gets the latest state. Aborting `signal` (client gone) or finishing the iteration
 * detaches and frees the slot.
 */
export async function openKujiLiveStream(
  live: LiveBoard,
  opts: { slug: string; clientKey: string; lastEventId?: string | undefined; signal: AbortSignal },
): Promise<AsyncGenerator<LiveEvent, void, undefined>> {
  const release = live.limits.acquire(opts.clientKey);
  if (!release) {
    throw new DomainError(
      'RATE_LIMITED',
      `Too many live streams: at most ${live.limits.perClient} per client`,
      { retryAfterSeconds: LIVE_RETRY_AFTER_SECONDS },
    );
  }
  let pending: LiveEvent | undefined;
  let lastJson: string | undefined;
  let first = true;
  let ended = false;
  let wake: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
  let cleaned = false;

  const cleanup = () => {
    ended = true;
    wake?.();
    if (cleaned) return;
    cleaned = true;
    opts.signal.removeEventListener('abort', cleanup);
    unsubscribe?.();
    release();
  };
  const subscriber: KujiLiveSubscriber = {
    push(state, json) {
      if (ended) return;
      const wasFirst = first;
      first = false;
      if (json === lastJson) return;
      lastJson = json;
      if (wasFirst && opts.lastEventId !== undefined && opts.lastEventId === String(state.version)) return;
      pending = { state, json };
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
  };

  opts.signal.addEventListener('abort', cleanup, { once: true });
  try {
    unsubscribe = await live.hub.subscribe(opts.slug, subscriber);
  } catch (error) {
    cleanup();
    throw error;
  }
  if (cleaned || opts.signal.aborted) {
    cleaned = false;
    cleanup();
  }

  async function* events(): AsyncGenerator<LiveEvent, void, undefined> {
    try {
      for (;;) {
        if (pending) {
          const event = pending;
          pending = undefined;
          yield event;
          continue;
        }
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      cleanup();
    }
  }
  return events();
}
