import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Honour a non-blank incoming x-request-id (bounded), else a new UUID; echo it on the response (B0). */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const value = typeof incoming === 'string' ? incoming.trim() : '';
  const id = value && value.length <= 128 ? value : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}
