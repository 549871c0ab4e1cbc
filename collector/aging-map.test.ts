import { describe, expect, it } from 'vitest';
import { AgingMap } from './aging-map';

describe('AgingMap', () => {
  it('keeps its age queue within twice the map when one key is set again and again behind an older one', () => {
    const map = new AgingMap<number>(100, 60_000, () => 0);
    map.set('old', 0);
    for (let i = 0; i < 10_000; i++) map.set('hot', i);

    expect(map.size).toBe(2);
    expect(map.queued).toBeLessThanOrEqual(2 * 2 + 1024);
    expect(map.get('old')).toBe(0);
    expect(map.get('hot')).toBe(9_999);
  });

  it('forgets the oldest live entry past its bound, not one that was set again since', () => {
    const map = new AgingMap<string>(2, 60_000, () => 0);
    map.set('a', 'a1');
    map.set('b', 'b1');
    map.set('a', 'a2');
    map.set('c', 'c1');

    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual(['a2', undefined, 'c1']);
  });

  it('stays bounded over many distinct keys, and its queue with it', () => {
    const map = new AgingMap<number>(1_000, 60_000, () => 0);
    for (let i = 0; i < 100_000; i++) map.set(`k${i}`, i);

    expect(map.size).toBe(1_000);
    expect(map.queued).toBeLessThanOrEqual(2_000 + 1024);
    expect(map.get('k98999')).toBeUndefined();
    expect(map.get('k99000')).toBe(99_000);
  });
});
