import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Config is read once per process: fix it before the modules ask.
const dataDir = mkdtempSync(join(tmpdir(), "request-safety-test-"));
process.env.DATA_DIR = dataDir;
delete process.env.SESSION_SECRET;

const { safeRedirectPath, clientAddress } = await import("~/lib/server/auth/sign-in.server");
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
  it("takes the first X-Forwarded-For hop, else X-Real-IP, else nothing", () => {
    const req = (headers: Record<string, string>) => new Request("http://x/", { headers });
    expect(clientAddress(req({ "X-Forwarded-For": "203.0.113.7, 10.0.0.1" }))).toBe("203.0.113.7");
    expect(clientAddress(req({ "X-Real-IP": "198.51.100.2" }))).toBe("198.51.100.2");
    expect(clientAddress(req({}))).toBeNull();
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
