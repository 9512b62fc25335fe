import { UPLOAD_MAX_BYTES, UPLOAD_MIME_TYPES } from '../shared/constants.js';
import { DomainError } from '../shared/errors.js';
import { slugify } from '../shared/slug.js';

export type ImageMime = (typeof UPLOAD_MIME_TYPES)[number];

export interface IncomingImage {
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
}

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  signature.every((b, i) => bytes[offset + i] === b);
const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, to));

/** What the bytes actually are, whatever the client declared. */
export function sniffImageType(bytes: Uint8Array): ImageMime | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(bytes, 4, 8) === 'ftyp' && ['avif', 'avis'].includes(ascii(bytes, 8, 12))) return 'image/avif';
  return null;
}

/**
 * B13 allow-list: the declared type must be allowed AND match the content (422 otherwise); size <= 5 MB
 * (422). Returns the verified content type.
 */
export function assertAcceptableImage(file: IncomingImage): ImageMime {
  const declared = file.contentType.toLowerCase().split(';')[0]!.trim();
  if (!(UPLOAD_MIME_TYPES as readonly string[]).includes(declared)) {
    throw new DomainError('UNSUPPORTED_IMAGE_TYPE', `Unsupported image type ${declared || '(none)'}`, {
      file: file.fileName,
      allowed: UPLOAD_MIME_TYPES,
    });
  }
  if (sniffImageType(file.bytes) !== declared) {
    throw new DomainError('UNSUPPORTED_IMAGE_TYPE', 'File content does not match its image type', {
      file: file.fileName,
    });
  }
  if (file.bytes.byteLength > UPLOAD_MAX_BYTES) {
    throw new DomainError('FILE_TOO_LARGE', 'Image larger than 5 MB', {
      file: file.fileName,
      maxBytes: UPLOAD_MAX_BYTES,
    });
  }
  return declared as ImageMime;
}

/**
 * `{uuid}-{slug(file name)}`: unique, so re-uploading a file name never collides with an earlier object.
 * The slug part is capped so the whole key fits `storage_key varchar(255)` whatever the file name.
 */
export const imageObjectName = (uuid: string, fileName: string) =>
  `${uuid}-${slugify(fileName).slice(0, 120).replace(/-+$/, '') || 'image'}`;
