/**
 * Who gets what: every page and API route × every kind of caller → the expected answer.
 * Pages run like a browser request (root loader, then the page's loader); anonymous-like callers
 * are also sent to the page loader alone, so a page that forgot requireUser fails here even though
 * the root loader would have caught it. A session or patient that exists but is not the caller's
 * must answer exactly like one that does not exist (404).
 *
 * Adding a route? Add a row: the last test fails while a file in app/routes has none.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as root from "~/root";
import * as loginRoute from "~/routes/login";
import { createUser, setActive } from "~/lib/server/auth/users.server";
import { createApiToken, revokeApiToken } from "~/lib/server/auth/api-tokens.server";
import { storeAnalysis } from "~/lib/server/repositories/sessions/write.server";
import { createFileStorage } from "~/lib/server/storage/blobs.server";
import type { Caller } from "~/lib/server/auth/caller.server";
import { buildAnalysis, fakeC3dBytes } from "../support/analysis";
import { forEachDriver } from "../support/databases";
import { ACTING_ADMIN } from "../support/users";
import { BASE, Browser, invoke, submit, useAsAppDb, visit, type Answer } from "./auth-harness";

const WHO = [
  "anonymous",
  "therapistA",
  "therapistB",
  "researcher",
  "admin",
  "token",
  "revokedToken",
  "deactivated",
  "uploadToken",
  "expiredToken",
] as const;
type Who = (typeof WHO)[number];

/** An HTTP status, or "login": a redirect to /login?redirectTo=<this page>. */
type Expected = number | "login";
type Row = {
  file: string;
  name: string;
  kind: "page" | "api";
  method?: "GET" | "POST";
  load: () => Promise<Record<string, unknown>>;
  url: (ids: Ids) => string;
  params?: (ids: Ids) => Record<string, string>;
  /** Form fields for POST rows (the CSRF token is added for cookie callers). */
  form?: Record<string, string>;
  /** The row ends the caller's session (sign-out): signed-in callers use a session of their own for it. */
  ownSession?: true;
  /** A JSON body for POST API rows instead of a form (the CSRF token goes in the X-CSRF-Token header). */
  json?: Record<string, unknown>;
  expect: Record<Who, Expected>;
};
interface Ids {
  sessionA: string;
  sessionB: string;
}

const MISSING_SESSION = "00000000-0000-4000-8000-00000000dead";

// Column order: anonymous, therapistA, therapistB, researcher, admin, token (therapist A's, scope export),
// revokedToken, deactivated, uploadToken (therapist A's, scope upload only), expiredToken (therapist A's, expired).
type Columns = [Expected, Expected, Expected, Expected, Expected, Expected, Expected, Expected, Expected, Expected];
const row = (values: Columns) => Object.fromEntries(WHO.map((w, i) => [w, values[i]])) as Record<Who, Expected>;

