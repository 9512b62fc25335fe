import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  authenticateAdmin,
  uploadKujiPrizeImage,
  uploadProductImages,
  validationFailed,
  type AdminActor,
  type Deps,
} from '@popbox/domain';
import type { PlainPaths } from './openapi.js';
import { errorResponses } from './openapi/responses.js';
import { ADMIN_SECURITY } from './openapi/security.js';
import { parseMultipart, type ParsedForm } from './multipart.js';

/**
 * Multipart uploads (F1: routes that cannot be procedures). Same admin authentication as adminProcedure
 * (B12) and the same error shape: failures are thrown to the central error handler.
 */
export function uploadRoutes(deps: Deps): Router {
  const r = Router();

  r.post('/api/v1/admin/products/:id/images', async (req, res) => {
    const actor = await admin(deps, req);
    const productId = pathUuid(req);
    const form = await parseMultipart(req, {
      fileFields: ['files', 'file'],
      textFields: ['altTexts', 'altText'],
    });
    const altTexts = readAltTexts(form);
    const result = await uploadProductImages(deps, actor, {
      productId,
      files: form.files.map((f, i) => ({ ...f, altText: altTexts?.[i] ?? null })),
    });
    send201(res, result);
  });

  r.post('/api/v1/admin/products/:id/kuji-prizes/upload-image', async (req, res) => {
    const actor = await admin(deps, req);
    const productId = pathUuid(req);
    const form = await parseMultipart(req, { fileFields: ['file'], textFields: [] });
    if (form.files.length !== 1) {
      throw validationFailed({ file: ['Exactly one image file is required in field "file"'] });
    }
    send201(res, await uploadKujiPrizeImage(deps, actor, { productId, file: form.files[0]! }));
  });

  return r;
}

async function admin(deps: Deps, req: Request): Promise<AdminActor> {
  const identity = await authenticateAdmin(deps, req.headers.authorization);
  return { ...identity, requestId: String(req.id) };
}

function pathUuid(req: Request): string {
  const parsed = z.uuid().safeParse(req.params.id);
  if (!parsed.success) throw validationFailed({ id: ['Invalid UUID'] });
  return parsed.data;
}

/** Alt texts: repeated `altTexts` or the legacy `altText`, not both; one per file; at most 255 characters. */
function readAltTexts(form: ParsedForm): (string | null)[] | null {
  const many = form.fields.filter((f) => f.name === 'altTexts');
  const legacy = form.fields.filter((f) => f.name === 'altText');
  if (many.length && legacy.length)
    throw validationFailed({ altTexts: ['Send altTexts or altText, not both'] });
  const given = many.length ? many : legacy;
  if (!given.length) return null;
  const field = many.length ? 'altTexts' : 'altText';
  if (given.length !== form.files.length) {
    throw validationFailed({ [field]: [`Expected ${form.files.length} alt texts, got ${given.length}`] });
  }
  if (given.some((f) => f.value.length > 255))
    throw validationFailed({ [field]: ['At most 255 characters'] });
  return given.map((f) => f.value.trim() || null);
}

function send201(res: Response, body: unknown) {
  if (!res.headersSent) res.status(201).json(body);
}

/** Both uploads: multipart parsing, admin auth, the product, the image rules, then object storage. */
const uploadErrors = errorResponses(
  [
    'VALIDATION_FAILED',
    'BAD_REQUEST',
    'UNAUTHENTICATED',
    'FORBIDDEN',
    'ADMIN_NOT_PROVISIONED',
    'NOT_FOUND',
    'PAYLOAD_TOO_LARGE',
    'UNSUPPORTED_MEDIA_TYPE',
    'WRONG_PRODUCT_TYPE',
    'UNSUPPORTED_IMAGE_TYPE',
    'FILE_TOO_LARGE',
    'TOO_MANY_FILES',
    'RATE_LIMITED',
    'INTERNAL',
    'UPSTREAM_FAILED',
    'DEPENDENCY_UNAVAILABLE',
  ],
  {
    400: 'Malformed multipart body, unexpected field, wrong alt-text count',
    404: 'Product not found',
    422: 'Unsupported image type, image over 5 MB, more than 10 files, wrong product type',
    502: 'Object storage failed',
    503: 'Storage bucket not provisioned',
  },
);
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
} as const;
const imageRow = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    productId: { type: 'string', format: 'uuid' },
    storageKey: { type: 'string' },
    sortOrder: { type: 'integer' },
    altText: { type: ['string', 'null'] },
    url: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'productId', 'storageKey', 'sortOrder', 'altText', 'url', 'createdAt', 'updatedAt'],
} as const;

export const uploadPaths: PlainPaths = {
  '/api/v1/admin/products/{id}/images': {
    post: {
      operationId: 'admin-products-uploadImages',
      tags: ['admin'],
      summary:
        'Multipart upload of 1..10 product images (JPEG, PNG, WebP, AVIF; 5 MB each) with optional alt texts',
      security: ADMIN_SECURITY(),
      parameters: [idParam],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                files: { type: 'array', items: { type: 'string', format: 'binary' }, maxItems: 10 },
                altTexts: { type: 'array', items: { type: 'string', maxLength: 255 } },
              },
            },
          },
        },
      },
      responses: {
        201: {
          description: 'Stored images',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { images: { type: 'array', items: imageRow } },
                required: ['images'],
              },
            },
          },
        },
        ...uploadErrors,
      },
    },
  },
  '/api/v1/admin/products/{id}/kuji-prizes/upload-image': {
    post: {
      operationId: 'admin-kujiPrizes-uploadImage',
      tags: ['admin', 'kuji'],
      summary: 'Upload one prize image (field "file") and get its public URL',
      security: ADMIN_SECURITY(),
      parameters: [idParam],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: { file: { type: 'string', format: 'binary' } },
              required: ['file'],
            },
          },
        },
      },
      responses: {
        201: {
          description: 'Public URL of the stored image',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { imageUrl: { type: 'string' } },
                required: ['imageUrl'],
              },
            },
          },
        },
        ...uploadErrors,
      },
    },
  },
};
