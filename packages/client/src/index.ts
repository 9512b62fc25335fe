/**
 * `@popbox/client`: everything a storefront in another repository needs to talk to the PopBox Studio API —
 * a typed tRPC client, the zod contracts both surfaces validate with, and (on subpaths) the REST types
 * generated from the OpenAPI document and the kuji verifier.
 */
export {
  createPopBoxClient,
  withIdempotencyKey,
  type PopBoxClient,
  type PopBoxClientError,
  type PopBoxClientOptions,
} from './client.js';
export type { AppRouter, RouterInputs, RouterOutputs } from './app-router.js';
export { TRPCClientError, isTRPCClientError } from '@trpc/client';
export * from '@popbox/contracts';
