import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Config is read once per process: fix it before the modules ask.
const dataDir = mkdtempSync(join(tmpdir(), "request-safety-test-"));
process.env.DATA_DIR = dataDir;
delete process.env.SESSION_SECRET;

const { safeRedirectPath } = await import("~/lib/server/auth/sign-in.server");
const { clientAddress } = await import("~/lib/server/http/client-address.server");
const { isHttpsRequest } = await import("~/lib/server/auth/cookie-session.server");
const { applySecurityHeaders, contentSecurityPolicy } = await import("~/lib/server/http/security-headers.server");

// The permission table and pseudonymisation rules: tests/unit/policy/permissions.test.ts.

describe("safeRedirectPath", () => {
  it("keeps same-site paths with their query", () => {
    expect(safeRedirectPath("/sessions?patient=P001")).toBe("/sessions?patient=P001");
  });
  it("refuses other sites, protocol-relative and backslash tricks", () => {
    for (const bad of ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", null, undefined, "/a\nb"]) {
      expect(safeRedirectPath(bad, "/home")).toBe("/home");
    }
  });
});

describe("clientAddress", () => {
  it("is what the server entry put in the load context, IPv4-mapped addresses unwrapped; never a header", () => {
    expect(clientAddress({ clientAddress: "203.0.113.7" })).toBe("203.0.113.7");
    expect(clientAddress({ clientAddress: "::ffff:198.51.100.2" })).toBe("198.51.100.2");
    expect(clientAddress({ clientAddress: "2001:DB8::1" })).toBe("2001:db8::1");
    expect(clientAddress({})).toBeNull();
    expect(clientAddress(undefined)).toBeNull();
  });
  it("https is the request URL's scheme only: a client's X-Forwarded-Proto does not decide", () => {
    expect(isHttpsRequest(new Request("http://x/", { headers: { "X-Forwarded-Proto": "https" } }))).toBe(false);
    expect(isHttpsRequest(new Request("https://x/"))).toBe(true);
  });
});

describe("security headers", () => {
  it("documents: nonce'd scripts only, no framing, no plugins, nosniff, same-origin referrer", () => {
    const headers = applySecurityHeaders(new Headers(), new Request("http://x/"), "abc123");
    const csp = headers.get("Content-Security-Policy")!;
    expect(csp).toContain("script-src 'self' 'nonce-abc123'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toBe(contentSecurityPolicy("abc123"));
    expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(headers.get("Referrer-Policy")).toBe("same-origin");
    expect(headers.get("X-Frame-Options")).toBe("DENY");
    expect(headers.get("Strict-Transport-Security")).toBeNull();
    expect(headers.get("Cache-Control")).toBe("private, no-store");
  });
  it("keeps a Cache-Control the route chose", () => {
    const headers = applySecurityHeaders(new Headers({ "Cache-Control": "public, max-age=300" }), new Request("http://x/"), "n");
    expect(headers.get("Cache-Control")).toBe("public, max-age=300");
  });
  it("non-documents: nothing may load or run; HSTS over https", () => {
    const headers = applySecurityHeaders(new Headers(), new Request("https://x/"));
    expect(headers.get("Content-Security-Policy")).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    expect(headers.get("Strict-Transport-Security")).toMatch(/^max-age=\d+/);
  });
});

// The generated session secret lives in the database now: tests/integration/auth-shared-state.test.ts.
