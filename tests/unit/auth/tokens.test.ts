import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { API_TOKEN_PREFIX, generateApiToken, hashApiToken, looksLikeApiToken } from "~/lib/server/auth/api-tokens.server";

describe("API tokens", () => {
  it("are the prefix plus 32 random bytes in base64url (43 characters)", () => {
    const token = generateApiToken();
    expect(token.startsWith(API_TOKEN_PREFIX)).toBe(true);
    const body = token.slice(API_TOKEN_PREFIX.length);
    expect(body).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(body, "base64url")).toHaveLength(32);
    expect(looksLikeApiToken(token)).toBe(true);
  });

  it("differ every time", () => {
    const tokens = new Set(Array.from({ length: 100 }, generateApiToken));
    expect(tokens.size).toBe(100);
  });

  it("are stored as the hex SHA-256 of the whole token", () => {
    // Known vector: SHA-256("abc") from FIPS 180-2, appendix B.1.
    expect(hashApiToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const token = generateApiToken();
    const stored = hashApiToken(token);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).toBe(createHash("sha256").update(token).digest("hex"));
    expect(stored).not.toContain(token.slice(API_TOKEN_PREFIX.length));
    expect(hashApiToken(token + "x")).not.toBe(stored);
  });

  it("refuses strings that are not tokens before any lookup", () => {
    expect(looksLikeApiToken("")).toBe(false);
    expect(looksLikeApiToken("Bearer abc")).toBe(false);
    expect(looksLikeApiToken(API_TOKEN_PREFIX + "short")).toBe(false);
    expect(looksLikeApiToken("other_" + "A".repeat(43))).toBe(false);
    expect(looksLikeApiToken(API_TOKEN_PREFIX + "A".repeat(42) + "=")).toBe(false);
  });
});
