import { ZAdminSession, ZEmptyInput } from '@popbox/contracts';
import { adminProcedure, router } from '../../init.js';

export const sessionRouter = router({
  me: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/me',
        tags: ['admin'],
        protect: true,
        summary: 'The authenticated staff user',
      },
    })
    .input(ZEmptyInput)
    .output(ZAdminSession)
    .query(({ ctx }) => ({ userId: ctx.actor.userId, email: ctx.actor.email })),
});
