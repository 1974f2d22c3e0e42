/**
 * What an adapter read a moment ago, kept for a short window so that the reads of one review build (every
 * group's listing, then the apps' sign-ins and the members' managers, seconds apart) share it rather than each
 * asking the provider again. Only reads that tolerate a minute's lag use it (profiles, managers, the domain's
 * users); memberships and the look-ups behind a grant are always read afresh.
 */

/**
 * How long a read is reused, by the adapter's injected clock. A build's reads take seconds, so one build
 * shares them; a build started a minute later reads everything again.
 */
export const RECENT_READS_MS = 60_000;

interface Entry<V> {
  readonly at: number;
  readonly value: Promise<V>;
}

/**
 * A keyed cache of reads with a window. A read still under way is shared by everyone asking for its key (the
 * promise is kept, not its result), and a read that fails is forgotten at once, so the next asker tries again.
 */
export class Recent<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private prunedAt: number;

  constructor(
    private readonly now: () => number,
    private readonly windowMs: number = RECENT_READS_MS,
  ) {
    this.prunedAt = now();
  }

  /** The read kept for `key`, unless there is none or it is older than the window. */
  get(key: string): Promise<V> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.expired(entry)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps `value` (a read under way or done) for `key`, from now; returns it. */
  set(key: string, value: Promise<V>): Promise<V> {
    this.prune();
    const entry = { at: this.now(), value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** The read kept for `key`, else `read()` kept from now. */
  getOrSet(key: string, read: () => Promise<V>): Promise<V> {
    return this.get(key) ?? this.set(key, read());
  }

  private expired(entry: Entry<V>): boolean {
    return this.now() - entry.at >= this.windowMs;
  }

  /** Drops expired entries once a window, so a cache nobody asks again does not hold a directory's users for long. */
  private prune(): void {
    if (this.now() - this.prunedAt < this.windowMs) return;
    this.prunedAt = this.now();
    for (const [key, entry] of this.entries) if (this.expired(entry)) this.entries.delete(key);
  }
}
