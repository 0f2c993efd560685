/**
 * Auth state shared by every app server through the database (docs/decisions/034): the sign-in
 * failure limiter and the generated session secret. "Two servers" are two independent limiter /
 * secret instances on two connections to one database: two node-postgres pools on PostgreSQL;
 * on PGlite (embedded, one process by nature) both use the one open database.
 */
import { writeFileSync, mkdtempSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { forEachDriver, type TestDatabase } from "../support/databases";
import { Browser, submit, useAsAppDb, visit } from "./auth-harness";
import * as root from "~/root";
import * as loginRoute from "~/routes/login";
import { createDb } from "~/lib/server/db/connection.server";
import type { Db } from "~/lib/server/db/types.server";
import { resetConfig } from "../support/config";
import { FailureLimiter } from "~/lib/server/auth/rate-limit.server";
import { createAppSessionStorage, resolveSessionSecrets } from "~/lib/server/auth/cookie-session.server";
import { createUser } from "~/lib/server/auth/users.server";
import { ACTING_ADMIN } from "../support/users";

const PASSWORD = "a-long-password-1";

/** A second app server's connection to the same database (see the file comment for PGlite). */
function useSecondServer(t: TestDatabase): { readonly db: Db } {
  let second: Db | undefined;
  beforeAll(async () => {
    second = t.target.databaseUrl ? await createDb({ databaseUrl: t.target.databaseUrl, maxConnections: 4, migrate: false }) : undefined;
  });
  afterAll(async () => {
    await second?.close();
  });
  return {
    get db() {
      return second ?? t.db;
    },
  };
}

/** Moves every failure of `key` back in time, as if it had happened `seconds` earlier. */
async function age(db: Db, key: string, seconds: number): Promise<void> {
  await db.query("update sign_in_failures set failed_at = failed_at - $2::float8 * interval '1 second' where key = $1", [key, seconds]);
}

async function failuresOf(db: Db, key: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>("select count(*)::int as n from sign_in_failures where key = $1", [key]);
  return rows[0].n;
}

/** `count` failed attempts: admitted, then (like a wrong password) left counted. */
async function fail(limiter: FailureLimiter, db: Db, keys: string[], count = 1): Promise<void> {
  for (let i = 0; i < count; i++) expect((await limiter.begin(db, keys)).allowed, `failure ${i + 1}`).toBe(true);
}

forEachDriver("shared sign-in failure limiter", (t) => {
  const second = useSecondServer(t);

  it("allows five failures and refuses the sixth attempt with Retry-After until the 5th-newest failure leaves the window", async () => {
    const limiter = new FailureLimiter({ limit: 5, windowMs: 60_000 });
    const key = "account:a@example.org";
    await fail(limiter, t.db, [key], 5);
    // Spread them as failures at t = 0, 1, 2, 3, 4 s seen at t = 5 s: the oldest leaves at t = 60 s → 55 s.
    const { rows } = await t.db.query<{ id: string }>("select id::text as id from sign_in_failures where key = $1 order by id", [key]);
    for (const [i, row] of rows.entries()) {
      await t.db.query("update sign_in_failures set failed_at = failed_at - $2::float8 * interval '1 second' where id = $1::bigint", [
        row.id,
        5 - i,
      ]);
    }
    const refused = await limiter.begin(t.db, [key]);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 55 });
    // A refused attempt is not a failure: nothing was written for it.
    expect(await failuresOf(t.db, key)).toBe(5);
  });

  it("lets attempts in again once the failures have left the window (an old failure no longer counts)", async () => {
    const limiter = new FailureLimiter();
    const key = "account:b@example.org";
    await fail(limiter, t.db, [key], 5);
    await age(t.db, key, 59.5);
    expect(await limiter.begin(t.db, [key])).toEqual({ allowed: false, retryAfterSeconds: 1 });
    await age(t.db, key, 0.6); // now 60.1 s old: outside the 60 s window
    expect((await limiter.begin(t.db, [key])).allowed).toBe(true);
  });

  it("the 6th attempt is refused when the 5 failures were spread over two servers", async () => {
    const serverA = new FailureLimiter();
    const serverB = new FailureLimiter();
    const keys = ["account:c@example.org", "address:198.51.100.7"];
    await fail(serverA, t.db, keys, 3);
    await fail(serverB, second.db, keys, 2);
    const onA = await serverA.begin(t.db, keys);
    const onB = await serverB.begin(second.db, keys);
    expect(onA.allowed).toBe(false);
    expect(onB.allowed).toBe(false);
    expect(onB.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(onB.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("concurrent attempts from two servers never admit more than the budget", async () => {
    const servers = [new FailureLimiter(), new FailureLimiter()];
    const key = "account:burst@example.org";
    // 12 attempts at once, alternating servers: the per-key lock makes count-then-insert one step.
    const decisions = await Promise.all(Array.from({ length: 12 }, (_, i) => servers[i % 2].begin(i % 2 === 0 ? t.db : second.db, [key])));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(await failuresOf(t.db, key)).toBe(5);
  });

  it("keeps keys apart and refuses when any given key is over the limit", async () => {
    const limiter = new FailureLimiter();
    for (let i = 0; i < 5; i++) await fail(limiter, t.db, [`account:user${i}@example.org`, "address:10.0.0.1"]);
    expect((await limiter.begin(t.db, ["account:user0@example.org"])).allowed).toBe(true);
    expect((await limiter.begin(t.db, ["account:new@example.org", "address:10.0.0.1"])).allowed).toBe(false);
    expect((await limiter.begin(t.db, ["account:new@example.org", "address:10.0.0.2"])).allowed).toBe(true);
  });

  it("a counted-only key (limit null) never refuses, and each admitted attempt learns the failures before it", async () => {
    const limiter = new FailureLimiter();
    const counted = { key: "account:slow@example.org", limit: null, windowMs: 15 * 60_000 };
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      const decision = await limiter.begin(t.db, [{ key: `pair:slow@example.org|198.51.100.${i}`, limit: 5 }, counted]);
      if (!decision.allowed) throw new Error(`attempt ${i + 1} refused`);
      seen.push(decision.failures[counted.key]);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("a success un-counts the attempt and clears the account key, not the address key", async () => {
    const limiter = new FailureLimiter();
    const account = "account:d@example.org";
    const address = "address:192.0.2.44";
    await fail(limiter, t.db, [account, address], 4);
    const ok = await limiter.begin(second.db, [account, address]);
    if (!ok.allowed) throw new Error("the 5th attempt should be admitted");
    await limiter.succeeded(second.db, ok.attempt, account);
    expect(await failuresOf(t.db, account)).toBe(0);
    expect(await failuresOf(t.db, address)).toBe(4);
  });

  it("an abandoned attempt (an error before the answer) is not a failure", async () => {
    const limiter = new FailureLimiter();
    const key = "account:e@example.org";
    const attempt = await limiter.begin(t.db, [key]);
    if (!attempt.allowed) throw new Error("should be admitted");
    await limiter.abandoned(t.db, attempt.attempt);
    expect(await failuresOf(t.db, key)).toBe(0);
  });

  it("prunes rows that left the window, at most pruneBatch per admitted attempt", async () => {
    const limiter = new FailureLimiter({ pruneBatch: 3 });
    const key = "account:old@example.org";
    await t.db.query("insert into sign_in_failures (key, failed_at) select $1, now() - interval '2 minutes' from generate_series(1, 5)", [
      key,
    ]);
    await fail(limiter, t.db, ["account:trigger@example.org"]);
    expect(await failuresOf(t.db, key)).toBe(2);
    await fail(limiter, t.db, ["account:trigger@example.org"]);
    expect(await failuresOf(t.db, key)).toBe(0);
  });
});

forEachDriver("sign-in through the login action, two servers on one database", (t) => {
  useAsAppDb(t);
  const second = useSecondServer(t);
  const appDbKey = Symbol.for("ghostly.db");
  /** Routes the next requests to one server: getDb() answers with that server's connection. */
  const serveFrom = (db: Db) => {
    (globalThis as Record<symbol, unknown>)[appDbKey] = Promise.resolve(db);
  };
  afterEach(() => serveFrom(t.db));

  it("the 6th failure within a minute answers 429 with Retry-After though the failures hit both servers", async () => {
    const email = `spread-${t.driver}@example.org`;
    await createUser(ACTING_ADMIN, { email, displayName: "Spread", password: PASSWORD, role: "therapist" }, { db: t.db });
    const browser = new Browser();
    await visit(browser, root, loginRoute, "/login");
    for (let i = 0; i < 5; i++) {
      serveFrom(i % 2 === 0 ? t.db : second.db);
      const answer = await submit(browser, loginRoute, "/login", { email, password: `wrong-password-${i}` });
      expect(answer.status, `attempt ${i + 1}`).toBe(401);
    }
    serveFrom(second.db);
    const sixth = await submit(browser, loginRoute, "/login", { email, password: PASSWORD });
    expect(sixth.status).toBe(429);
    const retryAfter = Number(sixth.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A minute later (failures moved back) the right password signs in on the other server.
    // (The browser calls from no address: its failures count on the pair key `pair:<email>|-`.)
    await age(t.db, `pair:${email}|-`, 61);
    serveFrom(t.db);
    expect((await submit(browser, loginRoute, "/login", { email, password: PASSWORD })).status).toBe(302);
    expect(await failuresOf(t.db, `account:${email}`)).toBe(0);
    expect(await failuresOf(t.db, `pair:${email}|-`)).toBe(0);
  });
});

forEachDriver("generated session secret shared through app_secrets", (t) => {
  const second = useSecondServer(t);
  let configuredSecret: string | undefined;
  beforeEach(async () => {
    configuredSecret = process.env.SESSION_SECRET;
    delete process.env.SESSION_SECRET;
    resetConfig();
    await t.db.query("delete from app_secrets");
  });
  afterEach(() => {
    if (configuredSecret !== undefined) process.env.SESSION_SECRET = configuredSecret;
    resetConfig();
  });
  const emptyDataDir = () => mkdtempSync(path.join(t.tempDir, "data-"));

  it("both servers resolve one generated secret, so a cookie signed by one is accepted by the other", async () => {
    const [secretA, secretB] = await Promise.all([
      resolveSessionSecrets({ db: t.db, dataDir: emptyDataDir() }),
      resolveSessionSecrets({ db: second.db, dataDir: emptyDataDir() }),
    ]);
    expect(secretA).toEqual(secretB);
    expect(secretA[0]).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    const { rows } = await t.db.query<{ value: string }>("select value from app_secrets where name = 'session_secret'");
    expect(rows).toEqual([{ value: secretA[0] }]);

    const storageA = createAppSessionStorage(secretA);
    const storageB = createAppSessionStorage(secretB);
    const session = await storageA.getSession();
    session.set("sid", "session-1");
    session.set("csrf", "token-3");
    const cookie = (await storageA.commitSession(session)).split(";")[0];
    const read = await storageB.getSession(cookie);
    expect(read.get("sid")).toBe("session-1");
    expect(read.get("csrf")).toBe("token-3");
    // And a storage with another secret does not accept it (the check above is not vacuous).
    const stranger = createAppSessionStorage(["another-secret-another-secret-0123456789"]);
    expect((await stranger.getSession(cookie)).get("sid")).toBeUndefined();
  });

  it("adopts an existing DATA_DIR/session-secret value on first start, and keeps the table's value afterwards", async () => {
    const dataDir = emptyDataDir();
    const legacy = "legacy-secret-from-an-embedded-install-0123456789";
    writeFileSync(path.join(dataDir, "session-secret"), legacy + "\n", { mode: 0o600 });
    expect(await resolveSessionSecrets({ db: t.db, dataDir })).toEqual([legacy]);
    // Another server without that file gets the same value from the table.
    expect(await resolveSessionSecrets({ db: second.db, dataDir: emptyDataDir() })).toEqual([legacy]);
    // A different file later does not replace what every server already uses.
    const otherDir = emptyDataDir();
    writeFileSync(path.join(otherDir, "session-secret"), "some-other-file-secret-0123456789abcdef\n");
    expect(await resolveSessionSecrets({ db: second.db, dataDir: otherDir })).toEqual([legacy]);
  });

  it("SESSION_SECRET, when configured, wins and nothing is written", async () => {
    process.env.SESSION_SECRET = "configured-secret-0123456789abcdef, older-secret-0123456789abcdef0";
    resetConfig();
    expect(await resolveSessionSecrets({ db: t.db, dataDir: emptyDataDir() })).toEqual([
      "configured-secret-0123456789abcdef",
      "older-secret-0123456789abcdef0",
    ]);
    expect((await t.db.query("select 1 from app_secrets")).rowCount).toBe(0);
  });
});
