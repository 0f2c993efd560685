import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

let csrf: typeof import("~/lib/server/auth/csrf.server");
let cookies: typeof import("~/lib/server/auth/cookie-session.server");
let support: typeof import("../../support/csrf");

beforeAll(async () => {
  process.env.DATA_DIR = mkdtempSync(join(tmpdir(), "csrf-test-"));
  process.env.SESSION_SECRET = "unit-test-secret-unit-test-secret-0123456789";
  csrf = await import("~/lib/server/auth/csrf.server");
  cookies = await import("~/lib/server/auth/cookie-session.server");
  support = await import("../../support/csrf");
});

/** A browser that has loaded a page: a session cookie holding a CSRF token. */
async function browserWithToken() {
  const first = new Request("http://localhost/login");
  const { token, headers } = await support.csrfTokenFor(first);
  const setCookie = new Headers(headers).get("Set-Cookie");
  expect(setCookie).toBeTruthy();
  const cookie = setCookie!.split(";")[0];
  return { token, cookie };
}

function post(cookie: string | null, fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const headers = new Headers();
  if (cookie) headers.set("Cookie", cookie);
  return { request: new Request("http://localhost/logout", { method: "POST", headers }), form };
}

async function statusOf(promise: Promise<unknown>): Promise<number | "accepted"> {
  try {
    await promise;
    return "accepted";
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

describe("CSRF", () => {
  it("accepts the session's own token", async () => {
    const { token, cookie } = await browserWithToken();
    const { request, form } = post(cookie, { csrf: token });
    expect(await statusOf(csrf.requireCsrf(request, form))).toBe("accepted");
  });

  it("keeps the same token for the session (no new cookie on the next page)", async () => {
    const { token, cookie } = await browserWithToken();
    const again = await support.csrfTokenFor(new Request("http://localhost/", { headers: { Cookie: cookie } }));
    expect(again.token).toBe(token);
    expect(new Headers(again.headers).get("Set-Cookie")).toBeNull();
  });

  it("rejects a missing, wrong, or other session's token with 403", async () => {
    const a = await browserWithToken();
    const b = await browserWithToken();
    expect(a.token).not.toBe(b.token);
    for (const [cookie, fields] of [
      [a.cookie, {}],
      [a.cookie, { csrf: "" }],
      [a.cookie, { csrf: a.token.slice(0, -1) }],
      [a.cookie, { csrf: b.token }],
      [null, { csrf: a.token }],
    ] as const) {
      const { request, form } = post(cookie, fields);
      expect(await statusOf(csrf.requireCsrf(request, form))).toBe(403);
    }
  });

  it("rejects a tampered cookie (signature no longer matches)", async () => {
    const { token, cookie } = await browserWithToken();
    const [name, value] = cookie.split("=");
    const tampered = `${name}=${value.slice(0, 5)}${value[5] === "A" ? "B" : "A"}${value.slice(6)}`;
    const { request, form } = post(tampered, { csrf: token });
    expect(await statusOf(csrf.requireCsrf(request, form))).toBe(403);
  });

  it("compares tokens only when both are non-empty strings", () => {
    expect(csrf.csrfTokensMatch("abc", "abc")).toBe(true);
    expect(csrf.csrfTokensMatch("abc", "abd")).toBe(false);
    expect(csrf.csrfTokensMatch(undefined, undefined)).toBe(false);
    expect(csrf.csrfTokensMatch("", "")).toBe(false);
    expect(csrf.csrfTokensMatch("abc", null)).toBe(false);
  });

  it("sets the session cookie HttpOnly, SameSite=Lax, path /, Secure only when the request URL is https", async () => {
    const http = await support.csrfTokenFor(new Request("http://localhost/login"));
    const plain = new Headers(http.headers).get("Set-Cookie")!;
    expect(plain).toMatch(/HttpOnly/);
    expect(plain).toMatch(/SameSite=Lax/);
    expect(plain).toMatch(/Path=\//);
    expect(plain).not.toMatch(/Secure/);
    const https = await support.csrfTokenFor(new Request("https://example.org/login"));
    expect(new Headers(https.headers).get("Set-Cookie")).toMatch(/; Secure/);
    // The request URL decides: server.js makes it https from a trusted proxy's X-Forwarded-Proto
    // (TRUST_PROXY); a client's own header never reaches that far.
    const claimed = await support.csrfTokenFor(new Request("http://internal:3000/login", { headers: { "X-Forwarded-Proto": "https" } }));
    expect(new Headers(claimed.headers).get("Set-Cookie")).not.toMatch(/Secure/);
    expect(cookies.isHttpsRequest(new Request("https://x/", { headers: { "X-Forwarded-Proto": "http" } }))).toBe(true);
  });
});
