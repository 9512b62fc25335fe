import { router } from '../../init.js';
import { ordersRouter } from './orders.router.js';

export const orderRouter = router({
  orders: ordersRouter,
});
