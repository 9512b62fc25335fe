export * from './contact-email.js';
export * from './submit-contact-message.js';
export * from './list-contact-messages.js';
