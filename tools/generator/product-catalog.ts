import { CATEGORIES, CURRENCIES } from './markets.js';

type Category = (typeof CATEGORIES)[number];
type Currency = (typeof CURRENCIES)[number];

/** One product: id `PROD-CCNN` (category number, product number), list prices per currency in cents. */
export interface Product {
  id: string;
  name: string;
  category: Category;
  /** List price in integer minor units, indexed like `CURRENCIES`. */
  priceCents: Int32Array;
}

/**
 * Per category: share of basket lines, demand multiplier by calendar month (toys and
 * electronics peak at the holidays, sports in summer), how often a line has quantity > 1 and
 * the largest quantity a consumer buys, then [name, USD list price] by popularity.
 */
interface CategorySpec {
  share: number;
  season: readonly number[];
  multiBuy: number;
  maxQty: number;
  products: readonly (readonly [string, number])[];
}

const FLAT = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
const SPECS: Record<Category, CategorySpec> = {
  electronics: {
    share: 0.14,
    season: [0.9, 0.85, 0.9, 0.9, 0.9, 0.9, 0.95, 1.0, 1.0, 1.0, 1.45, 1.6],
    multiBuy: 0.06,
    maxQty: 2,
    products: [
      ['Noise-cancelling headphones', 149],
      ['Wireless earbuds', 79],
      ['USB-C fast charger', 29],
      ['Bluetooth speaker', 59],
      ['Smartwatch', 229],
      ['10-inch tablet', 399],
      ['27-inch 4K monitor', 329],
      ['Aluminium laptop stand', 45],
    ],
  },
  home_kitchen: {
    share: 0.14,
    season: [1.1, 1.0, 1.0, 1.0, 1.0, 0.95, 0.95, 1.0, 1.0, 1.0, 1.15, 1.2],
    multiBuy: 0.12,
    maxQty: 3,
    products: [
      ['Airtight storage containers', 29],
      ["Chef's knife", 59],
      ['Burr coffee grinder', 49],
      ['Cotton bed sheet set', 69],
      ['Air fryer', 119],
      ['High-speed blender', 89],
      ['Stainless cookware set', 189],
      ['Linen throw pillow', 25],
    ],
  },
  fashion: {
    share: 0.17,
    season: [0.95, 0.85, 1.0, 1.05, 1.05, 1.0, 0.95, 1.05, 1.1, 1.0, 1.1, 1.15],
    multiBuy: 0.15,
    maxQty: 3,
    products: [
      ['Organic cotton T-shirt', 19],
      ['Everyday sneakers', 85],
      ['Slim denim jacket', 79],
      ['Merino wool sweater', 65],
      ['Running shoes', 110],
      ['Ankle socks 5-pack', 12],
      ['Leather belt', 35],
      ['Packable rain jacket', 99],
    ],
  },
  beauty: {
    share: 0.11,
    season: FLAT,
    multiBuy: 0.25,
    maxQty: 3,
    products: [
      ['Daily moisturizer', 28],
      ['Repair shampoo', 12],
      ['Mineral sunscreen SPF 50', 16],
      ['Vitamin C serum', 34],
      ['Satin lipstick', 18],
      ['Eau de parfum 50 ml', 78],
      ['Ionic hair dryer', 69],
      ['Shaving kit', 24],
    ],
  },
  sports_outdoors: {
    share: 0.09,
    season: [1.05, 0.95, 1.0, 1.1, 1.2, 1.3, 1.3, 1.2, 1.0, 0.85, 0.8, 0.85],
    multiBuy: 0.1,
    maxQty: 2,
    products: [
      ['Insulated water bottle', 22],
      ['Non-slip yoga mat', 35],
      ['Resistance bands set', 19],
      ['Adjustable dumbbells', 59],
      ['Cycling helmet', 55],
      ['Hiking backpack 40 L', 95],
      ['Camping stove', 49],
      ['Two-person tent', 189],
    ],
  },
  books: {
    share: 0.1,
    season: [1.05, 1.0, 1.0, 1.0, 1.0, 1.05, 1.1, 1.1, 1.05, 0.95, 1.05, 1.25],
    multiBuy: 0.08,
    maxQty: 2,
    products: [
      ['Bestselling novel', 16],
      ['Science fiction paperback', 15],
      ["Children's picture book", 11],
      ['Weeknight cookbook', 29],
      ['Graphic novel', 14],
      ['Biography hardcover', 24],
      ['City travel guide', 22],
      ['Statistics textbook', 89],
    ],
  },
  toys_games: {
    share: 0.08,
    season: [0.7, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8, 0.85, 0.9, 1.0, 1.9, 2.4],
    multiBuy: 0.1,
    maxQty: 2,
    products: [
      ['1000-piece jigsaw puzzle', 19],
      ['Family board game', 39],
      ['Building blocks set', 59],
      ['Plush bear', 17],
      ['Card game', 12],
      ['Junior science kit', 34],
      ['Remote-control car', 65],
      ['Wooden doll house', 99],
    ],
  },
  grocery: {
    share: 0.1,
    season: FLAT,
    multiBuy: 0.45,
    maxQty: 6,
    products: [
      ['Whole coffee beans 1 kg', 14],
      ['Dark chocolate bar', 6],
      ['Durum wheat pasta', 4],
      ['Extra virgin olive oil', 18],
      ['Sencha green tea', 9],
      ['Crunchy granola', 7],
      ['Protein bars 12-pack', 24],
      ['Spice sampler', 12],
    ],
  },
  office: {
    share: 0.07,
    season: [1.1, 1.0, 1.0, 0.95, 0.95, 0.9, 0.9, 1.25, 1.3, 1.0, 0.9, 0.8],
    multiBuy: 0.35,
    maxQty: 6,
    products: [
      ['Dotted notebook', 8],
      ['Gel pens 10-pack', 11],
      ['Printer paper 500 sheets', 9],
      ['Heavy-duty stapler', 15],
      ['LED desk lamp', 39],
      ['Laptop backpack', 59],
      ['Monitor arm', 89],
      ['Ergonomic office chair', 249],
    ],
  },
};

/** Local price points per USD: charm prices (`x.99`) in USD, GBP, EUR, CAD; round rupees in INR. */
const PER_USD: Record<Currency, number> = { USD: 1, GBP: 0.79, EUR: 0.92, CAD: 1.37, INR: 83 };
const localPrice = (usd: number, currency: Currency): number =>
  currency === 'INR'
    ? Math.ceil((usd * PER_USD.INR) / 10) * 1000 - 100
    : Math.ceil(usd * PER_USD[currency]) * 100 - 1;

/** The product catalog: 9 categories x 8 products, in category order. */
export const PRODUCTS: readonly Product[] = CATEGORIES.flatMap((category, c) =>
  SPECS[category].products.map(([name, usd], p) => ({
    id: `PROD-${String((c + 1) * 100 + p + 1).padStart(4, '0')}`,
    name,
    category,
    priceCents: Int32Array.from(CURRENCIES, (cur) => localPrice(usd, cur)),
  })),
);

export const categorySpec = (category: Category): CategorySpec => SPECS[category];

/** Popularity of the products inside a category, most popular first (Zipf-like). */
export const PRODUCT_POPULARITY = [0.22, 0.18, 0.15, 0.12, 0.1, 0.09, 0.08, 0.06];
