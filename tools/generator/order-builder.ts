import { ORDER_STATUSES, SALES_CHANNELS, SEGMENTS } from '../../contracts/raw-order.js';
import { isoDate, monthOf } from './calendar.js';
import { CATEGORIES, COUNTRIES, CURRENCIES } from './markets.js';
import { type DayContext, MAX_LINES, type OrderDraft } from './order-draft.js';
import { fillPayments } from './payments.js';
import { categorySpec, PRODUCT_POPULARITY, PRODUCTS } from './product-catalog.js';
import { cumulative, fmix32, hash32, type Rng } from './random.js';

/** What every order of one month shares: demand by category and how often lines are discounted. */
export interface MonthContext {
  consumerMix: Float64Array;
  businessMix: Float64Array;
  discountChance: number;
}

/** Share of lines discounted, by calendar month: January and summer sales, Black Friday season. */
const DISCOUNT_CHANCE = [0.3, 0.18, 0.18, 0.18, 0.18, 0.2, 0.26, 0.2, 0.18, 0.2, 0.4, 0.3];
const DISCOUNT_RATES = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3];
const DISCOUNT_MIX = cumulative([0.2, 0.3, 0.2, 0.15, 0.08, 0.07]);
const BASKET_CONSUMER = cumulative([0.5, 0.26, 0.13, 0.065, 0.03, 0.015]);
const BASKET_BUSINESS = cumulative([0.35, 0.25, 0.17, 0.11, 0.07, 0.05]);
const POPULARITY = cumulative(PRODUCT_POPULARITY);
const CHANNEL_MIX = cumulative([0.55, 0.32, 0.13]);
const ONLINE = SALES_CHANNELS.indexOf('online');
const STORE = SALES_CHANNELS.indexOf('store');
const COMPLETED = ORDER_STATUSES.indexOf('completed');
const CANCELLED = ORDER_STATUSES.indexOf('cancelled');
const RETURNED = ORDER_STATUSES.indexOf('returned');
const CONSUMER = SEGMENTS.indexOf('consumer');
/** Shipping fee and free-shipping threshold in minor units, by currency index. */
const SHIPPING_BY_CURRENCY: Record<(typeof CURRENCIES)[number], readonly [number, number]> = {
  USD: [599, 5000],
  GBP: [399, 4000],
  EUR: [499, 4500],
  CAD: [799, 6000],
  INR: [4900, 99900],
};
const SHIPPING = CURRENCIES.map((c) => SHIPPING_BY_CURRENCY[c]);
/** Tax on goods, by country index. */
const TAX_RATE = COUNTRIES.map((c) => ({ US: 0.07, UK: 0.2, DE: 0.19, FR: 0.2, CA: 0.13, IN: 0.18 })[c]);
const FASHION = CATEGORIES.indexOf('fashion');
/** Per category: indexes into PRODUCTS; per product: multi-buy chance and largest quantity. */
const PER_CATEGORY = CATEGORIES.map((c) => PRODUCTS.flatMap((p, i) => (p.category === c ? [i] : [])));
const CATEGORY_OF = PRODUCTS.map((p) => CATEGORIES.indexOf(p.category));
const MULTI_BUY = PRODUCTS.map((p) => categorySpec(p.category).multiBuy);
const MAX_QTY = PRODUCTS.map((p) => categorySpec(p.category).maxQty);

/** Category demand (seasonal; business buyers lean to office and electronics) and discount rate of a month. */
export function monthContext(month: number): MonthContext {
  const calendarMonth = monthOf(month) - 1;
  const weights = CATEGORIES.map(
    (c) => categorySpec(c).share * (categorySpec(c).season[calendarMonth] as number),
  );
  const business = weights.map((w, i) =>
    CATEGORIES[i] === 'office' || CATEGORIES[i] === 'electronics' ? 3 * w : w,
  );
  return {
    consumerMix: cumulative(weights),
    businessMix: cumulative(business),
    discountChance: DISCOUNT_CHANCE[calendarMonth] as number,
  };
}

/** Date text and order-id key of day number `day` (days since 1970-01-01). */
export function dayContext(seed: number, day: number): DayContext {
  const date = isoDate(day);
  return { day, date, compactDate: date.replaceAll('-', ''), idKey: hash32(seed, day, 21) };
}

/**
 * Fills `d` (whose customer is already set) with one order at `second` (UTC) of the day.
 * `serial` numbers the day's orders; the id scrambles it with a bijection, so ids are unique
 * within a day and the date makes them unique overall. Money in integer minor units.
 */
export function fillOrder(
  d: OrderDraft,
  mc: MonthContext,
  dc: DayContext,
  rng: Rng,
  second: number,
  serial: number,
) {
  const c = d.customer;
  d.day = dc;
  d.second = second;
  d.idHex = fmix32(serial ^ dc.idKey);
  const business = c.segment !== CONSUMER;
  const localHour = Math.floor(((((second + c.utcOffset) % 86400) + 86400) % 86400) / 3600);
  d.channel = rng.float() < 0.7 ? c.channel : rng.pick(CHANNEL_MIX);
  if (d.channel === STORE && (localHour < 9 || localHour > 20)) d.channel = ONLINE; // stores open 9-21 h

  const wanted = 1 + rng.pick(business ? BASKET_BUSINESS : BASKET_CONSUMER);
  let net = 0;
  let fashion = false;
  d.lines = 0;
  for (let n = 0; n < wanted && n < MAX_LINES; n++) {
    const category = rng.pick(business ? mc.businessMix : mc.consumerMix);
    const product = (PER_CATEGORY[category] as number[])[rng.pick(POPULARITY)] as number;
    if (hasProduct(d, product)) continue; // a repeat pick makes a smaller basket, not a duplicate line
    const maxQty = (MAX_QTY[product] as number) * (business ? 2 : 1);
    const multi = rng.float() < (MULTI_BUY[product] as number) + (business ? 0.25 : 0);
    const quantity = multi && maxQty > 1 ? 2 + rng.int(maxQty - 1) : 1;
    d.product[d.lines] = product;
    const gross = quantity * d.unitPrice(d.lines);
    const discount =
      rng.float() < mc.discountChance
        ? Math.round(gross * (DISCOUNT_RATES[rng.pick(DISCOUNT_MIX)] as number))
        : 0;
    d.quantity[d.lines] = quantity;
    d.discount[d.lines] = discount;
    d.lines++;
    net += gross - discount;
    fashion ||= CATEGORY_OF[product] === FASHION;
  }
  const [fee, freeFrom] = SHIPPING[c.currency] as readonly [number, number];
  d.shipping = d.channel === STORE || net >= freeFrom ? 0 : fee;
  d.tax = Math.round(net * (TAX_RATE[c.country] as number));
  d.total = net + d.shipping + d.tax;
  const u = rng.float();
  d.status = u < 0.065 ? CANCELLED : u < 0.1 + (fashion ? 0.07 : 0) ? RETURNED : COMPLETED;
  fillPayments(d, rng);
}

/** Whether product `p` is already among the draft's lines (baskets hold each product once). */
function hasProduct(d: OrderDraft, p: number): boolean {
  for (let i = 0; i < d.lines; i++) if (d.product[i] === p) return true;
  return false;
}
