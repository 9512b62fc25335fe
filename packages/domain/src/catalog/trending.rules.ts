/**
 * B2 trending weights. Paid demand: quantity × the weight of the freshest bucket the order's event time
 * falls in. Reservation intent: quantity × 3 within a day, × 1 within a week.
 */
export const PAID_DEMAND_BUCKETS = [
  { withinDays: 3, weight: 8 },
  { withinDays: 14, weight: 4 },
  { withinDays: 30, weight: 2 },
] as const;
export const PAID_STATUSES = ['paid', 'packed', 'shipped'] as const;
export const RESERVATION_BUCKETS = [
  { withinDays: 1, weight: 3 },
  { withinDays: 7, weight: 1 },
] as const;
