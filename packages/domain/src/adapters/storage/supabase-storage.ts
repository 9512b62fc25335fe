import { loadOnce } from '../../shared/load-once.js';
import { StorageError, type ObjectStorage } from '../../ports/storage.js';

interface ProviderError {
  message?: string;
  status?: number;
  statusCode?: string | number;
  error?: string;
}

/**
 * Supabase Storage returns "bucket not found" as 404 or as 400 with `statusCode: "404"` depending on the
 * version; a duplicate object as 409 (or `statusCode: "409"`). Everything else, network errors included,
 * is a plain failure.
 */
function classify(error: ProviderError): StorageError['kind'] {
  const code = String(error.statusCode ?? error.status ?? '');
  const text = `${error.message ?? ''} ${error.error ?? ''}`.toLowerCase();
  if (text.includes('bucket not found') || (code === '404' && text.includes('bucket')))
    return 'bucket_missing';
  if (code === '409' || text.includes('already exists') || text.includes('duplicate')) return 'conflict';
  return 'failed';
}

function storageError(action: string, key: string, error: unknown): StorageError {
  const e = (error ?? {}) as ProviderError;
  return new StorageError(`${action} failed for ${key}: ${e.message ?? 'unknown error'}`, classify(e), {
    cause: error,
  });
}

/**
 * Production object storage: a public Supabase Storage bucket written with the service-role key (security
 * rule 16). Public URLs are derived, never fetched: `{url}/storage/v1/object/public/{bucket}/{key}`.
 */
export function supabaseStorage(opts: { url: string; secretKey: string; bucket: string }): ObjectStorage {
  // Issue 14 (lean memory): the SDK loads on the first write, not at startup (reads only derive URLs).
  const bucket = loadOnce(() =>
    import('@supabase/supabase-js').then(({ createClient }) =>
      createClient(opts.url, opts.secretKey, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      }).storage.from(opts.bucket),
    ),
  );
  const publicBaseUrl = `${opts.url.replace(/\/+$/, '')}/storage/v1/object/public/${opts.bucket}/`;
  const clean = (key: string) => key.replace(/^\/+/, '');
  return {
    publicBaseUrl,
    publicUrl: (key) => `${publicBaseUrl}${clean(key)}`,
    async put(key, body, contentType) {
      let result: { error: unknown };
      try {
        result = await (
          await bucket()
        ).upload(clean(key), body, {
          contentType,
          upsert: false,
          cacheControl: '31536000',
        });
      } catch (error) {
        throw storageError('Upload', key, error);
      }
      if (result.error) throw storageError('Upload', key, result.error);
    },
    async remove(keys) {
      if (!keys.length) return;
      let result: { error: unknown };
      try {
        result = await (await bucket()).remove(keys.map(clean));
      } catch (error) {
        throw storageError('Delete', keys.join(', '), error);
      }
      if (result.error) throw storageError('Delete', keys.join(', '), result.error);
    },
  };
}
