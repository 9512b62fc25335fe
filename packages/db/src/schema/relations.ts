import { relations } from 'drizzle-orm';
import { users } from './auth.js';
import { collections, productCollections, productImages, productTags, products, tags } from './catalog.js';
import { inventoryReservations, productInventory } from './inventory.js';
import { kujiDeckCards, kujiDeckEpochs, kujiDecks, kujiPrizes, tickets } from './kuji.js';
import { customers, orderItems, orders, shipments } from './orders.js';
import { paymentRefunds, payments } from './payments.js';

// Relations only feed drizzle's relational query API (db.query.*); they create nothing in SQL.

export const productsRelations = relations(products, ({ one, many }) => ({
  inventory: one(productInventory, {
    fields: [products.id],
    references: [productInventory.productId],
  }),
  images: many(productImages),
  productCollections: many(productCollections),
  productTags: many(productTags),
  kujiPrizes: many(kujiPrizes),
  kujiDeck: one(kujiDecks, { fields: [products.id], references: [kujiDecks.productId] }),
}));

export const productInventoryRelations = relations(productInventory, ({ one }) => ({
  product: one(products, { fields: [productInventory.productId], references: [products.id] }),
}));

export const productImagesRelations = relations(productImages, ({ one }) => ({
  product: one(products, { fields: [productImages.productId], references: [products.id] }),
}));

export const collectionsRelations = relations(collections, ({ many }) => ({
  productCollections: many(productCollections),
}));

export const productCollectionsRelations = relations(productCollections, ({ one }) => ({
  product: one(products, { fields: [productCollections.productId], references: [products.id] }),
  collection: one(collections, {
    fields: [productCollections.collectionId],
    references: [collections.id],
  }),
}));

export const tagsRelations = relations(tags, ({ many }) => ({
  productTags: many(productTags),
}));

export const productTagsRelations = relations(productTags, ({ one }) => ({
  product: one(products, { fields: [productTags.productId], references: [products.id] }),
  tag: one(tags, { fields: [productTags.tagId], references: [tags.id] }),
}));

export const usersRelations = relations(users, ({ many }) => ({
  customers: many(customers),
}));

export const customersRelations = relations(customers, ({ one, many }) => ({
  user: one(users, { fields: [customers.userId], references: [users.id] }),
  orders: many(orders),
}));

export const ordersRelations = relations(orders, ({ one, many }) => ({
  customer: one(customers, { fields: [orders.customerId], references: [customers.id] }),
  items: many(orderItems),
  reservations: many(inventoryReservations),
  payment: one(payments, { fields: [orders.id], references: [payments.orderId] }),
  refunds: many(paymentRefunds),
  shipment: one(shipments, { fields: [orders.id], references: [shipments.orderId] }),
  tickets: many(tickets),
}));

export const orderItemsRelations = relations(orderItems, ({ one, many }) => ({
  order: one(orders, { fields: [orderItems.orderId], references: [orders.id] }),
  product: one(products, { fields: [orderItems.productId], references: [products.id] }),
  tickets: many(tickets),
}));

export const inventoryReservationsRelations = relations(inventoryReservations, ({ one }) => ({
  order: one(orders, { fields: [inventoryReservations.orderId], references: [orders.id] }),
  product: one(products, { fields: [inventoryReservations.productId], references: [products.id] }),
}));

export const shipmentsRelations = relations(shipments, ({ one }) => ({
  order: one(orders, { fields: [shipments.orderId], references: [orders.id] }),
}));

export const paymentsRelations = relations(payments, ({ one, many }) => ({
  order: one(orders, { fields: [payments.orderId], references: [orders.id] }),
  refunds: many(paymentRefunds),
}));

export const paymentRefundsRelations = relations(paymentRefunds, ({ one }) => ({
  payment: one(payments, { fields: [paymentRefunds.paymentId], references: [payments.id] }),
  order: one(orders, { fields: [paymentRefunds.orderId], references: [orders.id] }),
}));

export const kujiPrizesRelations = relations(kujiPrizes, ({ one }) => ({
  product: one(products, { fields: [kujiPrizes.productId], references: [products.id] }),
}));

export const kujiDecksRelations = relations(kujiDecks, ({ one, many }) => ({
  product: one(products, { fields: [kujiDecks.productId], references: [products.id] }),
  epochs: many(kujiDeckEpochs),
  cards: many(kujiDeckCards),
}));

export const kujiDeckEpochsRelations = relations(kujiDeckEpochs, ({ one }) => ({
  deck: one(kujiDecks, { fields: [kujiDeckEpochs.productId], references: [kujiDecks.productId] }),
}));

export const kujiDeckCardsRelations = relations(kujiDeckCards, ({ one }) => ({
  deck: one(kujiDecks, { fields: [kujiDeckCards.productId], references: [kujiDecks.productId] }),
  epoch: one(kujiDeckEpochs, { fields: [kujiDeckCards.epochId], references: [kujiDeckEpochs.id] }),
  prize: one(kujiPrizes, { fields: [kujiDeckCards.prizeId], references: [kujiPrizes.id] }),
}));

export const ticketsRelations = relations(tickets, ({ one }) => ({
  order: one(orders, { fields: [tickets.orderId], references: [orders.id] }),
  orderItem: one(orderItems, { fields: [tickets.orderItemId], references: [orderItems.id] }),
  customer: one(customers, { fields: [tickets.customerId], references: [customers.id] }),
  kujiProduct: one(products, { fields: [tickets.kujiProductId], references: [products.id] }),
  prize: one(kujiPrizes, { fields: [tickets.kujiPrizeId], references: [kujiPrizes.id] }),
  deckEpoch: one(kujiDeckEpochs, { fields: [tickets.deckEpochId], references: [kujiDeckEpochs.id] }),
}));
