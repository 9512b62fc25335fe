import { router } from '../../init.js';
import { ordersRouter } from './orders.router.js';
import { ticketsRouter } from './tickets.router.js';

export const orderRouter = router({
  orders: ordersRouter,
  tickets: ticketsRouter,
});
