/** Content-addressed storage of the original C3D bytes on the file system. */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { blobKey, createFileStorage, sweepTempFiles } from "~/lib/server/storage.server";

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

describe("temp files left by a killed writer", () => {
  it("are removed when the storage opens, unless a live process or another host may still own them", async () => {
    const dir = path.join(root, "crashed");
    const shard = path.join(dir, "ab");
    mkdirSync(shard, { recursive: true });
    const host = os.hostname().replace(/[^A-Za-z0-9-]/g, "_") || "host";
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid; // exited before we look
    const sha = "ab" + "0".repeat(62);
    const name = (h: string, pid: number) => `${sha}.c3d.${h}.${pid}.0123456789ab.tmp`;
    writeFileSync(path.join(shard, name(host, deadPid)), "partial");
    writeFileSync(path.join(shard, name(host, process.ppid)), "a live writer's");
    writeFileSync(path.join(shard, name("other-host", deadPid)), "another host's");

    const storage = createFileStorage(dir);
    await storage.put(new Uint8Array([9, 9, 9])); // writes wait for the sweep
    expect(readdirSync(shard).sort()).toEqual([name(host, process.ppid), name("other-host", deadPid)].sort());
    expect(await sweepTempFiles(dir)).toEqual([]);
  });
});
