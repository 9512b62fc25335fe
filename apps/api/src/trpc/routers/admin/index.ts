import { router } from '../../init.js';
import { sessionRouter } from './session.router.js';
import { ordersRouter } from './orders.router.js';

export const adminRouter = router({
  session: sessionRouter,
  orders: ordersRouter,
});
