import type { AnyProcedure } from '@trpc/server';
import type { AppRouter } from '@popbox/api';

/**
 * What a tRPC client needs of the router, per procedure: its kind, input and output. The build prints these
 * types structurally (router-declaration.ts), so none of the API's context, domain or database types leak.
 */
type Shape<R> = {
  [K in keyof R]: R[K] extends AnyProcedure
    ? {
        kind: R[K]['_def']['type'];
        input: R[K]['_def']['$types']['input'];
        output: R[K]['_def']['$types']['output'];
      }
    : Shape<R[K]>;
};

export type RouterShape = Shape<AppRouter['_def']['record']>;
export type RouterErrorShape = AppRouter['_def']['_config']['$types']['errorShape'];
