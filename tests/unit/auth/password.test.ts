import { describe, expect, it } from "vitest";
import { hashPassword, passwordProblem, verifyPassword } from "~/lib/server/auth/passwords.server";

// Cheap parameters keep the suite fast; the scheme and comparison are the same as the default.
const FAST = { N: 1024, r: 8, p: 1 };

describe("password hashing (scrypt)", () => {
  it("verifies the right password and rejects a wrong one", async () => {
    const hash = await hashPassword("correct horse battery", FAST);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("stores parameters and salt with the hash, never the password", async () => {
    const password = "correct horse battery";
    const hash = await hashPassword(password, FAST);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(hash).not.toContain(password);
    expect(hash).not.toContain(Buffer.from(password).toString("base64url"));
    expect(hash).not.toContain(Buffer.from(password).toString("hex"));
  });

  it("uses a fresh salt each time", async () => {
    const a = await hashPassword("same password!", FAST);
    const b = await hashPassword("same password!", FAST);
    expect(a.split("$")[4]).not.toBe(b.split("$")[4]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password!", b)).toBe(true);
  });

  it("uses the default (strong) parameters when none are given", async () => {
    const hash = await hashPassword("default params ok");
    expect(hash.startsWith("scrypt$32768$8$1$")).toBe(true);
    expect(await verifyPassword("default params ok", hash)).toBe(true);
  });

  it("never verifies against a malformed or foreign hash", async () => {
    for (const stored of ["", "plain-text", "bcrypt$2b$10$abc", "scrypt$0$8$1$AA$AA", "scrypt$1024$8$1$$"]) {
      expect(await verifyPassword("anything", stored)).toBe(false);
    }
  });

  it("rejects too-short passwords with a message naming the rule", () => {
    expect(passwordProblem("short")).toBe("Password must be at least 10 characters.");
    expect(passwordProblem("long enough")).toBeNull();
    expect(passwordProblem("x".repeat(257))).toBe("Password must be at most 256 characters.");
  });
});
