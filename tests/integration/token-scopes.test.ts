/**
 * API token scopes and expiry: chosen on /account/tokens within what the role can use, a token
 * used beyond its scope is refused with 403 naming the scope, an expired one with 401, and the
 * tokens made before scopes existed became export-only.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as root from "~/root";
import * as loginRoute from "~/routes/login";
import * as accountTokens from "~/routes/account.tokens";
import * as batchExport from "~/routes/api.export_.sessions";
import { createApiToken, listApiTokens, TokenInputError } from "~/lib/server/auth/api-tokens.server";
import { requireApiCaller, requireApiPermission } from "~/lib/server/auth/permissions.server";
import { createUser, type User } from "~/lib/server/auth/users.server";
import { defaultMigrationsDir, migrate } from "~/lib/server/db/migrations.server";
import { forEachDriver, useTestDatabase, TEST_DRIVERS } from "../support/databases";
import { ACTING_ADMIN, callerOf } from "../support/users";
import { BASE, Browser, invoke, submit, useAsAppDb, visit, type Answer } from "./auth-harness";

const PASSWORD = "scopes-password-1";
const bearer = (token: string, pathname = "/api/export/sessions?format=csv") =>
  new Request(BASE + pathname, { headers: { Authorization: `Bearer ${token}` } });

async function thrown(promise: Promise<unknown> | (() => unknown)): Promise<Response> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a thrown Response");
}

forEachDriver("token scopes and expiry", (t) => {
  useAsAppDb(t);
  const tag = t.driver;
  let therapist: User;
  let researcher: User;

  beforeAll(async () => {
    const db = { db: t.db };
    therapist = await createUser(
      ACTING_ADMIN,
      { email: `scoped-t-${tag}@example.org`, displayName: "T", password: PASSWORD, role: "therapist" },
      db,
    );
    researcher = await createUser(
      ACTING_ADMIN,
      { email: `scoped-r-${tag}@example.org`, displayName: "R", password: PASSWORD, role: "researcher" },
      db,
    );
  });

  async function signedIn(email: string): Promise<Browser> {
    const browser = new Browser();
    await visit(browser, root, loginRoute, "/login");
    expect((await submit(browser, loginRoute, "/login", { email, password: PASSWORD })).status).toBe(302);
    await visit(browser, root, accountTokens, "/account/tokens");
    return browser;
  }

  /** Submits the create form with repeated `scopes` fields, as the checkboxes send them. */
  async function createThroughPage(browser: Browser, name: string, scopes: string[], days?: string): Promise<Answer> {
    const form = new URLSearchParams([
      ["csrf", browser.csrf ?? ""],
      ["intent", "create"],
      ["name", name],
      ...scopes.map((s) => ["scopes", s]),
    ]);
    if (days !== undefined) form.set("days", days);
    const request = new Request(BASE + "/account/tokens", {
      method: "POST",
      body: form,
      headers: { Cookie: browser.cookie ?? "", "Content-Type": "application/x-www-form-urlencoded" },
    });
    return invoke(accountTokens.action, request);
  }

  it("the page offers the scopes the role can use, creates a token with the chosen scopes and lifetime, and lists both", async () => {
    const browser = await signedIn(therapist.email);
    const page = await visit(browser, root, accountTokens, "/account/tokens");
    expect((page.page?.body as { scopes: string[] }).scopes).toEqual(["export", "upload", "manage"]);

    const created = await createThroughPage(browser, "game uploader", ["upload", "export"], "30");
    expect(created.status).toBe(200);
    const listed = (await visit(browser, root, accountTokens, "/account/tokens")).page?.body as {
      tokens: { name: string; scopes: string[]; createdAt: string; expiresAt: string; expired: boolean }[];
    };
    const token = listed.tokens.find((x) => x.name === "game uploader")!;
    expect(token.scopes).toEqual(["export", "upload"]);
    expect(token.expired).toBe(false);
    const lifetimeDays = (Date.parse(token.expiresAt) - Date.parse(token.createdAt)) / 86_400_000;
    expect(lifetimeDays).toBeCloseTo(30, 3);

    // Without a choice: export only, 90 days.
    expect((await createThroughPage(browser, "defaults", [])).status).toBe(422); // no scope ticked
    const plain = await createApiToken(callerOf(therapist), "defaults", { db: t.db });
    expect(plain.record.scopes).toEqual(["export"]);
    expect((plain.record.expiresAt.getTime() - plain.record.createdAt.getTime()) / 86_400_000).toBeCloseTo(90, 3);
  });

  it("refuses a scope beyond the role, an unknown scope, and a lifetime outside 1..365 days, naming the problem", async () => {
    const browser = await signedIn(researcher.email);
    const beyond = await createThroughPage(browser, "x", ["export", "upload"]);
    expect(beyond.status).toBe(422);
    expect((beyond.body as { error: string }).error).toMatch(/role \(researcher\) cannot use the scope upload/);
    for (const [days, rule] of [
      ["366", /1 to 365 days/],
      ["0", /1 to 365 days/],
      ["2.5", /whole days/],
      ["soon", /1 to 365 days/],
    ] as const) {
      const answer = await createThroughPage(browser, "x", ["export"], days);
      expect(answer.status, days).toBe(422);
      expect((answer.body as { error: string }).error, days).toMatch(rule);
    }
    await expect(createApiToken(callerOf(researcher), "x", { db: t.db, scopes: ["everything"] })).rejects.toThrow(
      /Unknown scope "everything"/,
    );
    await expect(createApiToken(callerOf(researcher), "x", { db: t.db, scopes: ["export"], days: 365 })).resolves.toBeDefined();
    await expect(createApiToken(callerOf(researcher), "x", { db: t.db, days: 400 })).rejects.toBeInstanceOf(TokenInputError);
  });

  it("a token used beyond its scope gets 403 naming the scope; within it, the role decides", async () => {
    const uploadOnly = await createApiToken(callerOf(therapist), "uploader", { db: t.db, scopes: ["upload"] });
    const answer = await invoke(batchExport.loader, bearer(uploadOnly.token));
    expect(answer.status).toBe(403);
    expect((answer.body as { error: string }).error).toMatch(/lacks the scope 'export'/);
    expect(answer.headers.get("WWW-Authenticate")).toBe('Bearer error="insufficient_scope", scope="export"');

    const caller = await requireApiCaller(bearer(uploadOnly.token));
    expect(caller.scopes).toEqual(["upload"]);
    expect(() => requireApiPermission(caller, "upload")).not.toThrow();
    const manage = await thrown(() => requireApiPermission(caller, "edit"));
    expect(manage.status).toBe(403);
    expect(((await manage.json()) as { error: string }).error).toMatch(/lacks the scope 'manage'/);
    // A scope does not lift the role: a therapist's admin-scoped request is still refused for the role.
    const admin = await thrown(() => requireApiPermission({ role: "therapist", scopes: ["admin"] }, "admin"));
    expect(((await admin.json()) as { error: string }).error).toMatch(/Your role \(therapist\) may not admin/);

    const exporter = await createApiToken(callerOf(therapist), "exporter", { db: t.db, scopes: ["export"] });
    expect((await invoke(batchExport.loader, bearer(exporter.token))).status).toBe(200);
  });

  it("an expired token is 401 saying so", async () => {
    const { token, record } = await createApiToken(callerOf(therapist), "short-lived", { db: t.db, days: 1 });
    expect((await invoke(batchExport.loader, bearer(token))).status).toBe(200);
    await t.db.query(
      "update api_tokens set created_at = now() - interval '2 days', expires_at = now() - interval '1 second' where id = $1",
      [record.id],
    );
    const answer = await invoke(batchExport.loader, bearer(token));
    expect(answer.status).toBe(401);
    expect((answer.body as { error: string }).error).toMatch(/^The API token expired on \d{4}-\d\d-\d\dT/);
    expect((await listApiTokens(callerOf(therapist), { db: t.db })).find((x) => x.id === record.id)?.expiresAt.getTime()).toBeLessThan(
      Date.now(),
    );
  });
});

