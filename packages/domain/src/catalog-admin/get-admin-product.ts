import type { Deps } from '../shared/deps.js';
import { loadProductDetailById, type ProductDetail } from '../catalog/product-detail.js';

/** B13 admin detail: the full product in any status; 404 if missing. */
export function getAdminProduct(
  deps: Pick<Deps, 'db' | 'storage' | 'clock'>,
  id: string,
): Promise<ProductDetail> {
  return loadProductDetailById(deps.db, deps.storage, id, deps.clock.now());
}
