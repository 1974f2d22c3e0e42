import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { ThrottledError } from '../../src/domain/errors.js';
import { createThrottle } from '../../src/jobs/rate-limits.js';

/** The wait the throttle asks for, or 0 when the calls may go now. */
function waitOf(run: () => void): number {
  try {
    run();
    return 0;
  } catch (error) {
    if (error instanceof ThrottledError) return error.retryAfterMs;
    throw error;
  }
}

describe('createThrottle', () => {
  it('never holds back a provider without a limit', () => {
    const throttle = createThrottle({ okta: 60, entra: undefined }, new ManualClock());

    for (let i = 0; i < 1000; i += 1) {
      expect(waitOf(() => throttle('entra', 5, `job:${i}`))).toBe(0);
      expect(waitOf(() => throttle('manual', 5, `job:${i}`))).toBe(0);
    }
  });

  it('lets the burst go, then books a turn that passes once the clock reaches it', () => {
    const clock = new ManualClock();
    const throttle = createThrottle({ okta: 60 }, clock);

    expect(waitOf(() => throttle('okta', 1, 'job:1'))).toBe(0);
    const wait = waitOf(() => throttle('okta', 1, 'job:2'));
    expect(wait).toBeGreaterThan(0);

    clock.advance(wait - 1);
    expect(waitOf(() => throttle('okta', 1, 'job:2'))).toBe(1);
    clock.advance(1);
    expect(waitOf(() => throttle('okta', 1, 'job:2'))).toBe(0);
  });

  it('spreads the turns of waiting jobs out at the provider rate', () => {
    const clock = new ManualClock();
    const throttle = createThrottle({ google: 600 }, clock);

    const waits = Array.from({ length: 50 }, (_, i) => waitOf(() => throttle('google', 1, `job:${i}`)));

    const turns = waits.filter((w) => w > 0);
    expect(new Set(turns).size).toBe(turns.length);
    expect(Math.max(...turns)).toBeGreaterThanOrEqual(4_000);
  });

  it('keeps each provider on its own bucket', () => {
    const throttle = createThrottle({ okta: 60, entra: 60 }, new ManualClock());

    expect(waitOf(() => throttle('okta', 1, 'job:1'))).toBe(0);
    expect(waitOf(() => throttle('okta', 1, 'job:2'))).toBeGreaterThan(0);
    expect(waitOf(() => throttle('entra', 1, 'job:3'))).toBe(0);
  });

  it('says which provider is waiting and for how long', () => {
    const throttle = createThrottle({ okta: 60 }, new ManualClock());
    throttle('okta', 1, 'job:1');

    expect(() => throttle('okta', 1, 'job:2')).toThrow(/^okta rate limit: waiting \d+ ms$/);
    expect(() => throttle('okta', 1, 'job:2')).toThrow(/^okta rate limit: waiting \d+ ms for its turn$/);
  });
});
