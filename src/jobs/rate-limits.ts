/**
 * Identity-provider rate limits: one token bucket per provider, and the turns booked by jobs that were
 * held back. A held-back job keeps its turn (by ticket) so that waiting jobs run spread out at the
 * provider's rate instead of all waking together and asking again.
 */
import type { Clock } from '../domain/clock.js';
import { ThrottledError } from '../domain/errors.js';
import { TokenBucket } from '../domain/rate.js';
import type { SideEffectDeps } from '../workflows/shared/deps.js';

/** Calls a minute each provider allows; a provider without a limit is never held back. */
export type ProviderRateLimits = Readonly<Partial<Record<string, number>>>;

export type Throttle = SideEffectDeps['throttle'];

/**
 * Returns nothing when `calls` calls to `provider` may go now; otherwise throws a `ThrottledError`
 * carrying how long to wait, and books the turn of `ticket` (a job) so that asking again at that time passes.
 */
export function createThrottle(limits: ProviderRateLimits, clock: Clock): Throttle {
  const buckets = new Map<string, TokenBucket>();
  for (const [provider, perMinute] of Object.entries(limits)) {
    if (perMinute !== undefined) buckets.set(provider, new TokenBucket(perMinute));
  }
  // Turns booked by held-back jobs (ticket -> time): in memory, so after a restart they simply book again.
  const turns = new Map<string, number>();

  return function throttle(provider, calls, ticket) {
    const bucket = buckets.get(provider);
    if (!bucket) return;
    const now = clock.now().getTime();
    const booked = turns.get(ticket);
    if (booked !== undefined) {
      if (now >= booked) {
        turns.delete(ticket);
        return;
      }
      throw new ThrottledError(`${provider} rate limit: waiting ${booked - now} ms for its turn`, booked - now);
    }
    const wait = bucket.reserve(calls, now);
    if (wait === 0) return;
    turns.set(ticket, now + wait);
    throw new ThrottledError(`${provider} rate limit: waiting ${wait} ms`, wait);
  };
}
