import { createHash } from "node:crypto";
import type { Db, Queryable } from "~/lib/server/db/types.server";

/**
 * Fixed-budget sliding-window limiter for failed sign-ins, kept in the database so every app
 * server behind a load balancer counts the same failures (docs/decisions/034-sign-in-rate-limit-shared.md):
 * at most `limit` failures per key within `windowMs`; the next attempt is refused until the
 * oldest failure of the budget leaves the window.
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

export type AttemptDecision =
  { allowed: true; retryAfterSeconds: 0; attempt: SignInAttempt } | { allowed: false; retryAfterSeconds: number; attempt?: undefined };

export interface FailureLimiterOptions {
  limit?: number;
  windowMs?: number;
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
  private readonly pruneBatch: number;

  constructor(options: FailureLimiterOptions = {}) {
    this.limit = options.limit ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.pruneBatch = options.pruneBatch ?? 500;
  }

  /**
   * Refuses the attempt when any key already has `limit` failures in the window; otherwise
   * admits it and counts it as a failure of every key until `succeeded` or `abandoned`.
   * Times are the database's clock, the one clock all servers share.
   */
  async begin(db: Queryable & Pick<Db, "transaction">, keys: readonly string[]): Promise<AttemptDecision> {
    const unique = [...new Set(keys)];
    const decision = await db.transaction(async (tx): Promise<AttemptDecision> => {
      // Locks taken in one global order (by id), so two attempts sharing keys cannot deadlock.
      const ids = [...new Set(unique.map(lockId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const id of ids) await tx.query("select pg_advisory_xact_lock($1::bigint)", [id.toString()]);
      const { rows } = await tx.query<{ ms_left: number }>(
        // For each key the `limit`-th newest failure in the window: when it leaves the window,
        // the key is back under its budget.
        `select extract(epoch from (failed_at + $3::float8 * interval '1 millisecond' - statement_timestamp()))::float8 * 1000 as ms_left
           from (select failed_at,
                        row_number() over (partition by key order by failed_at desc, id desc) as newest
                   from sign_in_failures
                  where key = any($1::text[])
                    and failed_at > statement_timestamp() - $3::float8 * interval '1 millisecond') recent
          where newest = $2`,
        [unique, this.limit, this.windowMs],
      );
      if (rows.length > 0) {
        const msLeft = Math.max(...rows.map((r) => Number(r.ms_left)));
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)) };
      }
      const inserted = await tx.query<{ id: string }>(
        `insert into sign_in_failures (key, failed_at)
         select k, statement_timestamp() from unnest($1::text[]) as k
         returning id::text as id`,
        [unique],
      );
      return { allowed: true, retryAfterSeconds: 0, attempt: { keys: unique, reservedIds: inserted.rows.map((r) => r.id) } };
    });
    if (decision.allowed) await this.prune(db);
    return decision;
  }

  /** The credentials were right: the attempt is no failure, and the account key starts afresh (not the address key). */
  async succeeded(db: Queryable, attempt: SignInAttempt, clearKey: string): Promise<void> {
    await db.query("delete from sign_in_failures where id = any($1::bigint[]) or key = $2", [attempt.reservedIds, clearKey]);
  }

  /** The attempt ended without an answer on the credentials (an error): it is no failure. */
  async abandoned(db: Queryable, attempt: SignInAttempt): Promise<void> {
    await db.query("delete from sign_in_failures where id = any($1::bigint[])", [attempt.reservedIds]);
  }

  /** Deletes up to `pruneBatch` rows that have left the window (any server may do it). */
  private async prune(db: Queryable): Promise<void> {
    await db.query(
      `delete from sign_in_failures
        where id in (select id from sign_in_failures
                      where failed_at <= statement_timestamp() - $1::float8 * interval '1 millisecond'
                      limit $2)`,
      [this.windowMs, this.pruneBatch],
    );
  }
}
