import { describe, expect, it } from 'vitest';
import { callsInFlight, trackCall, waitForCalls } from './in-flight';

describe('calls in flight', () => {
  it('counts calls until they end, once each', () => {
    const before = callsInFlight();
    const endA = trackCall();
    const endB = trackCall();
    expect(callsInFlight()).toBe(before + 2);
    endA();
    endA();
    expect(callsInFlight()).toBe(before + 1);
    endB();
    expect(callsInFlight()).toBe(before);
  });

  it('waits for the open calls to end', async () => {
    const end = trackCall();
    setTimeout(end, 30);
    expect(await waitForCalls(5_000)).toBe(0);
  });

  it('gives up after the timeout and says how many are still open', async () => {
    const end = trackCall();
    expect(await waitForCalls(20)).toBe(1);
    end();
    expect(await waitForCalls(20)).toBe(0);
  });
});
