import { tracked } from '@trpc/server';
import { ZKujiFairness, ZKujiFairnessInput, ZKujiLiveInput } from '@popbox/contracts';
import { DomainError, getKujiFairness } from '@popbox/domain';
import { publicProcedure, router } from '../../init.js';
import { openKujiLiveStream } from '../../../live/live-board.js';
import { liveClientKey } from '../../../live/kuji-live-route.js';

export const kujiRouter = router({
  fairness: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/kuji/{slug}/fairness',
        tags: ['kuji'],
        summary:
          "A kuji board's deck commitments, revealed seeds, live per-tier counts and the verification recipe",
      },
    })
    .input(ZKujiFairnessInput)
    .output(ZKujiFairness)
    .query(({ ctx, input }) => getKujiFairness(ctx.deps, input.slug)),

  /**
   * The live board over SSE (httpSubscriptionLink): the current state, then each change, each tracked by
   * the board's version so a reconnecting client resumes with `lastEventId`. Same hub and limits as
   * `GET /api/v1/kuji/{slug}/live`. The stream is opened before the resolver returns, so an unknown board
   * (404) or a client over its bound (429) fails through the error boundary like any procedure, final for
   * the client instead of a reconnect loop.
   */
  live: publicProcedure.input(ZKujiLiveInput).subscription(async ({ ctx, input, signal }) => {
    if (!ctx.live) throw new DomainError('DEPENDENCY_UNAVAILABLE', 'Live board not available here');
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    if (signal?.aborted) abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const stream = await openKujiLiveStream(ctx.live, {
      slug: input.slug,
      clientKey: liveClientKey(ctx.credentials.ip),
      lastEventId: input.lastEventId ?? undefined,
      signal: abort.signal,
    }).catch((error: unknown) => {
      signal?.removeEventListener('abort', onAbort);
      throw error;
    });
    return (async function* () {
      try {
        for await (const event of stream) yield tracked(String(event.state.version), event.state);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        abort.abort();
      }
    })();
  }),
});
