import type { Request } from 'express';
import busboy from 'busboy';
import { DomainError, UPLOAD_MAX_BYTES, UPLOAD_MAX_FILES, validationFailed } from '@popbox/domain';
import { findHostileInput } from './hostile-input.js';

export interface ParsedFile {
  field: string;
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
}
export interface ParsedForm {
  files: ParsedFile[];
  fields: { name: string; value: string }[];
}

/** B13 multipart limits: 10 files of 5 MB, 20 fields, 30 parts. */
const LIMITS = { fileSize: UPLOAD_MAX_BYTES, files: UPLOAD_MAX_FILES, fields: 20, parts: 30 };

const malformed = () => new DomainError('BAD_REQUEST', 'Malformed multipart body');
const interrupted = () => new DomainError('BAD_REQUEST', 'The upload ended before the end of the form');

/**
 * Reads a multipart form into memory within the B13 limits. Errors: not multipart / malformed / truncated /
 * interrupted / too many fields or parts / a file under an unexpected field name → 400; a file over 5 MB or
 * more than 10 files → 422. On the first error the parser is destroyed and the rest of the body drained.
 *
 * No stream error may escape to the process (issue 11): busboy reports a truncated body on the parser AND on
 * the file stream that was open, and an 'error' event nobody listens to is an uncaught exception. So the
 * parser and every file stream keep an 'error' listener for their whole life, and the request's own end
 * (client gone, socket reset) settles the promise too. Everything after the first settlement is a no-op.
 */
export function parseMultipart(
  req: Request,
  opts: { fileFields: readonly string[]; textFields: readonly string[] },
): Promise<ParsedForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: LIMITS });
    } catch {
      reject(new DomainError('BAD_REQUEST', 'Expected a multipart/form-data body'));
      return;
    }
    const form: ParsedForm = { files: [], fields: [] };
    let settled = false;
    const fail = (error: DomainError) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.destroy(); // ends any open file stream (with an error, handled below)
      if (!req.destroyed) req.resume(); // drain the rest so the answer can be sent
      reject(error);
    };

    parser.on('error', () => fail(malformed()));
    parser.on('file', (field, stream, info) => {
      stream.on('error', () => fail(malformed()));
      if (settled) {
        stream.resume();
        return;
      }
      if (!opts.fileFields.includes(field)) {
        stream.resume();
        fail(validationFailed({ [field]: [`Unexpected file field; use ${opts.fileFields.join(' or ')}`] }));
        return;
      }
      readFile(stream, (bytes) => {
        if (!settled)
          form.files.push({ field, fileName: info.filename ?? 'image', contentType: info.mimeType, bytes });
      });
      stream.on('limit', () =>
        fail(
          new DomainError('FILE_TOO_LARGE', 'Image larger than 5 MB', {
            file: info.filename,
            maxBytes: UPLOAD_MAX_BYTES,
          }),
        ),
      );
    });
    parser.on('field', (name, value) => {
      if (settled) return;
      if (!opts.textFields.includes(name)) {
        fail(validationFailed({ [name]: ['Unknown field'] }));
        return;
      }
      // The same sanitising as JSON inputs (NUL bytes), for the form's text fields.
      const hostile = findHostileInput(value);
      if (hostile) {
        fail(validationFailed({ [name]: [hostile.problem] }));
        return;
      }
      form.fields.push({ name, value });
    });
    parser.on('filesLimit', () =>
      fail(new DomainError('TOO_MANY_FILES', `At most ${UPLOAD_MAX_FILES} images per upload`)),
    );
    parser.on('fieldsLimit', () => fail(new DomainError('BAD_REQUEST', 'Too many form fields (max 20)')));
    parser.on('partsLimit', () => fail(new DomainError('BAD_REQUEST', 'Too many form parts (max 30)')));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      resolve(form);
    });

    // The client went away mid-body (or before we started reading it): no 'end' will ever reach the parser.
    if (req.readableAborted) return fail(interrupted());
    req.on('error', () => fail(interrupted()));
    req.on('close', () => {
      if (!req.complete) fail(interrupted());
    });
    req.pipe(parser);
  });
}

/** Collects a file's bytes; `done` runs only when the file ended normally (never after an error). */
function readFile(stream: NodeJS.ReadableStream, done: (bytes: Uint8Array) => void) {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(new Uint8Array(Buffer.concat(chunks))));
}
