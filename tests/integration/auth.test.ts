import { describe, expect, it } from "vitest";
import { forEachDriver } from "../support/databases";
import { Browser, invoke, submit, useAsAppDb, visit, BASE } from "./auth-harness";
import * as root from "~/root";
import * as setupRoute from "~/routes/setup";
import * as loginRoute from "~/routes/login";
import * as logoutRoute from "~/routes/logout";
import * as adminUsers from "~/routes/admin.users";
import * as accountTokens from "~/routes/account.tokens";
import * as adminExports from "~/routes/admin.exports";
import { accountDelayMs, BAD_CREDENTIALS_MESSAGE, SIGN_IN_LIMITS } from "~/lib/server/auth/sign-in.server";
import { requireApiCaller, requireUser } from "~/lib/server/auth/permissions.server";
import { createApiToken, listApiTokens, revokeApiToken } from "~/lib/server/auth/api-tokens.server";
import {
  authenticate,
  createFirstAdmin,
  createUser,
  getUserById,
  listUsers,
  setActive,
  setPassword,
  setRole,
  UserInputError,
} from "~/lib/server/auth/users.server";
import { ForbiddenError } from "~/lib/server/errors.server";
import { listExportHistory, recordExport } from "~/lib/server/repositories/export-history.server";
import { ACTING_ADMIN, callerOf } from "../support/users";

const PASSWORD = "a-long-password-1";

async function thrownStatus(promise: Promise<unknown>): Promise<{ status: number; location: string | null; body: string }> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof Response) {
      return { status: thrown.status, location: thrown.headers.get("Location"), body: await thrown.text() };
    }
    throw thrown;
  }
  throw new Error("expected a thrown Response");
}

async function signIn(browser: Browser, email: string, password = PASSWORD) {
  await visit(browser, root, loginRoute, "/login");
  const answer = await submit(browser, loginRoute, "/login", { email, password });
  if (answer.status === 302) await visit(browser, root, null, "/");
  return answer;
}

