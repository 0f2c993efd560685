import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Config is read once per process: fix it before the modules ask.
const dataDir = mkdtempSync(join(tmpdir(), "policy-test-"));
process.env.DATA_DIR = dataDir;
delete process.env.SESSION_SECRET;

const { can, pseudonymised } = await import("~/lib/server/auth/permissions.server");
const { safeRedirectPath, clientAddress } = await import("~/lib/server/auth/sign-in.server");
const { applySecurityHeaders, contentSecurityPolicy } = await import("~/lib/server/http/security-headers.server");

describe("role permissions (product.md)", () => {
  it("therapists upload, review, edit and export; never administer", () => {
    for (const action of ["upload", "review", "edit", "export"] as const) expect(can({ role: "therapist" }, action)).toBe(true);
    expect(can({ role: "therapist" }, "admin")).toBe(false);
  });
  it("researchers review, export and batch-export; never upload, edit or administer", () => {
    for (const action of ["review", "export", "batch"] as const) expect(can({ role: "researcher" }, action)).toBe(true);
    for (const action of ["upload", "edit", "admin"] as const) expect(can({ role: "researcher" }, action)).toBe(false);
  });
  it("admins may do everything", () => {
    for (const action of ["review", "upload", "edit", "export", "batch", "admin"] as const) expect(can({ role: "admin" }, action)).toBe(true);
  });
  it("an unknown role may do nothing", () => {
    expect(can({ role: "guest" as never }, "review")).toBe(false);
  });
  it("only researchers read pseudonymised data", () => {
    expect(pseudonymised({ role: "researcher" })).toBe(true);
    expect(pseudonymised({ role: "therapist" })).toBe(false);
    expect(pseudonymised({ role: "admin" })).toBe(false);
  });
});

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
