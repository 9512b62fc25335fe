import type { ObjectStorage } from '../ports/storage.js';

export const prizeImagePrefix = (productId: string) => `products/${productId}/kuji-prizes/`;

/**
 * The storage key behind a prize image URL when the URL is one of ours (under the public storage prefix
 * at `products/{productId}/kuji-prizes/`), else null — foreign URLs are never deleted.
 */
export function managedPrizeImageKey(
  storage: Pick<ObjectStorage, 'publicBaseUrl'>,
  productId: string,
  url: string,
): string | null {
  const prefix = `${storage.publicBaseUrl}${prizeImagePrefix(productId)}`;
  if (!url.startsWith(prefix)) return null;
  const key = url.slice(storage.publicBaseUrl.length);
  return key.includes('..') || key.length <= prizeImagePrefix(productId).length ? null : key;
}
