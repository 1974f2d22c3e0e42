import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/domain/rate.js';

/** Most calls in any sliding 60 s window when calling as fast as the bucket allows for `minutes`. */
function simulate(limit: number, minutes: number, callsPerTake = 1): { calls: number; maxInWindow: number } {
  const bucket = new TokenBucket(limit);
  const times: number[] = [];
  let now = 0;
  while (now < minutes * 60_000) {
    const wait = bucket.take(callsPerTake, now);
    if (wait === 0) for (let i = 0; i < callsPerTake; i += 1) times.push(now);
    else now += wait;
  }
  let maxInWindow = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= 60_000) start += 1;
    maxInWindow = Math.max(maxInWindow, end - start + 1);
  }
  return { calls: times.length, maxInWindow };
}

describe('TokenBucket', () => {
  it.each([600, 1000, 100, 60])('keeps every sliding minute under %i calls and uses at least 90%% of it', (limit) => {
    const { calls, maxInWindow } = simulate(limit, 10);

    expect(maxInWindow).toBeLessThanOrEqual(limit);
    expect(calls / 10).toBeGreaterThanOrEqual(limit * 0.9);
  });

  it('books spread-out turns for callers that must wait, still under the limit', () => {
    const bucket = new TokenBucket(600);
    const turns: number[] = [];
    for (let i = 0; i < 2000; i += 1) turns.push(bucket.reserve(1, 0));

    const sorted = [...turns].sort((a, b) => a - b);
    let maxInWindow = 0;
    for (let end = 0, start = 0; end < sorted.length; end += 1) {
      while (sorted[end]! - sorted[start]! >= 60_000) start += 1;
      maxInWindow = Math.max(maxInWindow, end - start + 1);
    }
    expect(maxInWindow).toBeLessThanOrEqual(600);
    expect(new Set(turns).size).toBeGreaterThan(1900);
  });

  it('lets a job of several calls borrow, and makes the next one wait for the debt', () => {
    const bucket = new TokenBucket(600, 1);

    expect(bucket.take(3, 0)).toBe(0);
    expect(bucket.take(1, 0)).toBeGreaterThan(0);
    expect(simulate(600, 10, 3).maxInWindow).toBeLessThanOrEqual(600);
  });
});
