/** Content-addressed storage of the original C3D bytes on the file system. */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { blobKey, createFileStorage } from "~/lib/server/storage.server";

const root = mkdtempSync(path.join(os.tmpdir(), "ghostly-storage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("file storage", () => {
  const storage = createFileStorage(path.join(root, "uploads"));
  const bytes = readFileSync(path.resolve("tests/fixtures/c3d/Eb015pi.c3d"));
  const sha = createHash("sha256").update(bytes).digest("hex");

  it("stores bytes under uploads/<aa>/<sha256>.c3d and reads them back", async () => {
    expect(await storage.put(bytes)).toEqual({ sha256: sha, sizeBytes: bytes.byteLength, created: true });
    const file = path.join(root, "uploads", sha.slice(0, 2), `${sha}.c3d`);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(Buffer.from((await storage.get(sha))!).equals(bytes)).toBe(true);
    expect(await storage.has(sha)).toBe(true);
  });

  it("reuses the stored file for identical bytes and leaves no temp files", async () => {
    expect((await storage.put(new Uint8Array(bytes))).created).toBe(false);
    await Promise.all([1, 2, 3].map(() => storage.put(new Uint8Array([1, 2, 3]))));
    const leftovers = readdirSync(path.join(root, "uploads"), { recursive: true }).filter((f) => String(f).endsWith(".tmp"));
    expect(leftovers).toEqual([]);
  });

  it("answers null for an unknown hash and refuses anything that is not a sha256", async () => {
    expect(await storage.get("0".repeat(64))).toBeNull();
    await expect(storage.get("../../etc/passwd")).rejects.toThrow(/not a sha256/);
    expect(() => blobKey("ABC")).toThrow(/not a sha256/);
  });
});