/** A page every signed-in user may open. Tokens authenticate the API only: on pages they count as anonymous. */
const ANY_SIGNED_IN_PAGE = row(["login", 200, 200, 200, 200, "login", "login", "login", "login", "login"]);
const ADMIN_PAGE = row(["login", 403, 403, 403, 200, "login", "login", "login", "login", "login"]);
const UPLOAD_PAGE = row(["login", 200, 200, 403, 200, "login", "login", "login", "login", "login"]);
const NOT_FOUND_PAGE = row(["login", 404, 404, 404, 404, "login", "login", "login", "login", "login"]);
const API_OWNER_ONLY = row([401, 200, 404, 200, 200, 200, 401, 401, 403, 401]);
const API_ANY_SIGNED_IN = row([401, 200, 200, 200, 200, 200, 401, 401, 403, 401]);
const API_NOT_FOUND = row([401, 404, 404, 404, 404, 404, 401, 401, 403, 401]);
const PUBLIC = row([200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);

const ROWS: Row[] = [
  {
    file: "_index.tsx",
    name: "start page",
    kind: "page",
    load: () => import("~/routes/_index"),
    url: () => "/",
    expect: ANY_SIGNED_IN_PAGE,
  },
  {
    file: "sessions._index/route.tsx",
    name: "session list",
    kind: "page",
    load: () => import("~/routes/sessions._index/route"),
    url: () => "/sessions",
    expect: ANY_SIGNED_IN_PAGE,
  },
  {
    file: "sessions.new/route.tsx",
    name: "upload page",
    kind: "page",
    load: () => import("~/routes/sessions.new/route"),
    url: () => "/sessions/new",
    expect: UPLOAD_PAGE,
  },
  {
    file: "patients.$code/route.tsx",
    name: "patient of therapist A",
    kind: "page",
    load: () => import("~/routes/patients.$code/route"),
    url: () => "/patients/P001",
    params: () => ({ code: "P001" }),
    expect: row(["login", 200, 404, 200, 200, "login", "login", "login", "login", "login"]),
  },
  {
    file: "patients.$code/route.tsx",
    name: "patient that does not exist",
    kind: "page",
    load: () => import("~/routes/patients.$code/route"),
    url: () => "/patients/P999",
    params: () => ({ code: "P999" }),
    expect: NOT_FOUND_PAGE,
  },
  {
    file: "patients.$code_.compare/route.tsx",
    name: "comparison of two sessions of therapist A's patient",
    kind: "page",
    load: () => import("~/routes/patients.$code_.compare/route"),
    url: (ids) => `/patients/P001/compare?a=${ids.sessionA}&b=${ids.sessionA}`,
    params: () => ({ code: "P001" }),
    expect: row(["login", 200, 404, 200, 200, "login", "login", "login", "login", "login"]),
  },
  {
    file: "exports/route.tsx",
    name: "cohort export page",
    kind: "page",
    load: () => import("~/routes/exports/route"),
    url: () => "/exports",
    expect: ANY_SIGNED_IN_PAGE,
  },
  {
    file: "analyze/route.tsx",
    name: "quick analysis page",
    kind: "page",
    load: () => import("~/routes/analyze/route"),
    url: () => "/analyze",
    expect: ANY_SIGNED_IN_PAGE,
  },
  {
    file: "sessions.$sessionId/route.tsx",
    name: "review therapist A's session",
    kind: "page",
    load: () => import("~/routes/sessions.$sessionId/route"),
    url: (ids) => `/sessions/${ids.sessionA}`,
    params: (ids) => ({ sessionId: ids.sessionA }),
    expect: row(["login", 200, 404, 200, 200, "login", "login", "login", "login", "login"]),
  },
  {
    file: "sessions.$sessionId/route.tsx",
    name: "review a session that does not exist",
    kind: "page",
    load: () => import("~/routes/sessions.$sessionId/route"),
    url: () => `/sessions/${MISSING_SESSION}`,
    params: () => ({ sessionId: MISSING_SESSION }),
    expect: NOT_FOUND_PAGE,
  },
  {
    file: "sessions.$sessionId/route.tsx",
    name: "correct therapist A's session inputs (POST)",
    kind: "page",
    method: "POST",
    load: () => import("~/routes/sessions.$sessionId/route"),
    url: (ids) => `/sessions/${ids.sessionA}`,
    params: (ids) => ({ sessionId: ids.sessionA }),
    form: { rpe_post_session: "5" },
    // Saved → redirect back to the review page; researchers may not edit; B must not learn it exists.
    expect: row(["login", 302, 404, 403, 302, "login", "login", "login", "login", "login"]),
  },
  {
    file: "account.tsx",
    name: "account",
    kind: "page",
    load: () => import("~/routes/account"),
    url: () => "/account",
    expect: ANY_SIGNED_IN_PAGE,
  },
  {
    file: "account._index.tsx",
    name: "account password",
    kind: "page",
    load: () => import("~/routes/account._index"),
    url: () => "/account",
    expect: ANY_SIGNED_IN_PAGE,
  },
  {
    file: "account.tokens.tsx",
    name: "API tokens",
    kind: "page",
    load: () => import("~/routes/account.tokens"),
    url: () => "/account/tokens",
    expect: ANY_SIGNED_IN_PAGE,
  },
  {
    file: "admin.users.tsx",
    name: "user admin",
    kind: "page",
    load: () => import("~/routes/admin.users"),
    url: () => "/admin/users",
    expect: ADMIN_PAGE,
  },
  {
    file: "admin.users.tsx",
    name: "user admin: create a user (POST)",
    kind: "page",
    method: "POST",
    load: () => import("~/routes/admin.users"),
    url: () => "/admin/users",
    form: { intent: "create", displayName: "New", email: "", role: "therapist", password: "a-long-password-9" },
    expect: row(["login", 403, 403, 403, 200, "login", "login", "login", "login", "login"]),
  },
  {
    file: "admin.scoring/route.tsx",
    name: "scoring configuration",
    kind: "page",
    load: () => import("~/routes/admin.scoring/route"),
    url: () => "/admin/scoring",
    expect: ADMIN_PAGE,
  },
  {
    file: "admin.scoring/route.tsx",
    name: "scoring configuration: save an invalid one (POST)",
    kind: "page",
    method: "POST",
    load: () => import("~/routes/admin.scoring/route"),
    url: () => "/admin/scoring",
    form: { name: "" },
    // Only the admin gets as far as validation.
    expect: row(["login", 403, 403, 403, 422, "login", "login", "login", "login", "login"]),
  },
  {
    file: "admin.exports.tsx",
    name: "export history",
    kind: "page",
    load: () => import("~/routes/admin.exports"),
    url: () => "/admin/exports",
    expect: ADMIN_PAGE,
  },
  // Public pages: the sign-in page sends signed-in users on; /setup no longer exists once a user does.
  {
    file: "login.tsx",
    name: "sign-in page",
    kind: "page",
    load: () => import("~/routes/login"),
    url: () => "/login",
    expect: row([200, 302, 302, 302, 302, 200, 200, 200, 200, 200]),
  },
  {
    file: "setup.tsx",
    name: "first-run setup",
    kind: "page",
    load: () => import("~/routes/setup"),
    url: () => "/setup",
    expect: row([404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
  },
  {
    file: "logout.tsx",
    name: "sign out (POST)",
    kind: "page",
    method: "POST",
    load: () => import("~/routes/logout"),
    url: () => "/logout",
    form: {},
    ownSession: true,
    // Callers without a session cookie have no CSRF token: 403 (nothing to sign out of anyway).
    // The anonymous browser has one from the sign-in page it loaded.
    expect: row([302, 302, 302, 302, 302, 403, 403, 302, 403, 403]),
  },
  {
    file: "api.export_.session.$sessionId.ts",
    name: "export therapist A's session (json)",
    kind: "api",
    load: () => import("~/routes/api.export_.session.$sessionId"),
    url: (ids) => `/api/export/session/${ids.sessionA}?format=json`,
    params: (ids) => ({ sessionId: ids.sessionA }),
    expect: API_OWNER_ONLY,
  },
  {
    file: "api.export_.session.$sessionId.ts",
    name: "export therapist A's session (csv)",
    kind: "api",
    load: () => import("~/routes/api.export_.session.$sessionId"),
    url: (ids) => `/api/export/session/${ids.sessionA}?format=csv`,
    params: (ids) => ({ sessionId: ids.sessionA }),
    expect: API_OWNER_ONLY,
  },
  {
    file: "api.export_.session.$sessionId.ts",
    name: "export a session that does not exist",
    kind: "api",
    load: () => import("~/routes/api.export_.session.$sessionId"),
    url: () => `/api/export/session/${MISSING_SESSION}?format=json`,
    params: () => ({ sessionId: MISSING_SESSION }),
    expect: API_NOT_FOUND,
  },
  {
    file: "api.export_.session.$sessionId.ts",
    name: "PDF report of therapist A's session",
    kind: "api",
    load: () => import("~/routes/api.export_.session.$sessionId"),
    url: (ids) => `/api/export/session/${ids.sessionA}?format=pdf`,
    params: (ids) => ({ sessionId: ids.sessionA }),
    expect: API_OWNER_ONLY,
  },
  {
    file: "api.export_.session.$sessionId.ts",
    name: "workbook of therapist A's session",
    kind: "api",
    load: () => import("~/routes/api.export_.session.$sessionId"),
    url: (ids) => `/api/export/session/${ids.sessionA}?format=xlsx`,
    params: (ids) => ({ sessionId: ids.sessionA }),
    expect: API_OWNER_ONLY,
  },
  {
    file: "api.export_.sessions.ts",
    name: "batch workbook",
    kind: "api",
    load: () => import("~/routes/api.export_.sessions"),
    url: () => "/api/export/sessions?format=xlsx",
    expect: API_ANY_SIGNED_IN,
  },
  {
    file: "api.export_.patient.$code/route.ts",
    name: "progress report of therapist A's patient",
    kind: "api",
    load: () => import("~/routes/api.export_.patient.$code/route"),
    url: () => "/api/export/patient/P001?format=pdf",
    params: () => ({ code: "P001" }),
    expect: API_OWNER_ONLY,
  },
  {
    file: "api.export_.patient.$code/route.ts",
    name: "progress report of a patient that does not exist",
    kind: "api",
    load: () => import("~/routes/api.export_.patient.$code/route"),
    url: () => "/api/export/patient/P999?format=pdf",
    params: () => ({ code: "P999" }),
    expect: API_NOT_FOUND,
  },
  {
    file: "api.export_.sessions.ts",
    name: "batch export",
    kind: "api",
    load: () => import("~/routes/api.export_.sessions"),
    url: () => "/api/export/sessions?format=csv",
    expect: API_ANY_SIGNED_IN,
  },
  {
    file: "api.export.ts",
    name: "upload export without a file (POST)",
    kind: "api",
    method: "POST",
    load: () => import("~/routes/api.export"),
    url: () => "/api/export",
    form: { export_format: "json" },
    // Authenticated callers get past access control and meet the missing-file check (400).
    expect: row([401, 400, 400, 400, 400, 400, 401, 401, 403, 401]),
  },
  {
    file: "api.sessions.ts",
    name: "upload API without a multipart body (POST)",
    kind: "api",
    method: "POST",
    load: () => import("~/routes/api.sessions"),
    url: () => "/api/sessions",
    form: { patient_code: "P001" },
    // Callers allowed to upload meet the body check (400); a researcher's role and an export-only token may not (403).
    expect: row([401, 400, 400, 403, 400, 403, 401, 401, 400, 401]),
  },
  {
    file: "api.export_.schema[.]json.ts",
    name: "export JSON Schema (no health data)",
    kind: "api",
    load: () => import("~/routes/api.export_.schema[.]json"),
    url: () => "/api/export/schema.json",
    expect: PUBLIC,
  },
  {
    file: "api.sessions.$sessionId_.history.ts",
    name: "history of therapist A's session",
    kind: "api",
    load: () => import("~/routes/api.sessions.$sessionId_.history"),
    url: (ids) => `/api/sessions/${ids.sessionA}/history`,
    params: (ids) => ({ sessionId: ids.sessionA }),
    expect: API_OWNER_ONLY,
  },
  {
    file: "api.sessions.$sessionId_.history.ts",
    name: "history of a missing session",
    kind: "api",
    load: () => import("~/routes/api.sessions.$sessionId_.history"),
    url: () => `/api/sessions/${MISSING_SESSION}/history`,
    params: () => ({ sessionId: MISSING_SESSION }),
    expect: API_NOT_FOUND,
  },
  {
    // The matrix's sessions are stored without their file in the app's storage: a permitted caller gets 409.
    file: "api.sessions.$sessionId_.reprocess.ts",
    name: "re-process therapist A's session (POST)",
    kind: "api",
    method: "POST",
    load: () => import("~/routes/api.sessions.$sessionId_.reprocess"),
    url: (ids) => `/api/sessions/${ids.sessionA}/reprocess`,
    params: (ids) => ({ sessionId: ids.sessionA }),
    json: {},
    // The matrix token has the default (export) scope: re-processing needs "manage".
    expect: row([401, 409, 404, 403, 409, 403, 401, 401, 403, 401]),
  },
  {
    file: "api.sessions.$sessionId_.reprocess.ts",
    name: "re-process with a bad field (POST)",
    kind: "api",
    method: "POST",
    load: () => import("~/routes/api.sessions.$sessionId_.reprocess"),
    url: (ids) => `/api/sessions/${ids.sessionA}/reprocess`,
    params: (ids) => ({ sessionId: ids.sessionA }),
    json: { rms_window_ms: "wide" },
    // Another therapist learns nothing about the session, not even that the field is bad.
    expect: row([401, 400, 404, 403, 400, 403, 401, 401, 403, 401]),
  },
  { file: "healthz.ts", name: "health check", kind: "api", load: () => import("~/routes/healthz"), url: () => "/healthz", expect: PUBLIC },
];

forEachDriver("access matrix", (t) => {
  useAsAppDb(t);
  const tag = t.driver;
  const PASSWORD = "matrix-password-1";
  const ids: Ids = { sessionA: "", sessionB: "" };
  const callers = {} as Record<Who, Browser>;
  const users = {} as Record<"therapistA" | "therapistB" | "researcher" | "admin", Caller & { email: string; displayName: string }>;

  beforeAll(async () => {
    for (const [who, role, name] of [
      ["admin", "admin", "Matrix Admin"],
      ["therapistA", "therapist", "Dr. Alice Matrix"],
      ["therapistB", "therapist", "Dr. Bob Matrix"],
      ["researcher", "researcher", "Rita Researcher"],
    ] as const) {
      const email = `${who.toLowerCase()}-${tag}@matrix.test`;
      const user = await createUser(ACTING_ADMIN, { email, displayName: name, password: PASSWORD, role }, { db: t.db });
      users[who] = { userId: user.id, role, email, displayName: name };
    }
    const deactivated = await createUser(
      ACTING_ADMIN,
      {
        email: `gone-${tag}@matrix.test`,
        displayName: "Gone",
        password: PASSWORD,
        role: "therapist",
      },
      { db: t.db },
    );

    const storage = createFileStorage(path.join(t.tempDir, "uploads"));
    const store = async (caller: Caller, patientCode: string) => {
      const bytes = fakeC3dBytes();
      return (await storeAnalysis(caller, { patientCode, analysis: buildAnalysis(bytes), bytes }, { db: t.db, storage })).sessionId;
    };
    ids.sessionA = await store(users.therapistA, "P001");
    ids.sessionB = await store(users.therapistB, "P002");

    signIn = async (email: string) => {
      const browser = new Browser();
      await visit(browser, root, loginRoute, "/login");
      const answer = await submit(browser, loginRoute, "/login", { email, password: PASSWORD });
      expect(answer.status, `sign-in ${email}`).toBe(302);
      await visit(browser, root, null, "/");
      return browser;
    };
    callers.anonymous = new Browser();
    await visit(callers.anonymous, root, loginRoute, "/login");
    for (const who of ["therapistA", "therapistB", "researcher", "admin"] as const) callers[who] = await signIn(users[who].email);
    callers.deactivated = await signIn(deactivated.email);
    await setActive(ACTING_ADMIN, deactivated.id, false, { db: t.db });

    const { token } = await createApiToken(users.therapistA, "matrix", { db: t.db });
    callers.token = new Browser({ Authorization: `Bearer ${token}` });
    const revoked = await createApiToken(users.therapistA, "revoked", { db: t.db });
    await revokeApiToken(users.therapistA, revoked.record.id, { db: t.db });
    callers.revokedToken = new Browser({ Authorization: `Bearer ${revoked.token}` });
    const uploadOnly = await createApiToken(users.therapistA, "upload only", { db: t.db, scopes: ["upload"] });
    callers.uploadToken = new Browser({ Authorization: `Bearer ${uploadOnly.token}` });
    const expired = await createApiToken(users.therapistA, "expired", { db: t.db, scopes: ["export"], days: 1 });
    await t.db.query("update api_tokens set created_at = now() - interval '2 days', expires_at = now() - interval '1 day' where id = $1", [
      expired.record.id,
    ]);
    callers.expiredToken = new Browser({ Authorization: `Bearer ${expired.token}` });
  });

  let signIn: (email: string) => Promise<Browser>;

  async function request(row: Row, who: Who): Promise<Answer> {
    const signedIn = who === "therapistA" || who === "therapistB" || who === "researcher" || who === "admin";
    const browser = row.ownSession && signedIn ? await signIn(users[who].email) : callers[who];
    const module = await row.load();
    const url = row.url(ids);
    const params = row.params?.(ids) ?? {};
    type Handler = Parameters<typeof invoke>[0];
    if (row.method === "POST") {
      const fields = { ...row.form, ...(row.form?.email === "" ? { email: `new-${who}-${tag}-${Date.now()}@matrix.test` } : {}) };
      const csrf = browser.csrf ?? "";
      if (row.json) {
        const req = new Request(BASE + url, {
          method: "POST",
          headers: {
            ...browser.headers,
            ...(browser.cookie ? { Cookie: browser.cookie, "X-CSRF-Token": csrf } : {}),
            "Content-Type": "application/json",
          },
          body: JSON.stringify(row.json),
        });
        return invoke(module.action as Handler, req, params);
      }
      const req = new Request(BASE + url, {
        method: "POST",
        headers: {
          ...browser.headers,
          ...(browser.cookie ? { Cookie: browser.cookie } : {}),
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ csrf, ...fields }),
      });
      return invoke(module.action as Handler, req, params);
    }
    if (row.kind === "page") {
      const { root: layout, page } = await visit(new BrowserCopy(browser), root, module, url, params);
      return layout.status !== 200 ? layout : (page ?? layout);
    }
    return invoke(module.loader as Handler, browser.get(url), params);
  }

  /** Visiting must not change the shared callers' cookies (e.g. the deactivated user's). */
  class BrowserCopy extends Browser {
    constructor(from: Browser) {
      super(from.headers);
      this.cookie = from.cookie;
      this.csrf = from.csrf;
    }
  }

  function check(answer: Answer, expected: Expected, url: string, label: string) {
    if (expected === "login") {
      expect(answer.status, label).toBe(302);
      const back = url === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(url)}`;
      expect(answer.location, label).toBe(back);
    } else {
      expect(answer.status, label).toBe(expected);
    }
  }

  describe.each(ROWS.map((r) => [`${r.method ?? "GET"} ${r.name}`, r] as const))("%s", (_, r) => {
    it.each(WHO.map((w) => [w]))("as %s", async (who) => {
      const answer = await request(r, who);
      check(answer, r.expect[who], r.url(ids), `${r.method ?? "GET"} ${r.url(ids)} as ${who}`);
      if (r.kind === "page" && r.expect[who] === "login" && r.method !== "POST") {
        // Defence in depth: the page's own loader refuses too, without the root loader's help.
        const module = await r.load();
        if (module.loader) {
          const alone = await invoke(module.loader as Parameters<typeof invoke>[0], callers[who].get(r.url(ids)), r.params?.(ids) ?? {});
          expect(alone.status, `${r.file} loader alone as ${who}`).toBe(302);
          expect(alone.location ?? "", `${r.file} loader alone as ${who}`).toMatch(/^\/login/);
        }
      }
    });
  });

  describe("what a caller sees", () => {
    it("another therapist's session answers exactly like a missing one", async () => {
      const route = await import("~/routes/api.export_.session.$sessionId");
      const other = await invoke(route.loader, callers.therapistB.get(`/api/export/session/${ids.sessionA}?format=json`), {
        sessionId: ids.sessionA,
      });
      const missing = await invoke(route.loader, callers.therapistB.get(`/api/export/session/${MISSING_SESSION}?format=json`), {
        sessionId: MISSING_SESSION,
      });
      expect(other.status).toBe(404);
      const normalise = (a: Answer) => JSON.stringify(a.body).replaceAll(ids.sessionA, "<id>").replaceAll(MISSING_SESSION, "<id>");
      expect(normalise(other)).toBe(normalise(missing));
      expect(other.headers.get("Content-Type")).toBe(missing.headers.get("Content-Type"));
    });

    it("a token beyond its scope is told which scope it lacks; an expired one that it expired", async () => {
      const batch = await import("~/routes/api.export_.sessions");
      const scoped = await invoke(batch.loader, callers.uploadToken.get("/api/export/sessions?format=csv"));
      expect(scoped.status).toBe(403);
      expect((scoped.body as { error: string }).error).toMatch(/lacks the scope 'export'/);
      const expired = await invoke(batch.loader, callers.expiredToken.get("/api/export/sessions?format=csv"));
      expect(expired.status).toBe(401);
      expect((expired.body as { error: string }).error).toMatch(/expired/);
    });

    it("a researcher's exports contain no therapist identity", async () => {
      const single = await import("~/routes/api.export_.session.$sessionId");
      const batch = await import("~/routes/api.export_.sessions");
      const json = await invoke(single.loader, callers.researcher.get(`/api/export/session/${ids.sessionA}?format=json`), {
        sessionId: ids.sessionA,
      });
      const csv = await invoke(single.loader, callers.researcher.get(`/api/export/session/${ids.sessionA}?format=csv`), {
        sessionId: ids.sessionA,
      });
      const all = await invoke(batch.loader, callers.researcher.get(`/api/export/sessions?format=csv`));
      expect((json.body as { session: { patient_code: string } }).session.patient_code).toBe("P001");
      for (const [what, answer] of [
        ["json", json],
        ["csv", csv],
        ["batch csv", all],
      ] as const) {
        expect(answer.status, what).toBe(200);
        const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
        for (const therapist of [users.therapistA, users.therapistB]) {
          expect(text, what).not.toContain(therapist.displayName);
          expect(text, what).not.toContain(therapist.email);
          expect(text, what).not.toContain(therapist.userId);
        }
      }
      // The same export for the owner does name the therapist (so the check above can fail).
      const own = await invoke(single.loader, callers.therapistA.get(`/api/export/session/${ids.sessionA}?format=json`), {
        sessionId: ids.sessionA,
      });
      expect(JSON.stringify(own.body)).toContain(users.therapistA.displayName);
    });

    it("a researcher's pages contain no therapist identity either", async () => {
      const pages: { load: () => Promise<Record<string, unknown>>; url: string; params: Record<string, string> }[] = [
        { load: () => import("~/routes/sessions._index/route"), url: "/sessions", params: {} },
        { load: () => import("~/routes/sessions.$sessionId/route"), url: `/sessions/${ids.sessionA}`, params: { sessionId: ids.sessionA } },
        { load: () => import("~/routes/patients.$code/route"), url: "/patients/P001", params: { code: "P001" } },
        {
          load: () => import("~/routes/patients.$code_.compare/route"),
          url: `/patients/P001/compare?a=${ids.sessionA}&b=${ids.sessionA}`,
          params: { code: "P001" },
        },
        { load: () => import("~/routes/exports/route"), url: "/exports", params: {} },
      ];
      for (const page of pages) {
        const module = await page.load();
        const answer = await invoke(module.loader as Parameters<typeof invoke>[0], callers.researcher.get(page.url), page.params);
        expect(answer.status, page.url).toBe(200);
        const text = JSON.stringify(answer.body);
        expect(text, page.url).toContain("P001");
        for (const therapist of [users.therapistA, users.therapistB]) {
          expect(text, page.url).not.toContain(therapist.displayName);
          expect(text, page.url).not.toContain(therapist.email);
          expect(text, page.url).not.toContain(therapist.userId);
        }
      }
    });

    it("batch exports hold only the caller's sessions (all of them for researchers and admins)", async () => {
      const batch = await import("~/routes/api.export_.sessions");
      const csvFor = async (who: Who) => String((await invoke(batch.loader, callers[who].get("/api/export/sessions?format=csv"))).body);
      const a = await csvFor("therapistA");
      expect(a).toContain(ids.sessionA);
      expect(a).not.toContain(ids.sessionB);
      const b = await csvFor("therapistB");
      expect(b).toContain(ids.sessionB);
      expect(b).not.toContain(ids.sessionA);
      const token = await csvFor("token");
      expect(token).toContain(ids.sessionA);
      expect(token).not.toContain(ids.sessionB);
      for (const who of ["researcher", "admin"] as const) {
        const text = await csvFor(who);
        expect(text, who).toContain(ids.sessionA);
        expect(text, who).toContain(ids.sessionB);
      }
    });
  });
});

describe("the matrix covers every route", () => {
  it("has a row for every file in app/routes", () => {
    // A route is a module in app/routes, or the route.tsx of a route folder (its other files are not routes).
    const routesDir = path.resolve(__dirname, "../../app/routes");
    const files = readdirSync(routesDir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? readdirSync(path.join(routesDir, entry.name))
            .filter((f) => /^route\.(tsx?|jsx?)$/.test(f))
            .map((f) => `${entry.name}/${f}`)
        : /\.(tsx?|jsx?)$/.test(entry.name)
          ? [entry.name]
          : [],
    );
    const covered = new Set(ROWS.map((r) => r.file));
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
  });
});
