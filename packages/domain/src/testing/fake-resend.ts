import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeResendRequest {
  idempotencyKey: string | null;
  authorization: string | null;
  body: Record<string, unknown>;
  /** 1 for the first request carrying this idempotency key, 2 for the second, … */
  attempt: number;
}

export type FakeResendAnswer = { status: number; body?: unknown } | 'drop';

export interface FakeResend {
  /** Base URL for the SDK's `baseUrl`. */
  url: string;
  requests: FakeResendRequest[];
  /** Messages accepted (first 200 per idempotency key), i.e. what a recipient would receive. */
  delivered: Map<string, number>;
  respond(answer: (req: FakeResendRequest) => FakeResendAnswer): void;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

/**
 * A fake of the one Resend endpoint we call (POST /emails), driven through the real `resend` SDK via its
 * base URL. Like Resend, a repeated idempotency key after a success answers with the same id and delivers
 * nothing new; `delivered` counts what a real provider would actually have sent.
 */
export async function startFakeResend(): Promise<FakeResend> {
  let answer: (req: FakeResendRequest) => FakeResendAnswer = () => ({ status: 200 });
  const requests: FakeResendRequest[] = [];
  const attempts = new Map<string, number>();
  const delivered = new Map<string, number>();
  const ids = new Map<string, string>();
  let next = 0;

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/emails') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 404, name: 'not_found', message: 'not found' }));
        return;
      }
      const body = await readJson(req);
      const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
      const attempt = (attempts.get(key ?? '') ?? 0) + 1;
      attempts.set(key ?? '', attempt);
      const request: FakeResendRequest = {
        idempotencyKey: key,
        authorization: req.headers.authorization ?? null,
        body,
        attempt,
      };
      requests.push(request);
      const reply = answer(request);
      if (reply === 'drop') {
        req.socket.destroy();
        return;
      }
      if (reply.status === 200) {
        const known = key ? ids.get(key) : undefined;
        const id = known ?? `re_fake_${++next}`;
        if (!known) {
          if (key) ids.set(key, id);
          delivered.set(key ?? id, (delivered.get(key ?? id) ?? 0) + 1);
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id }));
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          reply.body ?? { statusCode: reply.status, name: 'internal_server_error', message: 'Provider down' },
        ),
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    delivered,
    respond: (fn) => void (answer = fn),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
