// The shop's domain, written once: the monolith calls these functions directly and each
// service of the split system exposes one of them over HTTP, so the only difference
// between the two is the network hop.
import { createHmac, randomUUID } from 'node:crypto';

export interface User {
  id: number;
  name: string;
  /** Missing for accounts imported from the old shop: the notification code forgets that. */
  email?: string;
  blocked: boolean;
}

export interface Reservation {
  sku: string;
  quantity: number;
  amountCents: number;
}

export interface Payment {
  paymentId: string;
  amountCents: number;
  signature: string;
}

export interface Order {
  orderId: string;
  userId: number;
  sku: string;
  quantity: number;
  amountCents: number;
  paymentId: string;
}

/** A refusal the client should see (unknown user, out of stock), with its HTTP status. */
export class OrderError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** User 13 came from the old shop without an email address. */
export const USER_WITHOUT_EMAIL = 13;

const users = new Map<number, User>();
for (let id = 1; id <= 1000; id++) {
  users.set(id, { id, name: `Customer ${id}`, email: id === USER_WITHOUT_EMAIL ? undefined : `customer${id}@example.com`, blocked: id % 97 === 0 });
}

const prices = new Map<string, number>();
const stock = new Map<string, number>();
for (let n = 1; n <= 200; n++) {
  const sku = `SKU-${String(n).padStart(4, '0')}`;
  prices.set(sku, 499 + n * 25);
  // Enough for any run of the lab: a reservation really takes units away.
  stock.set(sku, 1_000_000_000);
}

export function checkUser(userId: number): User {
  const user = users.get(userId);
  if (!user) throw new OrderError(404, `no user ${userId}`);
  if (user.blocked) throw new OrderError(403, `user ${userId} may not order`);
  return user;
}

export function reserveStock(sku: string, quantity: number): Reservation {
  const available = stock.get(sku);
  const price = prices.get(sku);
  if (available === undefined || price === undefined) throw new OrderError(404, `no product ${sku}`);
  if (!(quantity >= 1) || quantity > available) throw new OrderError(409, `only ${available} of ${sku} left`);
  stock.set(sku, available - quantity);
  return { sku, quantity, amountCents: price * quantity };
}

const PAYMENT_KEY = 'payments-signing-key';

/** The payment provider wants each charge signed. */
export function takePayment(user: User, amountCents: number): Payment {
  const paymentId = randomUUID();
  const signature = createHmac('sha256', PAYMENT_KEY).update(`${paymentId}:${user.id}:${amountCents}`).digest('hex');
  return { paymentId, amountCents, signature };
}

export function confirmationEmail(order: Order, user: User): string {
  // The bug: an account without an email address throws a TypeError here.
  const to = user.email!.toLowerCase();
  return `To: ${to}\nSubject: Order ${order.orderId}\n\n${user.name}, ${order.quantity} × ${order.sku}: ${(order.amountCents / 100).toFixed(2)} paid.`;
}

/**
 * The confirmation goes out after the answer, so the customer never waits for it. Running
 * outside the request, a throw here is an uncaught exception: it ends the process.
 */
export function queueConfirmation(order: Order, user: User): void {
  setImmediate(() => {
    const email = confirmationEmail(order, user);
    // A real service hands the email to its mail provider here.
    void email;
  });
}

export function newOrderId(): string {
  return randomUUID();
}
