import { mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, type AdminClient } from './support/admin.js';
import { form, JPEG, PNG, upload, WEBP } from './support/images.js';

/** Issue 11 item 8: local storage served every image as application/octet-stream. */
let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await adminClient(app);
});
afterAll(() => app?.close());

const AVIF = new Uint8Array([0, 0, 0, 28, ...Buffer.from('ftypavif'), 0, 0, 0, 0]);

async function drop(key: string, content: string | Uint8Array) {
  const file = join(app.storageDir, key);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, content);
}

/** A raw GET that keeps the path exactly as written (fetch would normalise dot segments away). */
function rawGet(path: string): Promise<{ status: number; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}${path}`, { method: 'GET', path }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('/media (local storage)', () => {
  it.each([
    ['image/png', 'front.png', PNG],
    ['image/jpeg', 'back.jpg', JPEG],
    ['image/webp', 'side.webp', WEBP],
    ['image/avif', 'top.avif', AVIF],
  ])(
    'serves an uploaded %s image with its own content type, inline, with nosniff',
    async (type, name, bytes) => {
      const p = await makeProduct(app.database.db);
      const res = await upload(
        `${app.url}/api/v1/admin/products/${p.id}/images`,
        admin.token,
        form([{ field: 'files', name, type, bytes }]),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const key: string = res.body.images[0].storageKey;
      expect(key).not.toMatch(/\.(png|jpe?g|webp|avif)$/); // the key alone says nothing about the type

      const media = await fetch(`${app.url}/media/${key}`);
      expect(media.status).toBe(200);
      expect(media.headers.get('content-type')).toBe(type);
      expect(media.headers.get('x-content-type-options')).toBe('nosniff');
      expect(media.headers.get('content-disposition')).toBeNull();
      expect(new Uint8Array(await media.arrayBuffer())).toEqual(bytes);

      const head = await fetch(`${app.url}/media/${key}`, { method: 'HEAD' });
      expect(head.headers.get('content-type')).toBe(type);
    },
  );

  it('serves a seeded .png file by its bytes too', async () => {
    await drop('products/seed/img-0.png', PNG);
    const media = await fetch(`${app.url}/media/products/seed/img-0.png`);
    expect(media.headers.get('content-type')).toBe('image/png');
  });

  it.each([
    ['an HTML page', 'drop/page.html', '<!doctype html><script>alert(1)</script>'],
    [
      'an SVG with a script',
      'drop/logo.svg',
      '<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>',
    ],
    ['a script', 'drop/app.js', 'alert(1)'],
    ['HTML named like an image', 'drop/photo.png', '<html><body onload="alert(1)"></body></html>'],
    ['HTML under an extensionless key', 'drop/00000000-0000-4000-8000-000000000000-x', '<html></html>'],
    ['a GIF (not on the upload allow-list)', 'drop/anim.gif', 'GIF89a\u0001\u0000\u0001\u0000'],
  ])('never serves %s as anything but an attachment of application/octet-stream', async (_, key, content) => {
    await drop(key, content);
    const media = await fetch(`${app.url}/media/${key}`);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('application/octet-stream');
    expect(media.headers.get('content-disposition')).toBe('attachment');
    expect(media.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers a JSON client error, never the file, for a missing object, a folder and a path leaving the folder', async () => {
    // A real file beside the storage folder: reachable only by climbing out of it.
    const outside = `${basename(app.storageDir)}-outside.png`;
    await writeFile(join(app.storageDir, '..', outside), PNG);
    const missing = ['/media/products/nope.png', '/media/products'];
    // Dot segments never reach the folder: the canonical-path guard refuses them first (400).
    const climbing = [`/media/%2e%2e/${outside}`, `/media/../${outside}`];
    for (const [path, status] of [
      ...missing.map((p) => [p, 404] as const),
      ...climbing.map((p) => [p, 400] as const),
    ]) {
      const res = await rawGet(path);
      expect(res.status, path).toBe(status);
      expect(res.type, path).toMatch(/^application\/json/);
    }
    await rm(join(app.storageDir, '..', outside));
  });
});
