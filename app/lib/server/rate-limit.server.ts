/**
 * Fixed-budget sliding-window limiter for failed sign-ins: at most `limit` failures per key within
 * `windowMs`; the next attempt is refused until the oldest failure leaves the window.
 * In-process memory by design (see docs/decisions/032-sign-in-rate-limit-in-memory.md).
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until an attempt would be allowed again (0 when allowed). */
  retryAfterSeconds: number;
}

export interface FailureLimiterOptions {
  limit?: number;
  windowMs?: number;
  now?: () => number;
  /** Upper bound on tracked keys, so a flood of distinct addresses cannot exhaust memory. */
  maxKeys?: number;
}

export class FailureLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;
  private readonly failures = new Map<string, number[]>();

  constructor(options: FailureLimiterOptions = {}) {
    this.limit = options.limit ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  private recent(key: string, at: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((t) => at - t < this.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  /** May another attempt be made for every one of these keys? */
  check(...keys: string[]): RateLimitDecision {
    const at = this.now();
    let retryAfterMs = 0;
    for (const key of keys) {
      const recent = this.recent(key, at);
      if (recent.length >= this.limit) {
        const oldestRelevant = recent[recent.length - this.limit];
        retryAfterMs = Math.max(retryAfterMs, oldestRelevant + this.windowMs - at);
      }
    }
    return retryAfterMs > 0
      ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) }
      : { allowed: true, retryAfterSeconds: 0 };
  }

  recordFailure(...keys: string[]): void {
    const at = this.now();
    for (const key of keys) {
      const recent = this.recent(key, at);
      recent.push(at);
      this.failures.set(key, recent);
    }
    if (this.failures.size > this.maxKeys) {
      // Drop the oldest-inserted keys; Map iteration order is insertion order.
      const excess = this.failures.size - this.maxKeys;
      let dropped = 0;
      for (const key of this.failures.keys()) {
        if (dropped++ >= excess) break;
        this.failures.delete(key);
      }
    }
  }

  /** A successful sign-in clears the account's failures (not the address's). */
  reset(key: string): void {
    this.failures.delete(key);
  }
}
