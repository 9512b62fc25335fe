/** Object storage for product and prize images (Supabase Storage in production, `.data/storage` in dev). */
export interface ObjectStorage {
  /** Uploads without overwriting. Throws StorageError. */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  remove(keys: string[]): Promise<void>;
  /** The public URL of a key (never stored; derived). */
  publicUrl(key: string): string;
  /** The prefix every managed public URL starts with (used to recognise our own URLs). */
  readonly publicBaseUrl: string;
}

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    message: string,
    readonly kind: 'bucket_missing' | 'conflict' | 'failed',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
