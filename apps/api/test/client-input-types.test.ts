import { describe, expect, expectTypeOf, it } from 'vitest';
import type { createTRPCClient } from '@trpc/client';
import { ZCreateCheckoutSessionInput, ZListProductsInput } from '@popbox/contracts';
import type { AppRouter, RouterInputs } from '../src/trpc/app-router.js';

/**
 * Issue 15: tRPC inputs are typed as what clients should send. Coerced fields (`limit`, checkout `quantity`)
 * are `number`, not z.coerce's default `unknown`, so a typo fails to compile; `pnpm typecheck` checks the
 * `@ts-expect-error` lines below (an unused directive is itself an error). REST keeps its query-string leniency.
 */
type Client = ReturnType<typeof createTRPCClient<AppRouter>>;

describe('exact client input types', () => {
  it('types coerced inputs as numbers', () => {
    expectTypeOf<RouterInputs['public']['catalog']['listProducts']['limit']>().toEqualTypeOf<
      number | undefined
    >();
    expectTypeOf<
      RouterInputs['public']['checkout']['createSession']['items'][number]['quantity']
    >().toEqualTypeOf<number>();
    expectTypeOf<RouterInputs['admin']['orders']['list']['limit']>().toEqualTypeOf<number | undefined>();
  });

  it('rejects strings at compile time', () => {
    // Never called: only the compiler reads these calls.
    const typos = (client: Client) => [
      // @ts-expect-error a string limit does not compile
      client.public.catalog.listProducts.query({ limit: 'three' }),
      // @ts-expect-error a string quantity does not compile
      client.public.checkout.createSession.mutate({ items: [{ productId: 'x', quantity: 'lots' }] }),
      // @ts-expect-error neither does a misspelt procedure
      client.public.catalog.listProduct.query({}),
    ];
    expect(typeof typos).toBe('function');
  });

  it('still accepts numeric strings at run time (REST query strings, B3 bodies)', () => {
    expect(ZListProductsInput.parse({ limit: '7' }).limit).toBe(7);
    expect(ZListProductsInput.safeParse({ limit: 'three' }).success).toBe(false);
    const line = { productId: '00000000-0000-4000-8000-000000000000', quantity: '2' };
    expect(ZCreateCheckoutSessionInput.parse({ items: [line] }).items[0]?.quantity).toBe(2);
    expect(ZCreateCheckoutSessionInput.safeParse({ items: [{ ...line, quantity: 'lots' }] }).success).toBe(
      false,
    );
  });
});
