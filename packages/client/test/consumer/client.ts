// A storefront outside the monorepo: the packed @popbox/client is its only PopBox dependency.
import {
  createPopBoxClient,
  isTRPCClientError,
  withIdempotencyKey,
  ZListProductsInput,
  type AppRouter,
  type RouterOutputs,
} from '@popbox/client';
import { QUICKNET_CHAIN, QUICKNET_ROUNDS, verifyBeaconRound } from '@popbox/client/kuji-verifier';
import type { paths } from '@popbox/client/rest';

type ProductPage = RouterOutputs['public']['catalog']['listProducts'];
type RestProduct = paths['/api/v1/products/{slug}']['get']['responses'][200]['content']['application/json'];

export async function journey(url: string, idempotencyKey: string) {
  const client = createPopBoxClient({ url, headers: { 'x-storefront': 'scratch' } });
  const page: ProductPage = await client.public.catalog.listProducts.query({ limit: 3, sort: 'name_asc' });
  const first = page.items[0];
  if (!first) throw new Error('no products listed');
  const product = await client.public.catalog.getProduct.query({ slug: first.slug });

  const cart = { items: [{ productId: product.id, quantity: 2 }] };
  const session = await client.public.checkout.createSession.mutate(cart, withIdempotencyKey(idempotencyKey));
  const replay = await client.public.checkout.createSession.mutate(cart, { context: { idempotencyKey } });
  const withoutKey = await client.public.checkout.createSession.mutate(cart).then(
    () => 'accepted',
    (error: unknown) => (isTRPCClientError<AppRouter>(error) ? error.data?.errorCode : 'unexpected'),
  );

  const rest = (await (await fetch(`${url}/api/v1/products/${first.slug}`)).json()) as RestProduct;
  const [round] = QUICKNET_ROUNDS;
  return {
    slugs: page.items.map((p) => p.slug),
    productName: product.name,
    orderId: session.orderId,
    replayOrderId: replay.orderId,
    checkoutUrl: session.checkoutUrl,
    withoutKey,
    restName: rest.name,
    parsedLimit: ZListProductsInput.parse({ limit: '5' }).limit,
    beaconVerified: verifyBeaconRound(QUICKNET_CHAIN, round),
  };
}
