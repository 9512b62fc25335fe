import { ZPublicIdInput, ZRevealTicketInput, ZTicketCollection, ZTicketView } from '@popbox/contracts';
import { listGuestTickets, revealAllTickets, revealTicket } from '@popbox/domain';
import { orderProcedure, router } from '../../init.js';

export const ticketsRouter = router({
  list: orderProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/orders/{publicId}/tickets',
        tags: ['kuji'],
        summary: 'Kuji tickets of the order, prizes masked until revealed',
      },
    })
    .input(ZPublicIdInput)
    .output(ZTicketCollection)
    .query(({ ctx, input }) => listGuestTickets(ctx.deps, ctx.actor.grants, input.publicId)),

  revealAll: orderProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/orders/{publicId}/tickets/reveal-all',
        tags: ['kuji'],
        summary: 'Reveal every unrevealed, non-voided ticket',
      },
    })
    .input(ZPublicIdInput)
    .output(ZTicketCollection)
    .mutation(({ ctx, input }) => revealAllTickets(ctx.deps, ctx.actor.grants, input.publicId)),

  reveal: orderProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/orders/{publicId}/tickets/{ticketId}/reveal',
        tags: ['kuji'],
        summary: 'Reveal one ticket (idempotent)',
      },
    })
    .input(ZRevealTicketInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) => revealTicket(ctx.deps, ctx.actor.grants, input.publicId, input.ticketId)),
});
