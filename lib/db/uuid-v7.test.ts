import { describe, expect, it } from 'vitest';
import { uuidV7 } from './uuid-v7';

describe('uuidV7', () => {
  it('writes the time in the first 48 bits, version 7 and the RFC 9562 variant', () => {
    const id = uuidV7(Date.parse('2026-11-26T00:00:00.000Z'));

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2026-11-26T00:00:00.000Z'));
  });

  it('gives a different id each call, in the order of their times', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => uuidV7(1_800_000_000_000 + i));

    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