forEachDriver("accounts and sign-in", (t) => {
  useAsAppDb(t);
  // Distinct per driver: the sign-in limiter is process-wide.
  const tag = t.driver;
  const adminEmail = `admin-${tag}@example.org`;

  describe("first run", () => {
    it("sends every page to /setup while no account exists", async () => {
      const browser = new Browser();
      for (const path of ["/", "/sessions", "/login", "/admin/users"]) {
        const { root: answer } = await visit(browser, root, null, path);
        expect(answer.status, path).toBe(302);
        expect(answer.location, path).toBe("/setup");
      }
      expect((await thrownStatus(requireUser(browser.get("/sessions")))).location).toBe("/setup");
      // The setup page itself renders (with a CSRF token).
      const { root: setupRoot, page } = await visit(browser, root, setupRoute, "/setup");
      expect(setupRoot.status).toBe(200);
      expect(browser.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(page?.status).toBe(200);
    });

    it("/setup refuses a form without the CSRF token", async () => {
      const browser = new Browser();
      await visit(browser, root, setupRoute, "/setup");
      const answer = await submit(browser, setupRoute, "/setup", {
        csrf: "forged",
        displayName: "Eve",
        email: "eve@example.org",
        password: PASSWORD,
        passwordConfirm: PASSWORD,
      });
      expect(answer.status).toBe(403);
    });

    it("/setup validates, creates the first admin, signs in, and then answers 404", async () => {
      const browser = new Browser();
      await visit(browser, root, setupRoute, "/setup");
      const short = await submit(browser, setupRoute, "/setup", {
        displayName: "Ada",
        email: adminEmail,
        password: "short",
        passwordConfirm: "short",
      });
      expect(short.status).toBe(422);
      expect(short.body).toEqual({ field: "password", error: "Password must be at least 10 characters." });

      const created = await submit(browser, setupRoute, "/setup", {
        displayName: "Ada",
        email: adminEmail.toUpperCase(),
        password: PASSWORD,
        passwordConfirm: PASSWORD,
      });
      expect(created.status).toBe(302);
      expect(created.location).toBe("/admin/users");
      expect(browser.cookie).toBeTruthy();
      const caller = await requireUser(browser.get("/admin/users"));
      expect(caller.role).toBe("admin");
      expect(caller.user.email).toBe(adminEmail); // stored lower-case

      const again = new Browser();
      expect((await invoke(setupRoute.loader, again.get("/setup"))).status).toBe(404);
      const second = await submit(again, setupRoute, "/setup", {
        displayName: "Mallory",
        email: "mallory@example.org",
        password: PASSWORD,
        passwordConfirm: PASSWORD,
      });
      expect(second.status).toBe(404);
      const { rows } = await t.db.query<{ n: number }>("select count(*)::int as n from users where role = 'admin'");
      expect(rows[0].n).toBe(1);
    });

    it("createFirstAdmin creates nothing once a user exists", async () => {
      expect(await createFirstAdmin({ email: "late@example.org", displayName: "Late", password: PASSWORD }, { db: t.db })).toBeNull();
    });
  });

  describe("users", () => {
    it("creates users with a role; email is unique case-insensitively; no password in the row", async () => {
      const therapist = await createUser(
        ACTING_ADMIN,
        {
          email: ` Thera-${tag}@Example.org `,
          displayName: "Thera",
          password: PASSWORD,
          role: "therapist",
        },
        { db: t.db },
      );
      expect(therapist.email).toBe(`thera-${tag}@example.org`);
      await expect(
        createUser(
          ACTING_ADMIN,
          { email: `THERA-${tag}@example.org`, displayName: "Twin", password: PASSWORD, role: "researcher" },
          { db: t.db },
        ),
      ).rejects.toThrow(UserInputError);
      const { rows } = await t.db.query<{ password_hash: string }>("select password_hash from users where id = $1", [therapist.id]);
      expect(rows[0].password_hash.startsWith("scrypt$")).toBe(true);
      expect(rows[0].password_hash).not.toContain(PASSWORD);
    });

    it("only an admin manages accounts; anybody may change their own password, nobody else's", async () => {
      const therapist = callerOf(
        await createUser(
          ACTING_ADMIN,
          { email: `own-${tag}@example.org`, displayName: "Own", password: PASSWORD, role: "therapist" },
          { db: t.db },
        ),
      );
      const other = await createUser(
        ACTING_ADMIN,
        { email: `other-${tag}@example.org`, displayName: "Other", password: PASSWORD, role: "therapist" },
        { db: t.db },
      );
      const refused = [
        createUser(therapist, { email: `sneak-${tag}@example.org`, displayName: "Sneak", password: PASSWORD, role: "admin" }, { db: t.db }),
        listUsers(therapist, { db: t.db }),
        setRole(therapist, therapist.userId, "admin", { db: t.db }),
        setActive(therapist, other.id, false, { db: t.db }),
        setPassword(therapist, other.id, "someone-elses-password", { db: t.db }),
      ];
      for (const attempt of refused) await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
      expect((await getUserById(therapist.userId, { db: t.db }))?.role).toBe("therapist");
      expect((await getUserById(other.id, { db: t.db }))?.active).toBe(true);
      // One's own password: allowed (the account page's flow re-opens this browser's session).
      await setPassword(therapist, therapist.userId, "my-own-new-password", { db: t.db });
      expect(await authenticate(`own-${tag}@example.org`, "my-own-new-password", { db: t.db })).not.toBeNull();
    });

    it("the admin page creates users (admin only, CSRF checked)", async () => {
      const admin = new Browser();
      await signIn(admin, adminEmail);
      await visit(admin, root, adminUsers, "/admin/users");
      const fields = { intent: "create", displayName: "Res", email: `res-${tag}@example.org`, role: "researcher", password: PASSWORD };
      expect((await submit(admin, adminUsers, "/admin/users", { ...fields, csrf: "" })).status).toBe(403);
      const ok = await submit(admin, adminUsers, "/admin/users", fields);
      expect(ok.status).toBe(200);
      expect((ok.body as { message: string }).message).toBe(`Created res-${tag}@example.org (researcher).`);
      const bad = await submit(admin, adminUsers, "/admin/users", { ...fields, email: `x-${tag}@example.org`, role: "superuser" });
      expect(bad.status).toBe(422);

      const researcher = new Browser();
      await signIn(researcher, `res-${tag}@example.org`);
      const denied = await submit(researcher, adminUsers, "/admin/users", { ...fields, email: `y-${tag}@example.org`, role: "admin" });
      expect(denied.status).toBe(403);
      expect((await visit(researcher, root, adminUsers, "/admin/users")).page?.status).toBe(403);
    });
  });

  describe("role changes", () => {
    it("an admin's role change ends the user's sessions; signed in again they have the new role", async () => {
      const email = `mover-${tag}@example.org`;
      const user = await createUser(ACTING_ADMIN, { email, displayName: "Mover", password: PASSWORD, role: "therapist" }, { db: t.db });
      const browser = new Browser();
      await signIn(browser, email);
      expect((await requireUser(browser.get("/sessions"))).role).toBe("therapist");
      const admin = new Browser();
      await signIn(admin, adminEmail);
      await visit(admin, root, adminUsers, "/admin/users");
      expect((await submit(admin, adminUsers, "/admin/users", { intent: "set-role", userId: user.id, role: "wizard" })).status).toBe(422);
      expect((await requireUser(browser.get("/sessions"))).role).toBe("therapist");
      expect((await submit(admin, adminUsers, "/admin/users", { intent: "set-role", userId: user.id, role: "researcher" })).status).toBe(
        200,
      );
      // The old session does not carry on with a role it was not signed in for.
      expect((await thrownStatus(requireUser(browser.get("/sessions")))).location).toBe("/login?redirectTo=%2Fsessions");
      const again = new Browser();
      await signIn(again, email);
      expect((await requireUser(again.get("/sessions"))).role).toBe("researcher");
      expect((await submit(admin, adminUsers, "/admin/users", { intent: "set-role", userId: "not-a-uuid", role: "admin" })).status).toBe(
        404,
      );
    });
  });

  describe("sign-in", () => {
    it("right password: redirect with a session cookie (HttpOnly, SameSite=Lax, Path=/, not Secure over http)", async () => {
      const browser = new Browser();
      await visit(browser, root, loginRoute, "/login?redirectTo=/sessions");
      const answer = await submit(browser, loginRoute, "/login", {
        email: `thera-${tag}@example.org`,
        password: PASSWORD,
        redirectTo: "/sessions",
      });
      expect(answer.status).toBe(302);
      expect(answer.location).toBe("/sessions");
      const cookie = answer.headers.get("Set-Cookie")!;
      expect(cookie).toMatch(/^ghostly_session=/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).not.toMatch(/Secure/);
      expect(cookie).not.toContain(PASSWORD);
      expect((await requireUser(browser.get("/sessions"))).user.email).toBe(`thera-${tag}@example.org`);
    });

    it("sets Secure on the cookie when the request URL is https; a client's X-Forwarded-Proto does not decide", async () => {
      for (const [url, headers, secure] of [
        ["https://app.test/login", {}, true],
        // The server entry turns a trusted proxy's X-Forwarded-Proto into an https URL (TRUST_PROXY).
        [BASE + "/login", { "X-Forwarded-Proto": "https" }, false],
      ] as const) {
        const browser = new Browser(headers);
        const first = await invoke(root.loader, new Request(url, { headers }));
        browser.absorb(first);
        const csrf = (first.body as { csrf: string }).csrf;
        const answer = await invoke(
          loginRoute.action,
          new Request(url, {
            method: "POST",
            headers: { ...headers, Cookie: browser.cookie!, "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ csrf, email: `thera-${tag}@example.org`, password: PASSWORD }),
          }),
        );
        expect(answer.status).toBe(302);
        if (secure) expect(answer.headers.get("Set-Cookie")).toMatch(/; Secure/);
        else expect(answer.headers.get("Set-Cookie")).not.toMatch(/Secure/);
      }
    });

    it("wrong password and unknown email give the same generic message", async () => {
      const browser = new Browser({ "X-Forwarded-For": `198.51.100.1-${tag}` });
      await visit(browser, root, loginRoute, "/login");
      const wrong = await submit(browser, loginRoute, "/login", { email: `thera-${tag}@example.org`, password: "wrong-password-1" });
      const unknown = await submit(browser, loginRoute, "/login", { email: `nobody-${tag}@example.org`, password: PASSWORD });
      for (const answer of [wrong, unknown]) {
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ error: BAD_CREDENTIALS_MESSAGE });
        expect(answer.headers.get("Set-Cookie")).toBeNull();
      }
      expect(BAD_CREDENTIALS_MESSAGE).toBe("Email or password is incorrect.");
    });

    it("refuses a sign-in form without the CSRF token (403)", async () => {
      const browser = new Browser();
      await visit(browser, root, loginRoute, "/login");
      const answer = await submit(browser, loginRoute, "/login", { csrf: "", email: `thera-${tag}@example.org`, password: PASSWORD });
      expect(answer.status).toBe(403);
    });

    it("only redirects to same-site paths after sign-in", async () => {
      const browser = new Browser();
      await visit(browser, root, loginRoute, "/login");
      const answer = await submit(browser, loginRoute, "/login", {
        email: `thera-${tag}@example.org`,
        password: PASSWORD,
        redirectTo: "//evil.example/steal",
      });
      expect(answer.status).toBe(302);
      expect(answer.location).toBe("/");
    });

    it("the 6th failure within a minute for one account from one address answers 429 with Retry-After, even with the right password", async () => {
      const email = `locked-${tag}@example.org`;
      await createUser(ACTING_ADMIN, { email, displayName: "Locked", password: PASSWORD, role: "therapist" }, { db: t.db });
      const browser = new Browser({}, `198.51.100.61`);
      await visit(browser, root, loginRoute, "/login");
      for (let i = 0; i < 5; i++) {
        const answer = await submit(browser, loginRoute, "/login", { email, password: `wrong-password-${i}` });
        expect(answer.status, `attempt ${i + 1}`).toBe(401);
      }
      const sixth = await submit(browser, loginRoute, "/login", { email, password: PASSWORD });
      expect(sixth.status).toBe(429);
      const retryAfter = Number(sixth.headers.get("Retry-After"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(browser.cookie).not.toBeNull();
      await expect(requireUser(browser.get("/sessions"))).rejects.toBeInstanceOf(Response);
    });

    it("strangers' failures from other addresses do not lock the owner out: the owner waits, then gets in", async () => {
      const email = `target-${tag}@example.org`;
      await createUser(ACTING_ADMIN, { email, displayName: "Target", password: PASSWORD, role: "therapist" }, { db: t.db });
      // Seven strangers, one wrong password each (more than the old account-wide budget of five).
      for (let i = 0; i < 7; i++) {
        const stranger = new Browser({}, `203.0.113.${100 + i}`);
        await visit(stranger, root, loginRoute, "/login");
        expect((await submit(stranger, loginRoute, "/login", { email, password: `guess-${i}-password` })).status).toBe(401);
      }
      const owner = new Browser({}, "192.0.2.10");
      const started = Date.now();
      expect((await signIn(owner, email)).status).toBe(302);
      // Seven failures elsewhere: the check waited accountDelayMs(7) first.
      expect(Date.now() - started).toBeGreaterThanOrEqual(accountDelayMs(7));
      expect((await requireUser(owner.get("/sessions"))).user.email).toBe(email);
      // The owner's success resets the slow-down: the next sign-in does not wait.
      expect(
        accountDelayMs(
          (await t.db.query<{ n: number }>("select count(*)::int as n from sign_in_failures where key = $1", [`account:${email}`])).rows[0]
            .n,
        ),
      ).toBe(0);
    });

    it(`more than ${SIGN_IN_LIMITS.address.limit} failures from one address block that address across accounts`, async () => {
      const browser = new Browser({}, `203.0.113.9`);
      await visit(browser, root, loginRoute, "/login");
      for (let i = 0; i < SIGN_IN_LIMITS.address.limit; i++) {
        expect(
          (await submit(browser, loginRoute, "/login", { email: `spray${i}-${tag}@example.org`, password: "whatever-123" })).status,
        ).toBe(401);
      }
      const blocked = await submit(browser, loginRoute, "/login", { email: `thera-${tag}@example.org`, password: PASSWORD });
      expect(blocked.status).toBe(429);
      const elsewhere = new Browser({}, `203.0.113.10`);
      expect((await signIn(elsewhere, `thera-${tag}@example.org`)).status).toBe(302);
    });

    it("X-Forwarded-For from the client is no address: rotating it does not dodge the limit", async () => {
      const email = `rotor-${tag}@example.org`;
      await createUser(ACTING_ADMIN, { email, displayName: "Rotor", password: PASSWORD, role: "therapist" }, { db: t.db });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const browser = new Browser({ "X-Forwarded-For": `198.18.0.${i}`, "X-Real-IP": `198.18.1.${i}` }, "198.51.100.77");
        await visit(browser, root, loginRoute, "/login");
        statuses.push((await submit(browser, loginRoute, "/login", { email, password: `wrong-password-${i}` })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    });

    it("sign-out is a CSRF-checked POST that ends the session on the server: a copy of the cookie taken before no longer works", async () => {
      const browser = new Browser();
      await signIn(browser, `thera-${tag}@example.org`);
      const copied = new Browser();
      copied.cookie = browser.cookie;
      expect((await requireUser(copied.get("/sessions"))).user.email).toBe(`thera-${tag}@example.org`);
      expect((await submit(browser, logoutRoute, "/logout", { csrf: "nope" })).status).toBe(403);
      await requireUser(browser.get("/sessions"));
      const out = await submit(browser, logoutRoute, "/logout", {});
      expect(out.status).toBe(302);
      expect(out.location).toBe("/login");
      expect(browser.cookie).toBeNull();
      const redirect = await thrownStatus(requireUser(browser.get("/sessions?patient=P001")));
      expect(redirect.status).toBe(302);
      expect(redirect.location).toBe("/login?redirectTo=%2Fsessions%3Fpatient%3DP001");
      // The copy made before sign-out is signed out too, on pages and the API.
      expect((await thrownStatus(requireUser(copied.get("/sessions")))).status).toBe(302);
      expect((await thrownStatus(requireApiCaller(copied.get("/api/export/sessions")))).status).toBe(401);
    });

    it("sign out everywhere (from the account page) ends every session of the user, not another user's", async () => {
      const email = `everywhere-${tag}@example.org`;
      await createUser(ACTING_ADMIN, { email, displayName: "Everywhere", password: PASSWORD, role: "therapist" }, { db: t.db });
      const [laptop, phone] = [new Browser(), new Browser()];
      await signIn(laptop, email);
      await signIn(phone, email);
      const bystander = new Browser();
      await signIn(bystander, `thera-${tag}@example.org`);
      const account = await import("~/routes/account._index");
      const page = await visit(phone, root, account, "/account");
      expect(page.page?.body).toMatchObject({ sessions: 2 });
      const out = await submit(phone, logoutRoute, "/logout", { scope: "everywhere" });
      expect(out.location).toBe("/login");
      for (const browser of [laptop, phone]) expect((await thrownStatus(requireUser(browser.get("/sessions")))).status).toBe(302);
      expect((await requireUser(bystander.get("/sessions"))).user.email).toBe(`thera-${tag}@example.org`);
    });

    it("a session ends 12 hours after sign-in, checked on the server whatever the cookie says", async () => {
      const browser = new Browser();
      await signIn(browser, `thera-${tag}@example.org`);
      const { rows } = await t.db.query<{ hours: number }>(
        "select extract(epoch from (expires_at - created_at))::float8 / 3600 as hours from auth_sessions order by created_at desc limit 1",
      );
      expect(rows[0].hours).toBe(12);
      await requireUser(browser.get("/sessions"));
      // Eleven hours, fifty-nine minutes and fifty-nine seconds later it still works; at twelve it does not.
      const { rows: mine } = await t.db.query<{ id_hash: string }>("select id_hash from auth_sessions order by created_at desc limit 1");
      await t.db.query("update auth_sessions set expires_at = statement_timestamp() + interval '1 second' where id_hash = $1", [
        mine[0].id_hash,
      ]);
      await requireUser(browser.get("/sessions"));
      await t.db.query("update auth_sessions set expires_at = statement_timestamp() where id_hash = $1", [mine[0].id_hash]);
      expect((await thrownStatus(requireUser(browser.get("/sessions")))).status).toBe(302);
    });
  });

  describe("server-side validity: deactivation, tokens", () => {
    it("deactivating a user kills an existing session and token at once; reactivating revives neither", async () => {
      const email = `leaver-${tag}@example.org`;
      const user = await createUser(ACTING_ADMIN, { email, displayName: "Leaver", password: PASSWORD, role: "therapist" }, { db: t.db });
      const browser = new Browser();
      await signIn(browser, email);
      const { token } = await createApiToken(callerOf(user), "script", { db: t.db });
      const bearer = (tok: string) => new Request(BASE + "/api/export/sessions", { headers: { Authorization: `Bearer ${tok}` } });

      expect((await requireUser(browser.get("/sessions"))).userId).toBe(user.id);
      expect((await requireApiCaller(bearer(token))).userId).toBe(user.id);
      expect((await requireApiCaller(browser.get("/api/export/sessions"))).userId).toBe(user.id);

      // The admin deactivates through the admin page.
      const admin = new Browser();
      await signIn(admin, adminEmail);
      await visit(admin, root, adminUsers, "/admin/users");
      expect((await submit(admin, adminUsers, "/admin/users", { intent: "deactivate", userId: user.id })).status).toBe(200);
      expect((await getUserById(user.id, { db: t.db }))?.active).toBe(false);

      const page = await thrownStatus(requireUser(browser.get("/sessions")));
      expect(page.status).toBe(302);
      expect(page.location).toBe("/login?redirectTo=%2Fsessions");
      expect((await thrownStatus(requireApiCaller(bearer(token)))).status).toBe(401);
      expect((await thrownStatus(requireApiCaller(browser.get("/api/export/sessions")))).status).toBe(401);
      const { root: layout } = await visit(browser, root, null, "/sessions");
      expect(layout.status).toBe(302);
      expect(layout.location).toBe("/login?redirectTo=%2Fsessions");
      // A deactivated account cannot sign in again either (same generic message).
      const again = new Browser();
      const denied = await signIn(again, email);
      expect(denied.status).toBe(401);
      expect(denied.body).toEqual({ error: BAD_CREDENTIALS_MESSAGE });

      // Reactivated, the account signs in afresh; the old cookie and token stay dead.
      await visit(admin, root, adminUsers, "/admin/users");
      expect((await submit(admin, adminUsers, "/admin/users", { intent: "reactivate", userId: user.id })).status).toBe(200);
      expect((await thrownStatus(requireUser(browser.get("/sessions")))).status).toBe(302);
      expect((await thrownStatus(requireApiCaller(bearer(token)))).status).toBe(401);
      expect((await listApiTokens(callerOf(user), { db: t.db })).every((tok) => tok.revokedAt !== null)).toBe(true);
      expect((await signIn(new Browser(), email)).status).toBe(302);
    });

    it("an admin cannot deactivate their own account", async () => {
      const admin = new Browser();
      await signIn(admin, adminEmail);
      await visit(admin, root, adminUsers, "/admin/users");
      const self = await requireUser(admin.get("/admin/users"));
      const answer = await submit(admin, adminUsers, "/admin/users", { intent: "deactivate", userId: self.userId });
      expect(answer.status).toBe(422);
    });

    it("tokens: created once through the page, listed without the secret, revoked → 401, last_used_at updated", async () => {
      const email = `scripter-${tag}@example.org`;
      const user = await createUser(ACTING_ADMIN, { email, displayName: "Scripter", password: PASSWORD, role: "researcher" }, { db: t.db });
      const browser = new Browser();
      await signIn(browser, email);
      await visit(browser, root, accountTokens, "/account/tokens");
      const created = await submit(browser, accountTokens, "/account/tokens", { intent: "create", name: "pandas", scopes: "export" });
      expect(created.status).toBe(200);
      const token = (created.body as { token: string }).token;
      expect(token).toMatch(/^ghostly_pat_[A-Za-z0-9_-]{43}$/);
      expect(created.headers.get("Cache-Control")).toBe("no-store");

      const { rows } = await t.db.query<{ token_hash: string }>("select token_hash from api_tokens where user_id = $1", [user.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(rows)).not.toContain(token.slice(12));

      const listed = await visit(browser, root, accountTokens, "/account/tokens");
      expect(JSON.stringify(listed.page?.body)).not.toContain(token);
      const [record] = await listApiTokens(callerOf(user), { db: t.db });
      expect(record.lastUsedAt).toBeNull();

      const request = () => new Request(BASE + "/api/export/sessions", { headers: { Authorization: `Bearer ${token}` } });
      const caller = await requireApiCaller(request());
      expect(caller).toEqual({ userId: user.id, role: "researcher", tokenId: record.id, scopes: ["export"] });
      expect((await listApiTokens(callerOf(user), { db: t.db }))[0].lastUsedAt).toBeInstanceOf(Date);

      // Somebody else cannot revoke it.
      const other = new Browser();
      await signIn(other, `thera-${tag}@example.org`);
      await visit(other, root, accountTokens, "/account/tokens");
      expect((await submit(other, accountTokens, "/account/tokens", { intent: "revoke", tokenId: record.id })).status).toBe(404);
      expect((await requireApiCaller(request())).userId).toBe(user.id);

      expect((await submit(browser, accountTokens, "/account/tokens", { intent: "revoke", tokenId: record.id })).status).toBe(200);
      const revoked = await thrownStatus(requireApiCaller(request()));
      expect(revoked.status).toBe(401);
      expect(JSON.parse(revoked.body)).toEqual({ error: "The API token is invalid or has been revoked." });
      expect(await revokeApiToken(callerOf(user), record.id, { db: t.db })).toBe(false);
    });

    it("a malformed Authorization header or a forged token is 401, even with a valid cookie", async () => {
      const browser = new Browser();
      await signIn(browser, `thera-${tag}@example.org`);
      for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ghostly_pat_" + "A".repeat(43)]) {
        const answer = await thrownStatus(requireApiCaller(browser.get("/api/export/sessions", { Authorization: authorization })));
        expect(answer.status, authorization).toBe(401);
      }
      const anonymous = await thrownStatus(requireApiCaller(new Request(BASE + "/api/export/sessions")));
      expect(anonymous.status).toBe(401);
      expect(JSON.parse(anonymous.body)).toHaveProperty("error");
    });
  });

  describe("export history", () => {
    it("records exports (with the token when there is one) and lists them for admins only", async () => {
      const user = await createUser(
        ACTING_ADMIN,
        { email: `exp-${tag}@example.org`, displayName: "Exp", password: PASSWORD, role: "researcher" },
        { db: t.db },
      );
      const { record } = await createApiToken(callerOf(user), "R script", { db: t.db });
      const sessionIds = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"];
      await recordExport({ userId: user.id, tokenId: record.id }, { kind: "batch", format: "csv", sessionIds });
      await recordExport({ userId: user.id }, { kind: "session", format: "json", sessionIds: [sessionIds[0]] });
      const admin = new Browser();
      await signIn(admin, adminEmail);
      const adminCaller = await requireUser(admin.get("/admin/exports"));
      const history = (await listExportHistory(adminCaller, { db: t.db })).filter((e) => e.userId === user.id);
      expect(history).toHaveLength(2);
      const batch = history.find((e) => e.kind === "batch")!;
      expect(batch).toMatchObject({
        format: "csv",
        sessionIds,
        tokenId: record.id,
        tokenName: "R script",
        userEmail: `exp-${tag}@example.org`,
      });
      expect(history.find((e) => e.kind === "session")!.tokenId).toBeNull();
      await expect(listExportHistory({ userId: user.id, role: user.role }, { db: t.db })).rejects.toBeInstanceOf(ForbiddenError);

      const page = await visit(admin, root, adminExports, "/admin/exports");
      expect(page.page?.status).toBe(200);
      expect(JSON.stringify(page.page?.body)).toContain("R script");
      const researcher = new Browser();
      await signIn(researcher, `exp-${tag}@example.org`);
      expect((await visit(researcher, root, adminExports, "/admin/exports")).page?.status).toBe(403);
    });
  });

  describe("password changes end other sessions", () => {
    it("an admin reset signs the user out everywhere; the new password works", async () => {
      const admin = await createUser(
        ACTING_ADMIN,
        { email: `pw-admin-${tag}@example.org`, displayName: "Adm", password: PASSWORD, role: "admin" },
        { db: t.db },
      );
      const user = await createUser(
        ACTING_ADMIN,
        { email: `pw-user-${tag}@example.org`, displayName: "Usr", password: PASSWORD, role: "therapist" },
        { db: t.db },
      );
      const laptop = new Browser();
      const phone = new Browser();
      await signIn(laptop, user.email);
      await signIn(phone, user.email);
      expect((await requireUser(laptop.get("/sessions"))).userId).toBe(user.id);

      const adminBrowser = new Browser();
      await signIn(adminBrowser, admin.email);
      await visit(adminBrowser, root, adminUsers, "/admin/users");
      const reset = await submit(adminBrowser, adminUsers, "/admin/users", {
        intent: "reset-password",
        userId: user.id,
        password: "a-brand-new-password",
      });
      expect(reset.status).toBe(200);

      for (const browser of [laptop, phone]) {
        const answer = await thrownStatus(requireUser(browser.get("/sessions")));
        expect(answer.status).toBe(302);
        expect(answer.location).toBe("/login?redirectTo=%2Fsessions");
        expect((await thrownStatus(requireApiCaller(browser.get("/api/export/sessions")))).status).toBe(401);
      }
      expect((await signIn(new Browser(), user.email, PASSWORD)).status).toBe(401);
      expect((await signIn(new Browser(), user.email, "a-brand-new-password")).status).toBe(302);
    });

    it("changing one's own password keeps this session and ends the others", async () => {
      const user = await createUser(
        ACTING_ADMIN,
        { email: `pw-self-${tag}@example.org`, displayName: "Self", password: PASSWORD, role: "researcher" },
        { db: t.db },
      );
      const here = new Browser();
      const elsewhere = new Browser();
      await signIn(here, user.email);
      await signIn(elsewhere, user.email);
      const accountPassword = await import("~/routes/account._index");
      await visit(here, root, accountPassword, "/account");

      const wrongCurrent = await submit(here, accountPassword, "/account", {
        currentPassword: "not-my-password",
        newPassword: "another-password-2",
        newPasswordConfirm: "another-password-2",
      });
      expect(wrongCurrent.status).toBe(422);
      expect(wrongCurrent.body).toMatchObject({ field: "currentPassword" });

      const changed = await submit(here, accountPassword, "/account", {
        currentPassword: PASSWORD,
        newPassword: "another-password-2",
        newPasswordConfirm: "another-password-2",
      });
      // A redirect carrying this browser's new session: the page after it (with or without
      // JavaScript) is signed in with it.
      expect(changed.status).toBe(302);
      expect(changed.location).toBe("/account?password=changed");
      expect(changed.headers.get("Set-Cookie")).toMatch(/^ghostly_session=/);
      const after = await visit(here, root, accountPassword, "/account?password=changed");
      expect(after.root.status).toBe(200);
      expect(after.page?.body).toMatchObject({ changed: true, sessions: 1 });
      expect((await requireUser(here.get("/sessions"))).userId).toBe(user.id);
      expect((await thrownStatus(requireUser(elsewhere.get("/sessions")))).status).toBe(302);
    });

    it("wrong current passwords on the account page count like sign-in failures: the 6th answers 429", async () => {
      const user = await createUser(
        ACTING_ADMIN,
        { email: `pw-guess-${tag}@example.org`, displayName: "Guess", password: PASSWORD, role: "therapist" },
        { db: t.db },
      );
      const borrowed = new Browser({}, "198.51.100.99");
      await signIn(borrowed, user.email);
      const accountPassword = await import("~/routes/account._index");
      await visit(borrowed, root, accountPassword, "/account");
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const answer = await submit(borrowed, accountPassword, "/account", {
          currentPassword: `guess-number-${i}`,
          newPassword: "taken-over-password",
          newPasswordConfirm: "taken-over-password",
        });
        statuses.push(answer.status);
        if (answer.status === 429) expect(Number(answer.headers.get("Retry-After"))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([422, 422, 422, 422, 422, 429]);
      // Even the right current password now waits for the window to pass.
      const right = await submit(borrowed, accountPassword, "/account", {
        currentPassword: PASSWORD,
        newPassword: "taken-over-password",
        newPasswordConfirm: "taken-over-password",
      });
      expect(right.status).toBe(429);
    });
  });
});

forEachDriver("first admin under concurrency", (t) => {
  it("two simultaneous /setup submissions create exactly one admin", async () => {
    const attempts = await Promise.all(
      ["first", "second", "third"].map((name) =>
        createFirstAdmin({ email: `${name}-race@example.org`, displayName: name, password: PASSWORD }, { db: t.db }),
      ),
    );
    expect(attempts.filter((a) => a !== null)).toHaveLength(1);
    const { rows } = await t.db.query<{ n: number }>("select count(*)::int as n from users");
    expect(rows[0].n).toBe(1);
  });
});
