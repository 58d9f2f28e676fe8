import { OpsError } from '../../contracts/ops-error.js';
import type { RawOrder } from '../../contracts/raw-order.js';
import { dayShares, firstDayOf, formatYearMonth, monthIndex, seasonOf } from './calendar.js';
import { fillCustomer } from './customers.js';
import { DayBuyers } from './day-buyers.js';
import { dayContext, fillOrder, type MonthContext, monthContext } from './order-builder.js';
import { type DayContext, draftToOrder, OrderDraft } from './order-draft.js';
import type { Cohort } from './population.js';
import { hash32, Rng } from './random.js';
import { checkSpec, type DatasetSpec, planCohorts } from './spec.js';

/**
 * Walks the orders of one month in timestamp order, refilling one `draft` per `next()`: the hot
 * loop of the generator, kept free of per-order allocation (no generator, no result objects).
 * Holds one day's buyers, never the month. Throws OpsError `BAD_OPTION` / `TOO_MANY_CUSTOMERS`
 * when constructed for a bad spec or a month outside it.
 */
export class MonthCursor {
  readonly draft = new OrderDraft();
  private readonly seed: number;
  private readonly month: number;
  private readonly cohorts: Cohort[];
  private readonly shares: Float64Array;
  private readonly season: number;
  private readonly mc: MonthContext;
  private readonly buyers = new DayBuyers();
  private day = -1;
  private index = 0;
  private rng = new Rng(0);
  private dc: DayContext | undefined;

  constructor(spec: DatasetSpec, year: number, month: number) {
    const { first, last } = checkSpec(spec);
    this.month = monthIndex(year, month);
    if (!(this.month >= first && this.month <= last)) {
      throw new OpsError(
        'BAD_OPTION',
        `${formatYearMonth(this.month)} is outside the dataset (--from ${spec.from} --months ${spec.months})`,
      );
    }
    this.seed = spec.seed;
    this.cohorts = planCohorts(spec.ordersPerMonth, spec.seed, this.month);
    this.shares = dayShares(this.month);
    this.season = seasonOf(this.month);
    this.mc = monthContext(this.month);
  }

  /** Fills `draft` with the next order; false once the month is done. */
  next(): boolean {
    while (this.index >= this.buyers.count) {
      if (++this.day >= this.shares.length) return false;
      const { seed, month, day } = this;
      this.rng = new Rng(hash32(seed, month, day, 7));
      this.buyers.collect(seed, this.cohorts, month, day, this.shares[day] as number, this.season, this.rng);
      this.dc = dayContext(seed, firstDayOf(month) + day);
      this.index = 0;
    }
    const i = this.index++;
    fillCustomer(this.draft.customer, this.seed, this.cohorts, this.buyers.numberAt(i));
    fillOrder(this.draft, this.mc, this.dc as DayContext, this.rng, this.buyers.secondAt(i), i);
    return true;
  }
}

/**
 * The orders of one month of a dataset, in timestamp order, as contract objects (fresh ones,
 * safe to keep). The content depends on (ordersPerMonth, seed, year, month) only, so a month is
 * the same whichever range it is generated in; `year`/`month` must lie inside `spec.from` +
 * `spec.months`. A month has about ordersPerMonth x its seasonal factor orders (January ~0.92,
 * November ~1.32, December ~1.48). Throws OpsError `BAD_OPTION` / `TOO_MANY_CUSTOMERS` on the
 * first `next()`.
 */
export function* generateMonthOrders(spec: DatasetSpec, year: number, month: number): Generator<RawOrder> {
  const cursor = new MonthCursor(spec, year, month);
  while (cursor.next()) yield draftToOrder(cursor.draft);
}
