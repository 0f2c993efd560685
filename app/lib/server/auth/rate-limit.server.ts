import { createHash } from "node:crypto";
import type { Db, Queryable } from "~/lib/server/db/types.server";

/**
 * Fixed-budget sliding-window limiter for failed sign-ins, kept in the database so every app
 * server behind a load balancer counts the same failures (docs/decisions/034-sign-in-rate-limit-shared.md;
 * which keys block and which only slow down: docs/decisions/039-trusted-proxies-and-sign-in-limits.md):
 * at most `limit` failures per blocking key within its window; the next attempt is refused until
 * the oldest failure of the budget leaves the window.
 *
 * An admitted attempt is written as a failure *before* the password is checked (under a per-key
 * advisory lock, so count and insert are one step for every server) and removed again when the
 * credentials were right. Concurrent attempts therefore can never exceed the budget; the price is
 * that attempts still in flight count as failures for the short time the password check takes.
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until an attempt would be allowed again (0 when allowed). */
  retryAfterSeconds: number;
}

/** An admitted attempt: its reserved failure rows, one per key. */
export interface SignInAttempt {
  readonly keys: readonly string[];
  readonly reservedIds: readonly string[];
}

/**
 * One key of an attempt. With a `limit` the key blocks: at `limit` failures within `windowMs` the
 * attempt is refused. Without one (`limit: null`) the key is only counted, for callers that slow
 * down instead of blocking (the failures are returned).
 */
export interface LimitRule {
  key: string;
  limit?: number | null;
  windowMs?: number;
}

export type AttemptDecision =
  | {
      allowed: true;
      retryAfterSeconds: 0;
      attempt: SignInAttempt;
      /** Failures of each key within its window before this attempt (attempts in flight included). */
      failures: Record<string, number>;
    }
  | { allowed: false; retryAfterSeconds: number; attempt?: undefined; failures?: undefined };

export interface FailureLimiterOptions {
  /** Default limit and window of a key given without its own. */
  limit?: number;
  windowMs?: number;
  /** Rows older than this are pruned (at least the longest window any rule uses). */
  retainMs?: number;
  /** At most this many expired rows are deleted per admitted attempt, so no request pays for a backlog. */
  pruneBatch?: number;
}

const LOCK_NAMESPACE = "ghostly.sign-in-failures:";

/** A 64-bit advisory-lock id per key (a collision only serialises two unrelated keys). */
function lockId(key: string): bigint {
  return createHash("sha256")
    .update(LOCK_NAMESPACE + key)
    .digest()
    .readBigInt64BE(0);
}

export class FailureLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly retainMs: number;
  private readonly pruneBatch: number;

  constructor(options: FailureLimiterOptions = {}) {
    this.limit = options.limit ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.retainMs = Math.max(options.retainMs ?? 0, this.windowMs);
    this.pruneBatch = options.pruneBatch ?? 500;
  }

  /**
   * Refuses the attempt when any blocking key already has its limit of failures in its window;
   * otherwise admits it and counts it as a failure of every key until `succeeded` or `abandoned`.
   * Keys given as strings use the limiter's default limit and window. Times are the database's
   * clock, the one clock all servers share.
   */
  async begin(db: Queryable & Pick<Db, "transaction">, keys: readonly (string | LimitRule)[]): Promise<AttemptDecision> {
    const rules = new Map<string, { limit: number | null; windowMs: number }>();
    for (const k of keys) {
      const rule = typeof k === "string" ? { key: k } : k;
      if (!rules.has(rule.key)) {
        rules.set(rule.key, { limit: rule.limit === undefined ? this.limit : rule.limit, windowMs: rule.windowMs ?? this.windowMs });
      }
    }
    const unique = [...rules.keys()];
    const decision = await db.transaction(async (tx): Promise<AttemptDecision> => {
      // Locks taken in one global order (by id), so two attempts sharing keys cannot deadlock.
      const ids = [...new Set(unique.map(lockId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const id of ids) await tx.query("select pg_advisory_xact_lock($1::bigint)", [id.toString()]);
      const failures: Record<string, number> = {};
      let msLeft = 0;
      for (const [key, { limit, windowMs }] of rules) {
        const { rows } = await tx.query<{ n: number; ms_left: number | null }>(
          // The count in the window, and when the `limit`-th newest failure leaves it (the key is
          // then back under its budget).
          `select count(*)::int as n,
                  (select extract(epoch from (f.failed_at + $2::float8 * interval '1 millisecond' - statement_timestamp()))::float8 * 1000
                     from sign_in_failures f
                    where f.key = $1 and f.failed_at > statement_timestamp() - $2::float8 * interval '1 millisecond'
                    order by f.failed_at desc, f.id desc offset greatest(coalesce($3::int, 1) - 1, 0) limit 1) as ms_left
             from sign_in_failures
            where key = $1 and failed_at > statement_timestamp() - $2::float8 * interval '1 millisecond'`,
          [key, windowMs, limit],
        );
        failures[key] = rows[0].n;
        if (limit !== null && rows[0].n >= limit) msLeft = Math.max(msLeft, Number(rows[0].ms_left ?? windowMs), 1);
      }
      if (msLeft > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)) };
      const inserted = await tx.query<{ id: string }>(
        `insert into sign_in_failures (key, failed_at)
         select k, statement_timestamp() from unnest($1::text[]) as k
         returning id::text as id`,
        [unique],
      );
      return {
        allowed: true,
        retryAfterSeconds: 0,
        attempt: { keys: unique, reservedIds: inserted.rows.map((r) => r.id) },
        failures,
      };
    });
    if (decision.allowed) await this.prune(db);
    return decision;
  }

  /** The credentials were right: the attempt is no failure, and the given keys start afresh (not the address key). */
  async succeeded(db: Queryable, attempt: SignInAttempt, clearKeys: string | readonly string[]): Promise<void> {
    await db.query("delete from sign_in_failures where id = any($1::bigint[]) or key = any($2::text[])", [
      attempt.reservedIds,
      typeof clearKeys === "string" ? [clearKeys] : [...clearKeys],
    ]);
  }

  /** The attempt ended without an answer on the credentials (an error): it is no failure. */
  async abandoned(db: Queryable, attempt: SignInAttempt): Promise<void> {
    await db.query("delete from sign_in_failures where id = any($1::bigint[])", [attempt.reservedIds]);
  }

  /** Deletes up to `pruneBatch` rows older than any window (any server may do it). */
  private async prune(db: Queryable): Promise<void> {
    await db.query(
      `delete from sign_in_failures
        where id in (select id from sign_in_failures
                      where failed_at <= statement_timestamp() - $1::float8 * interval '1 millisecond'
                      limit $2)`,
      [this.retainMs, this.pruneBatch],
    );
  }
}