describe.each(TEST_DRIVERS)("tokens made before scopes existed [%s]", (driver) => {
  const MIGRATION = "20261201000200_token_scopes.sql";
  const before = mkdtempSync(path.join(os.tmpdir(), "ghostly-migrations-before-"));
  for (const name of readdirSync(defaultMigrationsDir()).filter((f) => f.endsWith(".sql") && f < MIGRATION)) {
    cpSync(path.join(defaultMigrationsDir(), name), path.join(before, name));
  }
  afterAll(() => rmSync(before, { recursive: true, force: true }));
  const t = useTestDatabase(driver, { migrationsDir: before });

  it("become export-only and expire 90 days after the migration", async () => {
    const { rows: users } = await t.db.query<{ id: string }>(
      "insert into users (email, display_name, role) values ('old@example.org', 'Old', 'admin') returning id",
    );
    await t.db.query("insert into api_tokens (user_id, name, token_hash) values ($1, 'old script', $2)", [users[0].id, "a".repeat(64)]);
    expect(await migrate(t.db)).toContain(MIGRATION);
    const { rows } = await t.db.query<{ scopes: string[]; days: number }>(
      "select scopes, extract(epoch from expires_at - now()) / 86400 as days from api_tokens",
    );
    expect(rows[0].scopes).toEqual(["export"]);
    expect(Number(rows[0].days)).toBeCloseTo(90, 1);
    // The database refuses what the app would never write.
    await expect(
      t.db.query(
        "insert into api_tokens (user_id, name, token_hash, scopes, expires_at) values ($1, 'x', $2, '{everything}', now() + interval '1 day')",
        [users[0].id, "b".repeat(64)],
      ),
    ).rejects.toThrow(/api_tokens_scopes_known/);
  });
});
