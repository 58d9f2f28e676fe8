/**
 * The metrics oracle's own copy of the FX table (USD per 1 unit, as published with the ETL's
 * `fx-2025.12.1` rates), typed in by month rather than imported, so that a bug in the ETL's
 * lookup (a wrong index, an off-by-one clamp, a shifted row) makes the oracle and the exports
 * disagree instead of agreeing on the same wrong rate. Change it together with the ETL table.
 */
const USD_PER_UNIT: Readonly<Record<string, Readonly<Record<'GBP' | 'EUR' | 'CAD' | 'INR', string>>>> = {
  '2024-01': { GBP: '1.2701', EUR: '1.0908', CAD: '0.7432', INR: '0.01203' },
  '2024-02': { GBP: '1.2632', EUR: '1.0793', CAD: '0.7401', INR: '0.01205' },
  '2024-03': { GBP: '1.2714', EUR: '1.0872', CAD: '0.7379', INR: '0.01204' },
  '2024-04': { GBP: '1.2523', EUR: '1.0721', CAD: '0.7334', INR: '0.01199' },
  '2024-05': { GBP: '1.2639', EUR: '1.0813', CAD: '0.7318', INR: '0.01199' },
  '2024-06': { GBP: '1.2712', EUR: '1.0761', CAD: '0.7302', INR: '0.01198' },
  '2024-07': { GBP: '1.2855', EUR: '1.0844', CAD: '0.7313', INR: '0.01196' },
  '2024-08': { GBP: '1.2942', EUR: '1.1012', CAD: '0.7334', INR: '0.01192' },
  '2024-09': { GBP: '1.3221', EUR: '1.1107', CAD: '0.7378', INR: '0.01193' },
  '2024-10': { GBP: '1.3043', EUR: '1.0902', CAD: '0.7289', INR: '0.0119' },
  '2024-11': { GBP: '1.2756', EUR: '1.0634', CAD: '0.7152', INR: '0.01185' },
  '2024-12': { GBP: '1.2664', EUR: '1.0476', CAD: '0.7029', INR: '0.01177' },
  '2025-01': { GBP: '1.2348', EUR: '1.0351', CAD: '0.6951', INR: '0.01159' },
  '2025-02': { GBP: '1.2531', EUR: '1.0412', CAD: '0.7006', INR: '0.01149' },
  '2025-03': { GBP: '1.2913', EUR: '1.0807', CAD: '0.6973', INR: '0.01157' },
  '2025-04': { GBP: '1.3137', EUR: '1.1229', CAD: '0.7142', INR: '0.01165' },
  '2025-05': { GBP: '1.3356', EUR: '1.1278', CAD: '0.7208', INR: '0.0117' },
  '2025-06': { GBP: '1.3552', EUR: '1.1527', CAD: '0.7311', INR: '0.01164' },
  '2025-07': { GBP: '1.3504', EUR: '1.1682', CAD: '0.7319', INR: '0.01161' },
  '2025-08': { GBP: '1.3451', EUR: '1.1653', CAD: '0.7251', INR: '0.01143' },
  '2025-09': { GBP: '1.3503', EUR: '1.1734', CAD: '0.7218', INR: '0.01131' },
  '2025-10': { GBP: '1.3348', EUR: '1.1631', CAD: '0.7144', INR: '0.0113' },
  '2025-11': { GBP: '1.3149', EUR: '1.1562', CAD: '0.7103', INR: '0.01127' },
  '2025-12': { GBP: '1.3202', EUR: '1.1604', CAD: '0.7121', INR: '0.0111' },
};

/**
 * USD per 1 unit of `currency` in a UTC month; USD is 1 in any month. A month outside the table or
 * a currency it does not hold has no rate (undefined): the contract has no nearest-month fallback.
 */
export function oracleFxRateToUsd(currency: string, year: number, month: number): number | undefined {
  if (currency === 'USD') return 1;
  const rate = USD_PER_UNIT[`${year}-${String(month).padStart(2, '0')}`]?.[currency as 'GBP'];
  return rate === undefined ? undefined : Number(rate);
}
