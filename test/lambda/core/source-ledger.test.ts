import { describe, expect, it } from 'vitest';
import { compareSequencers, isStaleEvent, newestSequencer } from '../../../lambda/core/source-ledger.js';

describe('S3 sequencers (left-padded with zeros to equal length, then compared as strings)', () => {
  it('orders sequencers of different lengths numerically, not as plain strings', () => {
    expect(compareSequencers('FF', '100')).toBe(-1);
    expect(compareSequencers('100', 'FF')).toBe(1);
    expect(compareSequencers('0055AED6DCD90281E5', '55aed6dcd90281e5')).toBe(0);
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6')).toBe(-1);
  });

  it('keeps the newest and calls only a strictly older event stale', () => {
    expect(newestSequencer('FF', '100')).toBe('100');
    expect(newestSequencer(undefined, '1A')).toBe('1A');
    expect(newestSequencer('', undefined)).toBeUndefined();
    const applied = { key: 'k', event: 'put' as const, sequencer: '100' };
    expect(isStaleEvent('FF', applied)).toBe(true);
    expect(isStaleEvent('100', applied)).toBe(false); // a redelivery re-runs, idempotently
    expect(isStaleEvent('101', applied)).toBe(false);
    expect(isStaleEvent(undefined, applied)).toBe(false); // a backfill processes what is current
    expect(isStaleEvent('FF', undefined)).toBe(false);
  });
});
