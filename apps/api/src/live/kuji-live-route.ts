import { Router, type Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { sendError } from '../http/send-error.js';
import { toApiError } from '../http/error-mapping.js';
import type { PlainPaths } from '../http/openapi.js';
import { errorResponses } from '../http/openapi/responses.js';
import { PUBLIC_SECURITY } from '../http/openapi/security.js';
import { openKujiLiveStream, type LiveBoard } from './live-board.js';

/** A stream whose client reads slower than this much buffered output is cut (it reconnects and resumes). */
const MAX_BUFFERED_BYTES = 256 * 1024;

/** The client key live streams are bounded by: the IP (IPv6 by /56), as the rate limits count. */
export const liveClientKey = (ip: string | undefined): string => ipKeyGenerator(ip ?? '');

/** `Last-Event-ID` header (EventSource reconnects) or `?lastEventId=` (first connection of a client). */
function lastEventId(req: Request): string | undefined {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string' && header !== '') return header.trim();
  const query = req.query.lastEventId;
  return typeof query === 'string' && query !== '' ? query.trim() : undefined;
}

/**
 * `GET /api/v1/kuji/{slug}/live` (issue 12): the board's live state as Server-Sent Events. Errors (unknown
 * board 404, too many streams 429) answer in the normal JSON shape before the stream starts; then
 * `event: board` / `id: <version>` / `data: <state JSON>` for the current state and each change, and a
 * comment line every heartbeat. A plain route: a procedure cannot answer an open-ended stream on REST.
 */
export function kujiLiveRouter(live: LiveBoard): Router {
  const r = Router();
  r.get('/api/v1/kuji/:slug/live', async (req, res, next) => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    let stream;
    try {
      stream = await openKujiLiveStream(live, {
        slug: req.params.slug,
        clientKey: liveClientKey(req.ip),
        lastEventId: lastEventId(req),
        signal: abort.signal,
      });
    } catch (error) {
      if (abort.signal.aborted) return;
      const api = toApiError(error);
      if (api.status >= 500) {
        next(error);
        return;
      }
      sendError(req, res, api);
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    // no-transform: the compression middleware leaves the stream alone (it would buffer the events).
    res.setHeader('Cache-Control', 'private, no-store, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: ${live.settings.retryMs}\n\n`);
    const heartbeat = setInterval(() => {
      res.write(': heartbeat\n\n');
    }, live.settings.heartbeatMs);
    try {
      for await (const event of stream) {
        res.write(`event: board\nid: ${event.state.version}\ndata: ${event.json}\n\n`);
        if (res.writableLength > MAX_BUFFERED_BYTES) {
          res.destroy();
          break;
        }
      }
    } finally {
      clearInterval(heartbeat);
      if (!res.writableEnded && !res.destroyed) res.end();
    }
  });
  return r;
}

export const kujiLivePaths: PlainPaths = {
  '/api/v1/kuji/{slug}/live': {
    get: {
      operationId: 'public-kuji-liveStream',
      tags: ['kuji'],
      security: PUBLIC_SECURITY(),
      summary:
        "A kuji board's live state as Server-Sent Events (counts, pending draws, dealt rounds, Last One)",
      description:
        'A `text/event-stream`. On connect the current state is sent as `event: board`, `id: <version>`, ' +
        '`data: <JSON state>` (skipped when `Last-Event-ID` / `lastEventId` already equals the current version), ' +
        'then one such event per visible change of the board (sales, deals, new epochs, prize edits), from any ' +
        'API replica. A comment line `: heartbeat` is sent every 15 s and a `retry:` hint first. The state: ' +
        '`{ version, productId, slug, tiers: [{ tier, remaining, initial }], totalCards, dealtCards, pendingCards, ' +
        'remainingCards, pendingRounds: number[], recentRounds: [{ round, lines, cards, dealtAt }], ' +
        'lastOne: { awarded, lineRef } | null }`. At most 4 open streams per client IP (429 with `Retry-After` ' +
        'beyond). The same stream is the tRPC subscription `public.kuji.live`.',
      parameters: [
        { name: 'slug', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'lastEventId', in: 'query', required: false, schema: { type: 'string' } },
        { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } },
      ],
      responses: {
        200: {
          description: 'The event stream',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        ...errorResponses(
          ['VALIDATION_FAILED', 'NOT_FOUND', 'RATE_LIMITED', 'INTERNAL', 'DEPENDENCY_UNAVAILABLE'],
          {
            404: 'No active kuji board with this slug',
            429: 'Too many open live streams from this client, or the global rate limit',
          },
        ),
      },
    },
  },
};
