/** Fixed business constants (spec (d), F17): one place, not configurable. */
export const CURRENCY = 'CAD' as const;
export const SHIPPING_COUNTRY = 'CA' as const;
export const RESERVATION_TTL_MS = 10 * 60 * 1000;
export const STRIPE_SESSION_LIFETIME_MS = 30 * 60 * 1000;
export const CART_MAX_LINES = 50;
export const CART_MAX_QUANTITY_PER_LINE = 20;
export const PAGE_SIZE_DEFAULT = 20;
export const PAGE_SIZE_MAX = 50;
export const HOME_RAIL_SIZES = { featured: 8, trendingNow: 8, allProductsPreview: 16 } as const;
export const RECOMMENDATIONS_DEFAULT = 4;
export const RECOMMENDATIONS_MAX = 12;
export const AUTOCOMPLETE_DEFAULT = 5;
export const AUTOCOMPLETE_MAX = 10;
export const SEARCH_SIMILARITY_THRESHOLD = 0.15;
export const SEARCH_SIMILARITY_FLOOR = 0.1;
export const SEARCH_RANK_WEIGHT = 1.0;
export const SEARCH_SIMILARITY_WEIGHT = 0.5;
export const GUEST_TOKEN_LIFETIME_MS = 180 * 24 * 60 * 60 * 1000;
export const UPLOAD_MAX_FILES = 10;
export const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;
export const UPLOAD_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif'] as const;
export const BANNER_MAX_ITEMS = 5;
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
export const FEATURED_COLLECTION_SLUG = 'featured';
export const PLACEHOLDER_EMAIL_DOMAIN = '@placeholder.popbox.local';
/** F3: an in-progress Idempotency-Key older than this belongs to a crashed request and may be taken over. */
export const IDEMPOTENCY_IN_FLIGHT_STALE_MS = 2 * 60 * 1000;
/**
 * F3/F9 for admin refunds (issue 11, follow-up to item 16): a refund request holds its Idempotency-Key on a
 * lease that it renews every REFUND_KEY_RENEW_MS for as long as it runs (provider call included). A request
 * that died stops renewing, so a retry with the same key takes it over, and the order's in-flight mark lapses,
 * at most REFUND_KEY_LEASE_MS after the last renewal — seconds, not minutes. A live request always renews in
 * time (the lease is four renewals long), so a concurrent duplicate still gets 409 + Retry-After.
 */
export const REFUND_KEY_LEASE_MS = 10_000;
export const REFUND_KEY_RENEW_MS = 2_500;
/** F3: what a concurrent duplicate is told to wait (Retry-After, seconds). */
export const IDEMPOTENCY_RETRY_AFTER_SECONDS = 1;
/**
 * Issue 11: how long an order action waits for another holder of the order's locks (a webhook's bookkeeping,
 * another admin action: each a short transaction without network calls) before answering 409 ORDER_BUSY.
 */
export const ORDER_LOCK_WAIT_MS = 3000;
/**
 * The buyer's reveal waits less: it is public (behind the order cookie), and every waiting request holds a
 * pool connection, so a burst of reveals of one order must not queue on it for long.
 */
export const REVEAL_LOCK_WAIT_MS = 500;
/** What a busy order tells the caller to wait (Retry-After, seconds). */
export const ORDER_BUSY_RETRY_AFTER_SECONDS = 1;
/**
 * F4: stock stays held while a delayed payment method (bank debit, …) settles after checkout completed
 * unpaid. Stripe settles those within days; the hold is renewed when the completed-unpaid event arrives.
 */
export const ASYNC_PAYMENT_HOLD_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * B5: how long a duplicate webhook delivery waits for the delivery of the same event in progress before it
 * answers 409 (the provider retries). The holder's transaction has no network call in it, so this is ample;
 * it stays well under Stripe's response timeout.
 */
export const WEBHOOK_EVENT_LOCK_WAIT_MS = 5_000;
/**
 * B4 (issue 11): the Checkout Session id grants the guest cookie only this long after the payment. The
 * success page polls right after the redirect; later visits use the emailed link (which staff can revoke).
 */
export const CHECKOUT_SUCCESS_ACCESS_WINDOW_MS = 60 * 60 * 1000;
