import { createPopBoxClient } from '@popbox/client';

const client = createPopBoxClient({ url: 'http://localhost:3000' });
export const limit = client.public.catalog.listProducts.query({ limit: 'three' });
export const quantity = client.public.checkout.createSession.mutate({
  items: [{ productId: 'p', quantity: 'lots' }],
});
export const procedure = client.public.catalog.listProduct.query({});
export const field = client.public.catalog.getProduct.query({ slugg: 'mug' });
