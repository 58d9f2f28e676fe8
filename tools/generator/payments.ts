import { ORDER_STATUSES, PAYMENT_METHODS, PAYMENT_STATUSES } from '../../contracts/raw-order.js';
import { CURRENCIES } from './markets.js';
import type { OrderDraft } from './order-draft.js';
import { cumulative, type Rng } from './random.js';

const CREDIT = PAYMENT_METHODS.indexOf('credit_card');
const GIFT_CARD = PAYMENT_METHODS.indexOf('gift_card');
const PAID = PAYMENT_STATUSES.indexOf('paid');
const FAILED = PAYMENT_STATUSES.indexOf('failed');
const REFUNDED = PAYMENT_STATUSES.indexOf('refunded');
const COMPLETED = ORDER_STATUSES.indexOf('completed');
const CANCELLED = ORDER_STATUSES.indexOf('cancelled');
/** Methods a shopper picks when not using their usual one: cards, PayPal, wallet (no gift card). */
const OTHER_METHODS = (['credit_card', 'debit_card', 'paypal', 'wallet'] as const).map((m) =>
  PAYMENT_METHODS.indexOf(m),
);
const OTHER_MIX = cumulative([0.45, 0.25, 0.18, 0.12]);
const otherMethod = (rng: Rng): number => OTHER_METHODS[rng.pick(OTHER_MIX)] as number;
/** Gift card balances in minor units per currency (CURRENCIES order), what one order redeems. */
const GIFT_CARDS: Record<(typeof CURRENCIES)[number], readonly number[]> = {
  USD: [2500, 5000, 10000],
  GBP: [2000, 4000, 8000],
  EUR: [2500, 5000, 10000],
  CAD: [2500, 5000, 10000],
  INR: [100000, 200000, 500000],
};
const GIFT_BY_CURRENCY = CURRENCIES.map((c) => GIFT_CARDS[c]);

function pay(d: OrderDraft, method: number, amount: number, status: number): void {
  d.payMethod[d.payments] = method;
  d.payAmount[d.payments] = amount;
  d.payStatus[d.payments] = status;
  d.payments++;
}

/**
 * Fills the draft's payments, consistent with its status and total (integer minor units):
 * - completed: paid payments sum to the total; some split a gift card with a card, and a few
 *   show a declined attempt before the payment that went through;
 * - cancelled: most were cancelled because the payment failed; the rest were paid and refunded;
 * - returned: paid, then refunded in full.
 */
export function fillPayments(d: OrderDraft, rng: Rng): void {
  const preferred = d.customer.payment;
  const method = rng.float() < 0.8 ? preferred : otherMethod(rng);
  const total = d.total;
  d.payments = 0;
  if (d.status === CANCELLED) {
    pay(d, method, total, rng.float() < 0.6 ? FAILED : REFUNDED);
  } else if (d.status !== COMPLETED) {
    pay(d, method, total, REFUNDED);
  } else if (method === GIFT_CARD || rng.float() < 0.04) {
    const cards = GIFT_BY_CURRENCY[d.customer.currency] as readonly number[];
    const balance = Math.min(total, cards[rng.int(cards.length)] as number);
    pay(d, GIFT_CARD, balance, PAID);
    if (balance < total) pay(d, preferred === GIFT_CARD ? CREDIT : preferred, total - balance, PAID);
  } else if (rng.float() < 0.025) {
    pay(d, method, total, FAILED); // declined, then paid another way
    pay(d, otherMethod(rng), total, PAID);
  } else {
    pay(d, method, total, PAID);
  }
}
