import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { PublicReadCatalog } from './public-reads.js';
import { keyPublicRead, type KeyedPublicRead } from './request-key.js';
import type { CachedRead, CapturedRead, MissTicket, PublicReadCache } from './public-read-cache.js';

/**
 * Issue 14, HTTP caching. Public reads may sit in a CDN for a second (volatile: stock, kuji counts) or half
 * a minute (collections, tags, content), served stale a little longer while it revalidates, so a drop's
 * refresh storm is absorbed at the edge; browsers always revalidate (max-age=0) with the ETag.
 */
export const CACHE_CONTROL = {
  volatile: 'public, max-age=0, s-maxage=1, stale-while-revalidate=5',
  stable: 'public, max-age=0, s-maxage=30, stale-while-revalidate=60',
  /** Anything personal or a write: order tier, admin, checkout, guest access, dev pages, event streams. */
  personal: 'private, no-store',
  /** A failed public read (a hidden drop's 404 must not outlive its start in a shared cache). */
  error: 'no-store',
} as const;

/** Where `private, no-store` is the default: the API surfaces and the dev pages (mailbox, checkout). */
function personalByDefault(path: string): boolean {
  const p = path.toLowerCase();
  return (p.startsWith('/api/') && p !== '/api/v1/openapi.json') || p.startsWith('/dev/');
}

/**
 * Marks every API and dev answer `private, no-store` before anything answers (429s, 400s and errors
 * included); the public-read layer replaces it on the answers that may be shared.
 */
export const privateByDefault: RequestHandler = (req, res, next) => {
  if (personalByDefault(req.path)) res.setHeader('Cache-Control', CACHE_CONTROL.personal);
  next();
};

/** A strong validator of the exact bytes (before content coding). */
export function strongEtag(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** `If-None-Match` against our tag: weak comparison, as RFC 9110 prescribes for it; `*` matches. */
export function notModified(req: Request, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

function setSharedHeaders(res: Response, read: KeyedPublicRead, etag: string): void {
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', read.volatile ? CACHE_CONTROL.volatile : CACHE_CONTROL.stable);
  // The tRPC answer's framing follows the client's trpc-accept (JSON or JSON lines).
  if (read.surface === 'trpc') res.vary('trpc-accept');
}

function sendCached(req: Request, res: Response, read: KeyedPublicRead, entry: CachedRead): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', entry.contentType);
  res.setHeader('X-Public-Cache', 'hit');
  setSharedHeaders(res, read, entry.etag);
  if (notModified(req, entry.etag)) {
    res.statusCode = 304;
    res.removeHeader('Content-Type');
    res.end();
    return;
  }
  if (req.method === 'HEAD') {
    res.setHeader('Content-Length', String(entry.body.length));
    res.end();
    return;
  }
  res.end(entry.body);
}

type End = (chunk?: unknown, encoding?: unknown, cb?: unknown) => Response;
type Write = (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;

const toBuffer = (chunk: unknown, encoding: unknown): Buffer =>
  Buffer.isBuffer(chunk)
    ? chunk
    : chunk instanceof Uint8Array
      ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');

/**
 * Lets the adapter answer, holding its body until the end: a 200 then gets its ETag and Cache-Control (or
 * becomes a 304 when the client already has it) and is handed to the cache; anything else is sent as it is,
 * `no-store`. (The adapters set headers with setHeader and write with write/end; both are captured.)
 */
function captureAnswer(req: Request, res: Response, read: KeyedPublicRead, ticket?: MissTicket): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as Write;
  const end = res.end.bind(res) as End;
  const restore = () => {
    res.write = write as Response['write'];
    res.end = end as Response['end'];
  };
  res.on('close', () => ticket?.finish(undefined));
  res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, encoding));
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as Response['write'];
  res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
    restore();
    const done = [chunk, encoding, cb].find((a) => typeof a === 'function');
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function')
      chunks.push(toBuffer(chunk, encoding));
    const body = Buffer.concat(chunks);
    if (res.headersSent) {
      ticket?.finish(undefined);
      return end(body, done);
    }
    if (res.statusCode !== 200 || res.hasHeader('set-cookie')) {
      ticket?.finish(undefined);
      res.setHeader('Cache-Control', CACHE_CONTROL.error);
      return end(body, done);
    }
    const captured: CapturedRead = {
      body,
      contentType: String(res.getHeader('content-type') ?? 'application/json'),
      etag: strongEtag(body),
    };
    ticket?.finish(req.method === 'GET' ? captured : undefined);
    if (ticket) res.setHeader('X-Public-Cache', 'miss');
    setSharedHeaders(res, read, captured.etag);
    if (notModified(req, captured.etag)) {
      res.statusCode = 304;
      res.removeHeader('Content-Type');
      res.removeHeader('Content-Length');
      return end(undefined, done);
    }
    return end(body, done);
  }) as Response['end'];
}

/**
 * The public-read layer, mounted before the tRPC and REST adapters. For an anonymous public read (GET/HEAD,
 * derived from the router): a valid cached answer is sent at once — no zod, no database, no read-gate slot;
 * a miss already being computed is waited for; otherwise the adapter answers and the answer is captured.
 * With no cache (PUBLIC_READ_CACHE=off) the HTTP caching (ETag, 304, Cache-Control) still applies.
 */
export function publicReadLayer(catalog: PublicReadCatalog, cache?: PublicReadCache): RequestHandler {
  return (req, res, next) => {
    const read = keyPublicRead(req, catalog);
    if (!read) return next();
    if (!cache) {
      captureAnswer(req, res, read);
      return next();
    }
    const hit = cache.lookup(read.key);
    if (hit) return sendCached(req, res, read, hit);
    if (req.method !== 'GET') {
      captureAnswer(req, res, read);
      return next();
    }
    const running = cache.inflight(read.key);
    if (!running) {
      captureAnswer(req, res, read, cache.begin(read.key, read.volatile));
      return next();
    }
    running.then(
      (entry) => {
        if (entry) return sendCached(req, res, read, entry);
        captureAnswer(req, res, read);
        next();
      },
      (err: unknown) => next(err),
    );
  };
}
