import { describe, expect, it } from 'vitest';
import { daysFromCivil, daysInMonth, MS_PER_DAY } from '../../../lambda/core/calendar.js';

// An independent reference: JavaScript's own proleptic Gregorian calendar.
const utcDays = (y: number, m: number, d: number): number => {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return Math.round(t.getTime() / MS_PER_DAY);
};
const utcDaysInMonth = (y: number, m: number): number => utcDays(y, m + 1, 1) - utcDays(y, m, 1);

describe('calendar', () => {
  // century rules included: 1900 and 2100 are not leap years, 2000 and 2400 are
  const years = [1600, 1899, 1900, 1970, 1999, 2000, 2023, 2024, 2025, 2100, 2400];

  it('gives the days of every month as the Gregorian calendar does', () => {
    for (const y of years)
      for (let m = 1; m <= 12; m++) expect(daysInMonth(y, m), `${y}-${m}`).toBe(utcDaysInMonth(y, m));
  });

  it('counts days since 1970-01-01 as the Gregorian calendar does, on every day of those years', () => {
    for (const y of years)
      for (let m = 1; m <= 12; m++)
        for (let d = 1; d <= utcDaysInMonth(y, m); d++)
          expect(daysFromCivil(y, m, d), `${y}-${m}-${d}`).toBe(utcDays(y, m, d));
  });
});
