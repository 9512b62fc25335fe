/** Status groups of spec "Order status machine" used by rules across the domain. */
export const FINALISED_STATUSES = ['paid', 'packed', 'shipped', 'refunded', 'paid_needs_attention'] as const;
export const REFUNDABLE_STATUSES = ['paid', 'packed', 'shipped', 'paid_needs_attention'] as const;
export const REVEALABLE_STATUSES = ['paid', 'packed', 'shipped'] as const;

export const isFinalised = (status: string) => (FINALISED_STATUSES as readonly string[]).includes(status);
