import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { router } from './init.js';
import { adminRouter } from './routers/admin/index.js';
import { orderRouter } from './routers/order/index.js';
import { publicRouter } from './routers/public/index.js';

export const appRouter = router({
  public: publicRouter,
  order: orderRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
