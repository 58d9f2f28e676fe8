/**
 * The dashboard's filters, shared by the page (Node) and the chart script (browser). The state
 * lives in the URL hash, `#country=US&channel=online&segment=consumer` (any subset; absent = all),
 * so a view can be shared as a link and opened offline.
 */
export const FILTER_KEYS = ['country', 'channel', 'segment', 'category'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filter = Partial<Record<FilterKey, string>>;

/** What each filter is called and what it changes (shown on the page and in docs/dashboard.md). */
export const FILTER_INFO: Record<FilterKey, { label: string; changes: string; cannot: string }> = {
  country: {
    label: 'Country',
    changes:
      'KPIs, revenue, AOV, MoM growth, cumulative revenue, active/new/returning customers, churn, geography',
    cannot: 'categories and cohort retention (their exports have no country)',
  },
  channel: {
    label: 'Sales channel',
    changes: 'KPIs, revenue, AOV, MoM growth, cumulative revenue, active/new/returning customers, churn',
    cannot: 'categories, cohort retention and geography',
  },
  segment: {
    label: 'Customer segment',
    changes: 'KPIs, revenue, AOV, MoM growth, cumulative revenue, active/new/returning customers, churn',
    cannot: 'categories, cohort retention and geography',
  },
  category: {
    label: 'Category',
    changes: 'the two category charts',
    cannot: 'every other figure (an order spans categories; revenue includes shipping and tax)',
  },
};

/**
 * Parses `#country=US&channel=online`; unknown keys, empty values and `all` are ignored. Given the
 * data's `options`, a value is read as the option it names in any case (`us` is `US`) and one that
 * names none is ignored: a link with a typo shows all data, as the controls say, not an empty page.
 */
export function parseFilter(hash: string, options?: Record<FilterKey, readonly string[]>): Filter {
  const filter: Filter = {};
  for (const [key, value] of new URLSearchParams(hash.replace(/^#/, ''))) {
    if (!(FILTER_KEYS as readonly string[]).includes(key) || !value || value === 'all') continue;
    const known = options
      ? options[key as FilterKey].find((o) => o.toLowerCase() === value.toLowerCase())
      : value;
    if (known) filter[key as FilterKey] = known;
  }
  return filter;
}

/** The hash for a filter, keys in FILTER_KEYS order: `#country=US&segment=consumer`, or `` for none. */
export function filterHash(filter: Filter): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filter[key]) params.set(key, filter[key]!);
  const text = params.toString();
  return text ? `#${text}` : '';
}
