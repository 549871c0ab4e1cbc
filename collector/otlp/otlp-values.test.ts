// Rejections: every refused span is counted, but partial_success lists at most MAX_REJECT_REASONS distinct
// reasons. The decoders produce only four reasons, so the cap is reached here directly.
import { describe, expect, it } from 'vitest';

import { MAX_REJECT_REASONS, Rejections } from './otlp-values';

/** The count and reasons after adding `reasons` in order. */
function after(reasons: string[]): { count: number; reasons: string[] } {
  const rejections = new Rejections();
  for (const reason of reasons) rejections.add(reason);
  return { count: rejections.count, reasons: rejections.reasons };
}

describe('Rejections', () => {
  it('starts with nothing rejected', () => {
    expect(after([])).toEqual({ count: 0, reasons: [] });
  });

  it('counts a repeated reason every time but lists it once', () => {
    expect(after(['invalid trace id', 'invalid span id', 'invalid trace id', 'invalid trace id'])).toEqual({
      count: 4,
      reasons: ['invalid trace id', 'invalid span id'],
    });
  });

  it(`lists only the first ${MAX_REJECT_REASONS} distinct reasons, and counts every rejection`, () => {
    const reasons = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r1', 'r6'];

    expect(MAX_REJECT_REASONS).toBe(5);
    expect(after(reasons)).toEqual({ count: 9, reasons: ['r1', 'r2', 'r3', 'r4', 'r5'] });
  });
});
