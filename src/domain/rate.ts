/**
 * A token bucket that keeps calls to a service under its rate limit. Pure: the caller passes the time.
 *
 * It refills at `safety` × the limit (default 97%) with a small burst, so that no sliding minute ever sees
 * more calls than the limit: burst + 0.97 × limit stays below the limit for any limit of 400 a minute or more.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number | null = null;
  private readonly perMs: number;

  constructor(
    readonly limitPerMinute: number,
    private readonly burst = Math.max(1, Math.min(10, Math.floor(limitPerMinute / 60))),
    safety = 0.97,
  ) {
    this.perMs = (limitPerMinute * safety) / 60_000;
    this.tokens = burst;
  }

  /**
   * Takes `n` tokens when at least one is there (a job of several calls may borrow; later callers wait
   * until the debt is paid) and returns 0; otherwise takes nothing and returns how many milliseconds to wait.
   */
  take(n: number, nowMs: number): number {
    this.refill(nowMs);
    if (this.tokens >= 1) {
      this.tokens -= n;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perMs));
  }

  /**
   * Books `n` calls: returns 0 when they may go now, else how long until their turn. Unlike `take`, a
   * booking is always made, so callers that must wait get turns spread out at the bucket's rate instead
   * of all waking together and asking again.
   */
  reserve(n: number, nowMs: number): number {
    this.refill(nowMs);
    const before = this.tokens;
    this.tokens -= n;
    return before >= 1 ? 0 : Math.max(1, Math.ceil((1 - before) / this.perMs));
  }

  private refill(nowMs: number): void {
    if (this.updatedAt !== null && nowMs > this.updatedAt) {
      this.tokens = Math.min(this.burst, this.tokens + (nowMs - this.updatedAt) * this.perMs);
    }
    if (this.updatedAt === null || nowMs > this.updatedAt) this.updatedAt = nowMs;
  }
}
