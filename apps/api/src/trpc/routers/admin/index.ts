import { router } from '../../init.js';
import { opsRouter } from './ops.router.js';
import { sessionRouter } from './session.router.js';
import { ordersRouter } from './orders.router.js';

export const adminRouter = router({
  session: sessionRouter,
  ops: opsRouter,
  orders: ordersRouter,
});
