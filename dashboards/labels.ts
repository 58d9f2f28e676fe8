/**
 * Human labels for the codes the exports carry, shared by the page (Node) and the chart script
 * (browser). Categories are snake_case codes and countries ISO-like codes that the data contract
 * may extend, so the labels are generic — `garden_tools` reads "Garden tools" — with a small
 * override map only where a rule reads badly.
 */
const CATEGORY_OVERRIDES: Record<string, string> = {
  home_kitchen: 'Home & kitchen',
  sports_outdoors: 'Sports & outdoors',
  toys_games: 'Toys & games',
};

const CODE_OVERRIDES: Record<string, string> = {
  // not an ISO 3166 code (GB is), but the one the raw contract uses
  UK: 'United Kingdom',
  mobile_app: 'Mobile app',
  small_business: 'Small business',
  // quarantine reason codes (data_quality.csv)
  invalid_json: 'Invalid JSON',
  not_json_file: 'Not a JSON file',
  malformed_json_array: 'Malformed JSON array',
  duplicate_order_id: 'Duplicate order ID',
};

/** `snake_case` → `Snake case` (sentence case), or the override. */
export function humanLabel(code: string): string {
  const override = CATEGORY_OVERRIDES[code] ?? CODE_OVERRIDES[code];
  if (override) return override;
  const words = code.split('_').filter(Boolean).join(' ');
  return words ? words[0]!.toUpperCase() + words.slice(1) : code;
}

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** `US` → `United States`; an unknown code stays as it is. */
export function countryName(code: string): string {
  const override = CODE_OVERRIDES[code];
  if (override) return override;
  try {
    return regions.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
