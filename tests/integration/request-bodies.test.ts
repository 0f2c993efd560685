/**
 * Every action reads its body through the one form reader (app/lib/server/http/form.server.ts):
 * a body that is not a form, an empty one, a truncated one or one far over the limit is a 4xx with
 * a message — never a 500, and never buffered whole. Signed in as an admin so each action gets as
 * far as reading; sign-in reads before anybody is known, so it is tried anonymously too.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as root from "~/root";
import * as loginRoute from "~/routes/login";
import { createUser } from "~/lib/server/auth/users.server";
import { drainCapBytes, FORM_MAX_BYTES, MB } from "~/lib/server/http/form.server";
import { forEachDriver } from "../support/databases";
import { ACTING_ADMIN } from "../support/users";
import { lazyBody } from "../support/bodies";
import { BASE, Browser, invoke, submit, useAsAppDb, visit } from "./auth-harness";

type Handler = Parameters<typeof invoke>[0];
const SESSION = "00000000-0000-4000-8000-00000000beef";

/** Every route with an action: where it answers, and whether it takes an upload. */
const ACTIONS = [
  { name: "login", load: () => import("~/routes/login"), url: "/login", upload: false },
  { name: "logout", load: () => import("~/routes/logout"), url: "/logout", upload: false },
  { name: "account password", load: () => import("~/routes/account._index"), url: "/account", upload: false },
  { name: "API tokens", load: () => import("~/routes/account.tokens"), url: "/account/tokens", upload: false },
  { name: "user admin", load: () => import("~/routes/admin.users"), url: "/admin/users", upload: false },
  { name: "scoring configuration", load: () => import("~/routes/admin.scoring/route"), url: "/admin/scoring", upload: false },
  {
    name: "session correction",
    load: () => import("~/routes/sessions.$sessionId/route"),
    url: `/sessions/${SESSION}`,
    params: { sessionId: SESSION },
    upload: false,
  },
  { name: "upload", load: () => import("~/routes/sessions.new/route"), url: "/sessions/new", upload: true },
  { name: "quick analysis", load: () => import("~/routes/analyze/route"), url: "/analyze", upload: true },
  { name: "export API upload", load: () => import("~/routes/api.export"), url: "/api/export", upload: true },
];

forEachDriver("request bodies", (t) => {
  useAsAppDb(t);
  const admin = new Browser({}, "198.51.100.200");
  beforeAll(async () => {
    const email = `bodies-${t.driver}@example.org`;
    await createUser(ACTING_ADMIN, { email, displayName: "Bodies", password: "a-long-password-1", role: "admin" }, { db: t.db });
    await visit(admin, root, loginRoute, "/login");
    expect((await submit(admin, loginRoute, "/login", { email, password: "a-long-password-1" })).status).toBe(302);
    await visit(admin, root, null, "/");
  });

  const post = (url: string, body: BodyInit | null, type: string | null) =>
    new Request(BASE + url, {
      method: "POST",
      body,
      headers: { ...(type ? { "Content-Type": type } : {}), Cookie: admin.cookie! },
      duplex: "half",
    });
  const bytes = (text: string) => new TextEncoder().encode(text);

  describe.each(ACTIONS.map((a) => [a.name, a] as const))("%s", (_, route) => {
    it.each([
      ["JSON", bytes('{"csrf":"x"}'), "application/json", 415],
      ["text/plain", bytes("csrf=x"), "text/plain", 415],
      ["no Content-Type", bytes("csrf=x"), null, 415],
      ["an empty body", bytes(""), "application/x-www-form-urlencoded", 400],
      ["truncated multipart", bytes('--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nx'), "multipart/form-data; boundary=b", 400],
    ] as const)("%s → %i", async (_what, body, type, status) => {
      const module = await route.load();
      const answer = await invoke(module.action, post(route.url, body, type), route.params ?? {}, admin.context);
      expect(answer.status).toBe(status);
      const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      expect(text).toMatch(/form|body|multipart|upload/i);
    });

    if (!route.upload) {
      it("a 64 MB body → 413 after reading no more than the drain cap", async () => {
        const module = await route.load();
        const body = lazyBody(64 * MB, "a=1&");
        const answer = await invoke(
          module.action,
          post(route.url, body.stream, "application/x-www-form-urlencoded"),
          route.params ?? {},
          admin.context,
        );
        expect(answer.status).toBe(413);
        expect(body.pulled()).toBeLessThanOrEqual(drainCapBytes(FORM_MAX_BYTES) + 2 * 64 * 1024);
      });
    }
  });

  it("sign-in refuses a huge body before anybody is known (anonymous)", async () => {
    const body = lazyBody(64 * MB, "email=x&");
    const request = new Request(BASE + "/login", {
      method: "POST",
      body: body.stream,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      duplex: "half",
    });
    expect((await invoke(loginRoute.action as Handler, request)).status).toBe(413);
    expect(body.pulled()).toBeLessThan(2 * MB);
  });
});

describe("no action reads a body by itself", () => {
  it("nothing in app/ calls request.formData/json/text/arrayBuffer or Remix's multipart parser outside the form reader", () => {
    const appDir = path.resolve(import.meta.dirname, "../../app");
    const files = readdirSync(appDir, { recursive: true })
      .map(String)
      .filter((f) => /\.(ts|tsx)$/.test(f));
    const offenders = files.filter((f) => {
      if (f === path.join("lib", "server", "http", "form.server.ts")) return false;
      const source = readFileSync(path.join(appDir, f), "utf8");
      return /request\.(formData|json|text|arrayBuffer|blob)\(|unstable_parseMultipartFormData/.test(source);
    });
    expect(offenders).toEqual([]);
  });
});
