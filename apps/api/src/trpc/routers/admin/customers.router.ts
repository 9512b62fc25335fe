import { ZListCustomersInput, ZListCustomersOutput } from '@popbox/contracts';
import { listCustomers } from '@popbox/domain';
import { adminProcedure, router } from '../../init.js';

export const customersRouter = router({
  list: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/customers',
        tags: ['admin'],
        protect: true,
        summary: 'Customers (people who paid), newest first, with their order counts',
      },
    })
    .input(ZListCustomersInput)
    .output(ZListCustomersOutput)
    .query(({ ctx, input }) => listCustomers(ctx.deps, input)),
});
