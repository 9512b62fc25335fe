import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of the Supabase Storage endpoints the adapter calls (upload without upsert, bulk delete), at the
 * HTTP boundary, so the real `@supabase/supabase-js` client is exercised. Failure modes are switchable.
 */
export interface FakeStorage {
  url: string;
  objects: Map<string, { bytes: Buffer; contentType: string }>;
  buckets: Set<string>;
  /** Every upload answers 503; deletes too when `failDeletes`. */
  outage: boolean;
  failDeletes: boolean;
  /** Fail the n-th upload from now on (1-based), once. */
  failUploadNumber: number | null;
  uploads: number;
  requests: { method: string; path: string; authorization?: string | undefined }[];
  close(): Promise<void>;
}

const read = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });

export async function startFakeStorage(bucket: string): Promise<FakeStorage> {
  const fake: Omit<FakeStorage, 'url' | 'close'> = {
    objects: new Map(),
    buckets: new Set([bucket]),
    outage: false,
    failDeletes: false,
    failUploadNumber: null,
    uploads: 0,
    requests: [],
  };
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    fake.requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const upload = /^\/storage\/v1\/object\/([^/]+)\/(.+)$/.exec(path);
    if (req.method === 'POST' && upload) {
      const [, b, key] = upload as unknown as [string, string, string];
      fake.uploads++;
      if (fake.outage || fake.failUploadNumber === fake.uploads) {
        if (fake.failUploadNumber === fake.uploads) fake.failUploadNumber = null;
        return send(503, { statusCode: '503', error: 'Service Unavailable', message: 'upstream down' });
      }
      if (!fake.buckets.has(b))
        return send(400, { statusCode: '404', error: 'Bucket not found', message: 'Bucket not found' });
      const id = `${b}/${key}`;
      if (fake.objects.has(id) && req.headers['x-upsert'] !== 'true') {
        return send(400, { statusCode: '409', error: 'Duplicate', message: 'The resource already exists' });
      }
      fake.objects.set(id, { bytes: body, contentType: String(req.headers['content-type']) });
      return send(200, { Key: id, Id: crypto.randomUUID() });
    }
    const remove = /^\/storage\/v1\/object\/([^/]+)$/.exec(path);
    if (req.method === 'DELETE' && remove) {
      if (fake.outage || fake.failDeletes)
        return send(503, { statusCode: '503', error: 'down', message: 'upstream down' });
      const b = remove[1]!;
      const { prefixes } = JSON.parse(body.toString() || '{}') as { prefixes: string[] };
      const removed = prefixes.filter((p) => fake.objects.delete(`${b}/${p}`));
      return send(
        200,
        removed.map((name) => ({ name })),
      );
    }
    send(404, { statusCode: '404', error: 'not_found', message: 'Route not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
