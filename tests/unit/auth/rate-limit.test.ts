import { describe, expect, it } from "vitest";
import { FailureLimiter } from "~/lib/server/rate-limit.server";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("FailureLimiter (5 failures a minute)", () => {
  it("allows five failures and refuses the sixth attempt within a minute, with Retry-After", () => {
    const c = clock();
    const limiter = new FailureLimiter({ limit: 5, windowMs: 60_000, now: c.now });
    for (let i = 0; i < 5; i++) {
      expect(limiter.check("account:a@example.org").allowed).toBe(true);
      limiter.recordFailure("account:a@example.org");
      c.advance(1_000);
    }
    // Failures at t=0..4 s; now t=5 s: the oldest leaves the window at t=60 s → 55 s to wait.
    expect(limiter.check("account:a@example.org")).toEqual({ allowed: false, retryAfterSeconds: 55 });
  });

  it("allows again once the oldest failure has left the window", () => {
    const c = clock();
    const limiter = new FailureLimiter({ now: c.now });
    for (let i = 0; i < 5; i++) limiter.recordFailure("k");
    c.advance(59_999);
    expect(limiter.check("k").allowed).toBe(false);
    expect(limiter.check("k").retryAfterSeconds).toBe(1);
    c.advance(1);
    expect(limiter.check("k")).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });

  it("keeps keys apart and refuses when any of the given keys is over the limit", () => {
    const c = clock();
    const limiter = new FailureLimiter({ now: c.now });
    for (let i = 0; i < 5; i++) limiter.recordFailure(`account:user${i}@example.org`, "address:10.0.0.1");
    expect(limiter.check("account:user0@example.org").allowed).toBe(true);
    expect(limiter.check("account:new@example.org", "address:10.0.0.1").allowed).toBe(false);
    expect(limiter.check("account:new@example.org", "address:10.0.0.2").allowed).toBe(true);
  });

  it("reset clears one key's failures", () => {
    const limiter = new FailureLimiter();
    for (let i = 0; i < 5; i++) limiter.recordFailure("k");
    expect(limiter.check("k").allowed).toBe(false);
    limiter.reset("k");
    expect(limiter.check("k").allowed).toBe(true);
  });

  it("bounds memory: beyond maxKeys the oldest keys are forgotten", () => {
    const limiter = new FailureLimiter({ maxKeys: 3 });
    for (let i = 0; i < 5; i++) limiter.recordFailure("first");
    for (const key of ["b", "c", "d"]) limiter.recordFailure(key);
    expect(limiter.check("first").allowed).toBe(true);
  });
});
