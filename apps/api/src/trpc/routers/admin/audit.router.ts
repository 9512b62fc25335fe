import {
  ZAuditLogInput,
  ZAuditLogOutput,
  ZListContactMessagesInput,
  ZListContactMessagesOutput,
} from '@popbox/contracts';
import { listAuditLog, listContactMessages } from '@popbox/domain';
import { adminProcedure, router } from '../../init.js';

export const auditRouter = router({
  list: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/audit-log',
        tags: ['admin'],
        protect: true,
        summary: 'Admin actions (F13)',
      },
    })
    .input(ZAuditLogInput)
    .output(ZAuditLogOutput)
    .query(({ ctx, input }) => listAuditLog(ctx.deps, input)),
});

export const contactMessagesRouter = router({
  list: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/contact-messages',
        tags: ['admin'],
        protect: true,
        summary: 'Stored contact-form messages (F7)',
      },
    })
    .input(ZListContactMessagesInput)
    .output(ZListContactMessagesOutput)
    .query(({ ctx, input }) => listContactMessages(ctx.deps, input)),
});
