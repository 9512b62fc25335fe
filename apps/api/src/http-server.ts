import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ERROR_STATUS, type ErrorCode } from '@popbox/contracts/errors';
import { errorBody } from './http/send-error.js';

export interface ServerTimeouts {
  /** Time to receive a whole request (head and body), in ms. */
  requestTimeout: number;
  /** Time to receive a request's head, in ms. */
  headersTimeout: number;
  /** An idle keep-alive connection is closed after this long, in ms. */
  keepAliveTimeout: number;
  /** How often Node sweeps its connections for expired requests, in ms. */
  connectionsCheckingInterval: number;
}

/**
 * B21: request timeout 30 s, headers timeout 35 s, keep-alive 5 s. Node treats the smaller of the first two
 * as the head limit and the larger as the whole-request limit (its sweep swaps them), and so does the guard.
 */
export const SERVER_TIMEOUTS: ServerTimeouts = {
  requestTimeout: 30_000,
  headersTimeout: 35_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 30_000,
};
/** Larger request heads answer 431 (Node's default, stated so it is a decision). */
export const MAX_HEADER_BYTES = 16 * 1024;

/** The HTTP server of the API (B21 timeouts), with the slow-client guard below. */
export function createHttpServer(app: RequestListener, timeouts: ServerTimeouts = SERVER_TIMEOUTS): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
  // Assigned rather than passed as options: Node's constructor refuses headersTimeout > requestTimeout,
  // which B21's figures are. The sweep interval is read when the server starts listening.
  Object.assign(server, timeouts);
  guardSlowClients(server, timeouts);
  server.on('clientError', answerClientError);
  return server;
}

/**
 * A raw HTTP answer in the one error shape, for requests the HTTP parser refuses before Express sees them
 * (oversized head, malformed request line, timeouts): clients get JSON there too, then the connection closes.
 */
export function rawErrorAnswer(code: ErrorCode, message: string): string {
  const status = ERROR_STATUS[code];
  const body = JSON.stringify(errorBody({ code, status, message }, undefined));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`
  );
}

const REQUEST_TIMEOUT = rawErrorAnswer('REQUEST_TIMEOUT', 'The request was not received in time');

/** Node's parser errors and what the client is told (Node's own defaults, as JSON). */
const PARSER_ERRORS: Record<string, [ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: ['HEADERS_TOO_LARGE', `Request headers larger than ${MAX_HEADER_BYTES / 1024} KB`],
  ERR_HTTP_REQUEST_TIMEOUT: ['REQUEST_TIMEOUT', 'The request was not received in time'],
};

/** Replaces Node's default `clientError` answer (a bare 400/408/431) with the same statuses in our shape. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inProgress = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
    socket.destroy();
    return;
  }
  const [code, message] = PARSER_ERRORS[err.code ?? ''] ?? ['BAD_REQUEST', 'Malformed HTTP request'];
  socket.end(rawErrorAnswer(code, message));
}
/** Node closes an idle keep-alive connection up to about a second after keepAliveTimeout. */
const KEEP_ALIVE_SLACK_MS = 1_000;

interface Waiting {
  timer?: NodeJS.Timeout;
  /** The request being received on this connection, once its head has arrived. */
  request?: { req: IncomingMessage; res: ServerResponse };
  /** When the current request could start: connection accepted, or the previous answer finished. */
  since: number;
  /** Extra time for a kept-alive connection, which may sit idle before the next request begins. */
  idleAllowance: number;
}

/**
 * Issue 11 item 17: head and request timeouts must hold after any request. Node enforces them with one
 * periodic sweep of a connection list; this guard gives every connection its own deadline as well, so a
 * half-sent request is cut (408, then closed) within the limits whatever happens to that sweep:
 * head within `headersTimeout`, whole request within `requestTimeout` (the smaller / larger of the two),
 * counted from the connection or, on a kept-alive connection, from the previous answer plus the keep-alive
 * idle time. A request fully received is never cut, however long its handler takes.
 */
export function guardSlowClients(server: Server, t: ServerTimeouts): void {
  const headMs = Math.min(t.headersTimeout, t.requestTimeout);
  const wholeMs = Math.max(t.headersTimeout, t.requestTimeout);
  const waiting = new WeakMap<Socket, Waiting>();

  const arm = (socket: Socket, w: Waiting, budgetMs: number) => {
    clearTimeout(w.timer);
    const left = Math.max(0, w.since + w.idleAllowance + budgetMs - Date.now());
    w.timer = setTimeout(() => expire(socket, w), left).unref();
  };

  server.on('connection', (socket: Socket) => {
    const w: Waiting = { since: Date.now(), idleAllowance: 0 };
    waiting.set(socket, w);
    arm(socket, w, headMs);
    socket.once('close', () => clearTimeout(w.timer));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const w = waiting.get(req.socket);
    if (!w) return;
    w.request = { req, res };
    arm(req.socket, w, wholeMs);
    res.once('finish', () => {
      if (w.request?.req !== req) return;
      w.request = undefined;
      w.since = Date.now();
      w.idleAllowance = t.keepAliveTimeout + KEEP_ALIVE_SLACK_MS;
      arm(req.socket, w, headMs);
    });
  });
}

function expire(socket: Socket, w: Waiting) {
  if (socket.destroyed) return;
  if (w.request?.req.complete) return; // received in full: the handler's own time is not bounded here
  if (socket.writable && !w.request?.res.headersSent) socket.write(REQUEST_TIMEOUT);
  socket.destroy();
}
