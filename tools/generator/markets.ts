/**
 * The generator's own markets and catalogue categories. The raw contract accepts any ISO country
 * and currency and free-text categories; these are the values this generator writes, in the order
 * its tables (prices, shipping, tax, preferences) are indexed by. Each country pays in one currency.
 */
export const COUNTRY_CURRENCY = {
  US: 'USD',
  UK: 'GBP',
  DE: 'EUR',
  FR: 'EUR',
  CA: 'CAD',
  IN: 'INR',
} as const;
export type Country = keyof typeof COUNTRY_CURRENCY;
export const COUNTRIES = Object.keys(COUNTRY_CURRENCY) as Country[];
export const CURRENCIES = ['USD', 'GBP', 'EUR', 'CAD', 'INR'] as const;

export const CATEGORIES = [
  'electronics',
  'home_kitchen',
  'fashion',
  'beauty',
  'sports_outdoors',
  'books',
  'toys_games',
  'grocery',
  'office',
] as const;
