/**
 * The dev storefront's one browser module (issue 15). It talks to the API ONLY through the public client
 * package (`createPopBoxClient` from @popbox/client), exactly as a storefront in another repository would,
 * so it doubles as the reference for storefront developers. No framework: each page renders into #app.
 * Its own tsconfig (DOM lib); esbuild bundles it (bundle.ts), tsc never emits it.
 */
import { createPopBoxClient, withIdempotencyKey } from '../../../../../packages/client/src/client.js';

const BASE = '/shop';
const api = createPopBoxClient({
  url: location.origin,
  fetch: (input, init) => fetch(input, { ...init, credentials: 'include' }),
});

type CartLine = {
  productId: string;
  slug: string;
  name: string;
  priceCents: number;
  currency: string;
  quantity: number;
};
const CART_KEY = 'popbox.cart';

function readCart(): CartLine[] {
  try {
    const lines = JSON.parse(localStorage.getItem(CART_KEY) ?? '[]') as unknown;
    return Array.isArray(lines) ? (lines as CartLine[]) : [];
  } catch {
    return [];
  }
}
function writeCart(lines: CartLine[]): void {
  localStorage.setItem(CART_KEY, JSON.stringify(lines.filter((l) => l.quantity > 0)));
  renderCartCount();
}

/** Builds DOM nodes; text always goes through textContent, so nothing the API returns is parsed as HTML. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

const money = (cents: number, currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);

const app = document.getElementById('app')!;
function show(...nodes: Node[]): void {
  app.replaceChildren(...nodes);
}
function renderCartCount(): void {
  const count = document.getElementById('cart-count');
  if (count) count.textContent = String(readCart().reduce((n, l) => n + l.quantity, 0));
}
function problem(error: unknown): HTMLElement {
  return el('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}

async function homePage(query: string): Promise<void> {
  const form = el('form', { id: 'search', method: 'get', action: `${BASE}/` });
  form.append(
    el('input', { name: 'q', type: 'search', value: query, placeholder: 'Search the shop' }),
    el('button', { type: 'submit' }, 'Search'),
  );
  const list = el('ul', { id: 'products', class: 'grid' });
  show(el('h1', {}, query ? `Results for “${query}”` : 'PopBox Studio'), form, list);
  const { items } = query
    ? await api.public.catalog.search.query({ q: query, limit: 20 })
    : await api.public.catalog.listProducts.query({ limit: 24 });
  if (!items.length) list.append(el('li', {}, 'Nothing found.'));
  for (const p of items) {
    list.append(
      el(
        'li',
        { 'data-slug': p.slug },
        el('a', { href: `${BASE}/products/${encodeURIComponent(p.slug)}` }, p.name),
        el('span', { class: 'price' }, ` ${money(p.priceCents, p.currency)}`),
        p.productType === 'kuji' ? el('span', { class: 'badge' }, ' kuji') : '',
      ),
    );
  }
}

async function productPage(slug: string): Promise<void> {
  const p = await api.public.catalog.getProduct.query({ slug });
  const qty = el('input', { id: 'quantity', type: 'number', min: '1', value: '1', size: '4' });
  const add = el('button', { id: 'add-to-cart', type: 'button' }, 'Add to cart');
  const added = el('p', { id: 'added', class: 'note' });
  const stock = p.inventory ? `${p.inventory.available} in stock` : '';
  const nodes: Node[] = [
    el('h1', {}, p.name),
    el('p', { class: 'price', id: 'price' }, money(p.priceCents, p.currency)),
    el('p', { id: 'stock' }, stock),
    el('p', {}, p.description ?? ''),
    el('p', {}, el('label', {}, 'Quantity ', qty), ' ', add),
    added,
  ];
  add.addEventListener('click', () => {
    const quantity = Math.max(1, Number.parseInt(qty.value, 10) || 1);
    const cart = readCart();
    const line = cart.find((l) => l.productId === p.id);
    if (line) line.quantity += quantity;
    else
      cart.push({
        productId: p.id,
        slug: p.slug,
        name: p.name,
        priceCents: p.priceCents,
        currency: p.currency,
        quantity,
      });
    writeCart(cart);
    added.replaceChildren('Added. ', el('a', { href: `${BASE}/cart`, id: 'go-to-cart' }, 'Go to cart'));
  });
  if (p.productType === 'kuji') {
    const tiers = el(
      'table',
      { id: 'tiers' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Tier'), el('th', {}, 'Remaining'))),
    );
    const body = el('tbody');
    tiers.append(body);
    nodes.push(
      el('h2', {}, 'Board (live)'),
      tiers,
      el(
        'p',
        {},
        el(
          'a',
          { id: 'verify-link', href: `/kuji/${encodeURIComponent(p.slug)}/verify` },
          'Verify this board’s fairness',
        ),
      ),
    );
    // The live board: tRPC subscription over SSE (`public.kuji.live`), one snapshot then a push per change.
    api.public.kuji.live.subscribe(
      { slug: p.slug },
      {
        onData: (envelope) => {
          const state = 'data' in envelope ? envelope.data : envelope;
          body.replaceChildren(
            ...state.tiers.map((t) =>
              el(
                'tr',
                { 'data-tier': t.tier },
                el('td', {}, t.tier),
                el('td', {}, `${t.remaining} / ${t.initial}`),
              ),
            ),
          );
        },
      },
    );
  }
  show(...nodes);
}

function cartPage(): void {
  const cart = readCart();
  if (!cart.length) {
    show(
      el('h1', {}, 'Your cart'),
      el('p', {}, 'Your cart is empty. ', el('a', { href: `${BASE}/` }, 'Keep shopping')),
    );
    return;
  }
  const rows = cart.map((l) =>
    el(
      'tr',
      {},
      el('td', {}, l.name),
      el('td', {}, String(l.quantity)),
      el('td', {}, money(l.priceCents * l.quantity, l.currency)),
    ),
  );
  const email = el('input', { id: 'email', type: 'email', value: 'buyer@example.com', size: '30' });
  const pay = el('button', { id: 'checkout', type: 'button' }, 'Checkout');
  const status = el('p', { id: 'checkout-status' });
  pay.addEventListener('click', () => {
    pay.disabled = true;
    // One key per checkout attempt: a retried click after a network error replays the same session (F3).
    const key = sessionStorage.getItem('popbox.checkout-key') ?? crypto.randomUUID();
    sessionStorage.setItem('popbox.checkout-key', key);
    api.public.checkout.createSession
      .mutate(
        {
          items: cart.map((l) => ({ productId: l.productId, quantity: l.quantity })),
          email: email.value || undefined,
        },
        withIdempotencyKey(key),
      )
      .then((session) => {
        sessionStorage.removeItem('popbox.checkout-key');
        localStorage.setItem('popbox.last-order', session.publicId);
        location.assign(session.checkoutUrl);
      })
      .catch((error: unknown) => {
        pay.disabled = false;
        status.replaceChildren(problem(error));
      });
  });
  const clear = el('button', { type: 'button', id: 'clear-cart' }, 'Empty cart');
  clear.addEventListener('click', () => {
    writeCart([]);
    cartPage();
  });
  show(
    el('h1', {}, 'Your cart'),
    el('table', { id: 'cart' }, el('tbody', {}, ...rows)),
    el('p', {}, el('label', {}, 'Email ', email)),
    el('p', {}, pay, ' ', clear),
    status,
  );
}

async function successPage(sessionId: string): Promise<void> {
  const status = el('p', { id: 'success-status' }, 'Confirming your payment…');
  show(el('h1', {}, 'Thank you!'), status);
  // The webhook may land after the redirect: poll until the order is paid (the answer says `pending`).
  for (let attempt = 0; attempt < 60; attempt++) {
    const result = await api.public.checkout.success.query({ session_id: sessionId });
    if (!result.pending) {
      writeCart([]);
      status.replaceChildren(
        `Order ${result.publicId} is ${result.order.status}. `,
        el(
          'a',
          { id: 'order-link', href: `${BASE}/orders/${encodeURIComponent(result.publicId)}` },
          'View your order',
        ),
      );
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  status.textContent =
    'Still waiting for the payment confirmation; the confirmation email has your order link.';
}

async function orderPage(publicId: string): Promise<void> {
  const order = await api.order.orders.get.query({ publicId });
  const items = el(
    'ul',
    { id: 'items' },
    ...order.items.map((i) => el('li', {}, `${i.quantity} × ${i.productName}`)),
  );
  const tickets = el('div', { id: 'tickets' });
  show(
    el('h1', {}, `Order ${order.publicId}`),
    el(
      'p',
      { id: 'order-status', 'data-status': order.status },
      `Status: ${order.status} · ${money(order.totalCents, order.currency)}`,
    ),
    items,
    el('h2', {}, 'Kuji tickets'),
    tickets,
  );
  await renderTickets(publicId, tickets);
}

/** Tickets wait for their beacon round (`pending`), then are dealt; the page polls until none is pending. */
async function renderTickets(publicId: string, box: HTMLElement): Promise<void> {
  const { tickets } = await api.order.tickets.list.query({ publicId });
  if (!tickets.length) {
    box.replaceChildren(el('p', {}, 'No kuji tickets in this order.'));
    return;
  }
  box.replaceChildren(
    el(
      'ul',
      {},
      ...tickets.map((t) => {
        const li = el(
          'li',
          { class: 'ticket', 'data-ticket': t.id, 'data-status': t.status },
          `#${t.ticketNumber} `,
        );
        if (t.status === 'pending') li.append('waiting for its draw…');
        else if (t.status === 'voided') li.append(`voided (${t.voidReason ?? ''})`);
        else if (t.revealedAt && t.prize) {
          li.append(el('strong', { class: 'prize' }, `${t.prize.prizeTier}: ${t.prize.name}`), ' ');
          li.append(
            el(
              'a',
              {
                class: 'verify-ticket',
                href: `/kuji/${encodeURIComponent(t.kujiProduct.slug)}/verify?line=${t.lineRef ?? ''}&position=${t.position ?? ''}&prize=${t.prize.id}`,
              },
              'verify',
            ),
          );
        } else {
          const scratch = el('button', { type: 'button', class: 'scratch' }, 'Scratch');
          scratch.addEventListener('click', () => {
            scratch.disabled = true;
            api.order.tickets.reveal
              .mutate({ publicId, ticketId: t.id })
              .then(() => renderTickets(publicId, box))
              .catch((error: unknown) => li.append(problem(error)));
          });
          li.append(scratch);
        }
        return li;
      }),
    ),
    el(
      'p',
      {},
      el(
        'a',
        { id: 'board-verify', href: `/kuji/${encodeURIComponent(tickets[0]!.kujiProduct.slug)}/verify` },
        'Verify the board',
      ),
    ),
  );
  if (tickets.some((t) => t.status === 'pending')) setTimeout(() => void renderTickets(publicId, box), 1000);
}

async function route(): Promise<void> {
  renderCartCount();
  const path = location.pathname.replace(/\/+$/, '');
  const params = new URLSearchParams(location.search);
  const product = /^\/shop\/products\/([^/]+)$/.exec(path);
  const order = /^\/shop\/orders\/([^/]+)$/.exec(path);
  if (product) return productPage(decodeURIComponent(product[1]!));
  if (order) return orderPage(decodeURIComponent(order[1]!));
  if (path === '/shop/cart') return cartPage();
  if (path === '/shop/checkout/success') return successPage(params.get('session_id') ?? '');
  return homePage(params.get('q') ?? '');
}

route().catch((error: unknown) => app.replaceChildren(problem(error)));
