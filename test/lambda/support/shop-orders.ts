import type { RawOrder } from '../../../contracts/raw-order.js';
import { validOrder } from './orders.js';

/**
 * A real shop's order under contract v2: a Spanish customer paying EUR, with the shop's own ids,
 * SKU `SKU-8812-BLK` and category `Garden & Patio` (key `garden_patio`); completed and paid.
 */
export function spanishShopOrder(year = 2025, month = 1): RawOrder {
  const o = validOrder(2, year, month); // a DE/EUR order: its money adds up in EUR
  return {
    ...o,
    order_id: 'ES/2025/000017',
    status: 'completed',
    customer: { ...o.customer, customer_id: 'shopify:8812034', country: 'ES' },
    items: o.items.map((item, i) => ({
      ...item,
      product_id: i === 0 ? 'SKU-8812-BLK' : `SKU-${i}`,
      category: i === 0 ? 'Garden & Patio' : item.category,
    })),
  };
}
