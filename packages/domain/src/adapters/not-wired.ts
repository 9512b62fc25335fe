import { PaymentProviderError, type PaymentsPort } from '../ports/payments.js';
import { EmailDeliveryError, type EmailSender } from '../ports/email.js';
import { StorageError, type ObjectStorage } from '../ports/storage.js';

/**
 * Placeholders used only until the checkout issue (payments) and the jobs issue (email delivery) wire
 * their adapters: every call fails loudly instead of pretending to succeed.
 */
export const notWiredPayments: PaymentsPort = {
  kind: 'simulator',
  createCheckoutSession: () =>
    Promise.reject(new PaymentProviderError('payments adapter not wired', 'unavailable')),
  retrieveCheckoutSession: () =>
    Promise.reject(new PaymentProviderError('payments adapter not wired', 'unavailable')),
  expireCheckoutSession: () =>
    Promise.reject(new PaymentProviderError('payments adapter not wired', 'unavailable')),
  createRefund: () => Promise.reject(new PaymentProviderError('payments adapter not wired', 'unavailable')),
  listRefunds: () => Promise.reject(new PaymentProviderError('payments adapter not wired', 'unavailable')),
  verifyWebhook: () => {
    throw new PaymentProviderError('payments adapter not wired', 'unavailable');
  },
};

export const notWiredEmailSender: EmailSender = {
  kind: 'dev-mailbox',
  send: () => Promise.reject(new EmailDeliveryError('email sender not wired', false)),
};

/**
 * Supabase Storage until its adapter lands (catalog issue): public URLs are already right (reads work),
 * writes fail loudly.
 */
export function notWiredSupabaseStorage(opts: { url: string; bucket: string }): ObjectStorage {
  const publicBaseUrl = `${opts.url}/storage/v1/object/public/${opts.bucket}`;
  return {
    publicBaseUrl,
    publicUrl: (key) => `${publicBaseUrl}/${key}`,
    put: () => Promise.reject(new StorageError('storage adapter not wired', 'failed')),
    remove: () => Promise.reject(new StorageError('storage adapter not wired', 'failed')),
  };
}
