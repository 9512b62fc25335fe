import { open } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { sniffImageType, type ImageMime } from '@popbox/domain';
import type { PlainPaths } from './openapi.js';
import { errorResponses } from './openapi/responses.js';
import { PUBLIC_SECURITY } from './openapi/security.js';

/** Enough leading bytes for every signature of the upload allow-list. */
const SNIFF_BYTES = 16;

/**
 * The local object storage folder at /media (embedded default). Object keys have no trustworthy extension
 * (`{uuid}-{slug}`), so the content type comes from the stored bytes, by the same signatures that admitted
 * them at upload (B13): JPEG, PNG, WebP or AVIF is served as such, inline. Anything else — an HTML, SVG or
 * script file dropped in the folder, whatever its name — is `application/octet-stream` with
 * `Content-Disposition: attachment`, so the API's origin never renders or runs it. helmet's
 * `X-Content-Type-Options: nosniff` stays on every answer, so browsers never second-guess the type.
 */
export function mediaRouter(dir: string): Router {
  const root = resolve(dir);
  const r = Router();
  r.use(typeFromContent(root));
  r.use(express.static(root, { fallthrough: true, index: false, dotfiles: 'ignore', redirect: false }));
  // Not served after all (ignored or missing): the 404 that follows must not inherit the file's headers.
  r.use((_req, res, next) => {
    res.removeHeader('Content-Type');
    res.removeHeader('Content-Disposition');
    next();
  });
  return r;
}

function typeFromContent(root: string): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const file = filePath(root, req.path);
    const sniffed = file ? await sniffFile(file) : 'missing';
    if (sniffed === 'missing') return next();
    if (sniffed) {
      res.setHeader('Content-Type', sniffed);
    } else {
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Content-Disposition', 'attachment');
    }
    next();
  };
}

/** The file under `root` a URL path names, or null when it does not decode or leaves the folder. */
function filePath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = resolve(root, `.${decoded}`);
  return full.startsWith(root + sep) ? full : null;
}

/** The allow-listed image type of a regular file's bytes, null for any other content, 'missing' if none. */
async function sniffFile(file: string): Promise<ImageMime | null | 'missing'> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return 'missing';
  }
  try {
    if (!(await handle.stat()).isFile()) return 'missing';
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    return sniffImageType(new Uint8Array(buffer.subarray(0, bytesRead)));
  } catch {
    return 'missing';
  } finally {
    await handle.close();
  }
}

/** Documented only while the local folder is served (app.ts mounts both together). */
export const mediaPaths: PlainPaths = {
  '/media/{key}': {
    get: {
      operationId: 'public-media-get',
      tags: ['catalog'],
      summary: 'A stored image of the local media folder (embedded storage default; never rate-limited)',
      security: PUBLIC_SECURITY(),
      parameters: [
        {
          name: 'key',
          in: 'path',
          required: true,
          description:
            'Object key, which may contain `/` (e.g. a prize image prefix): use the image `url` the API returns',
          schema: { type: 'string' },
        },
      ],
      responses: {
        200: {
          description:
            'The image, typed from its bytes; anything else is `application/octet-stream` as an attachment',
          content: {
            'image/jpeg': { schema: { type: 'string', format: 'binary' } },
            'image/png': { schema: { type: 'string', format: 'binary' } },
            'image/webp': { schema: { type: 'string', format: 'binary' } },
            'image/avif': { schema: { type: 'string', format: 'binary' } },
            'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
          },
        },
        ...errorResponses(['ROUTE_NOT_FOUND', 'BAD_REQUEST', 'INTERNAL'], { 404: 'No such object' }),
      },
    },
  },
};
