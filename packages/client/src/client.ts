import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type Operation,
  type TRPCClient,
  type TRPCClientError,
} from '@trpc/client';
import type { AppRouter } from './app-router.js';

type HeaderMap = Record<string, string>;

export interface PopBoxClientOptions {
  /** The API's base URL, e.g. `http://localhost:3000`; tRPC answers under `/api/trpc`. */
  url: string;
  /** A fetch of your own (cookies via `credentials: 'include'`, tests, older runtimes). Defaults to the global fetch. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Headers sent with every request (e.g. `authorization: 'Bearer …'` for admin procedures). */
  headers?: HeaderMap | (() => HeaderMap | Promise<HeaderMap>) | undefined;
  /** EventSource for subscriptions (`public.kuji.live`) where the runtime has none (Node: the `eventsource` package). */
  EventSource?: typeof globalThis.EventSource | undefined;
}

export type PopBoxClient = TRPCClient<AppRouter>;
/** What a failed call rejects with: `error.data` holds our `errorCode`, `httpStatus` and `requestId`. */
export type PopBoxClientError = TRPCClientError<AppRouter>;

/** The per-call option that sends `Idempotency-Key` (required by `public.checkout.createSession`, spec F3). */
export function withIdempotencyKey(key: string): { context: { idempotencyKey: string } } {
  return { context: { idempotencyKey: key } };
}

/**
 * A typed tRPC client for the PopBox Studio API. Queries are batched; mutations go one request each, so a
 * per-call `Idempotency-Key` (`mutate(input, withIdempotencyKey(key))`, or `{ context: { idempotencyKey } }`)
 * and any other per-call headers (`{ context: { headers: { … } } }`) travel with their own request only and
 * never leak onto a batched neighbour.
 */
export function createPopBoxClient(options: PopBoxClientOptions): PopBoxClient {
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/trpc`;
  const common = async (): Promise<HeaderMap> =>
    typeof options.headers === 'function' ? await options.headers() : { ...options.headers };
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: endpoint,
          ...(options.EventSource ? { EventSource: options.EventSource } : {}),
        }),
        false: splitLink({
          condition: (op) => op.type === 'mutation',
          true: httpLink({
            url: endpoint,
            ...fetchOption,
            headers: async ({ op }) => ({ ...(await common()), ...perCallHeaders(op) }),
          }),
          false: httpBatchLink({ url: endpoint, ...fetchOption, headers: common }),
        }),
      }),
    ],
  });
}

/** A mutation's own headers: `context.headers` (any), then `context.idempotencyKey` as `Idempotency-Key`. */
function perCallHeaders(op: Operation): HeaderMap {
  const { headers, idempotencyKey } = op.context;
  const own =
    headers && typeof headers === 'object'
      ? Object.fromEntries(
          Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
        )
      : {};
  return typeof idempotencyKey === 'string' ? { ...own, 'Idempotency-Key': idempotencyKey } : own;
}
