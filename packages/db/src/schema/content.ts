import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.js';
import { legalDocumentType } from './enums.js';

/**
 * Versioned, publish-on-write: each write inserts version max+1 as active and deactivates the previous
 * row in one transaction. The partial unique index makes a concurrent double publish fail (→ 409 retry).
 */
export const legalDocuments = pgTable(
  'legal_documents',
  {
    id: id(),
    type: legalDocumentType('type').notNull(),
    content: text('content').notNull(),
    version: integer('version').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('legal_documents_version_check', sql`${t.version} > 0`),
    unique('legal_documents_type_version_key').on(t.type, t.version),
    uniqueIndex('legal_documents_one_active_per_type_idx')
      .on(t.type)
      .where(sql`is_active`),
  ],
);

export const faqItems = pgTable(
  'faq_items',
  {
    id: id(),
    question: text('question').notNull(),
    answer: text('answer').notNull(),
    category: varchar('category', { length: 120 }),
    sortOrder: integer('sort_order').notNull().default(0),
    isPublished: boolean('is_published').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('faq_items_sort_order_check', sql`${t.sortOrder} >= 0`),
    index('faq_items_sort_order_created_at_id_idx').on(t.sortOrder, t.createdAt, t.id),
  ],
);

/** Key/value settings (`shipping`, `store_banner`, `seed_version`); values are validated by the app. */
export const storeSettings = pgTable('store_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** F7: the contact form stores the message before enqueueing its email. */
export const contactMessages = pgTable(
  'contact_messages',
  {
    id: id(),
    firstName: varchar('first_name', { length: 50 }).notNull(),
    lastName: varchar('last_name', { length: 50 }),
    email: varchar('email', { length: 320 }).notNull(),
    inquiryType: varchar('inquiry_type', { length: 40 }).notNull(),
    orderNumber: varchar('order_number', { length: 50 }),
    requestedSeries: varchar('requested_series', { length: 120 }),
    message: text('message').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('contact_messages_created_at_id_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);
