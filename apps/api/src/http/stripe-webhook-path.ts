/** Where Stripe (and the local simulator) deliver webhook events. */
export const STRIPE_WEBHOOK_PATH = '/api/v1/webhooks/stripe';
