/**
 * Object storage and the content-addressed raw C3D files, on every adapter: the local directory,
 * S3 (against s3rver, a real S3-protocol server started here) and Supabase Storage (against the
 * stand-in of tests/support/supabase-storage.ts).
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "~/lib/server/http/config.server";
import { type BlobStorage, blobKey, createBlobStorage, createFileStorage } from "~/lib/server/storage/blobs.server";
import { createStorage } from "~/lib/server/storage/connection.server";
import { createLocalObjectStore, sweepTempFiles } from "~/lib/server/storage/local.server";
import { listAll, ObjectKeyError, type ObjectStore } from "~/lib/server/storage/objects.server";
import { createS3ObjectStore } from "~/lib/server/storage/s3.server";
import { createSupabaseObjectStore } from "~/lib/server/storage/supabase.server";
import { type S3Server, startS3 } from "../support/s3";
import { startSupabaseStorage, type SupabaseStorageStandIn } from "../support/supabase-storage";

const root = mkdtempSync(path.join(os.tmpdir(), "ghostly-storage-"));
let s3: S3Server;
let supabase: SupabaseStorageStandIn;
beforeAll(async () => {
  [s3, supabase] = await Promise.all([startS3(), startSupabaseStorage()]);
});
afterAll(async () => {
  await Promise.all([s3?.stop(), supabase?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

const bytes = readFileSync(path.resolve("tests/fixtures/c3d/Eb015pi.c3d"));
const sha = createHash("sha256").update(bytes).digest("hex");
const text = (s: string) => new TextEncoder().encode(s);

interface Adapter {
  name: "local" | "s3" | "supabase";
  /** A fresh, empty store each call. */
  open(): Promise<ObjectStore>;
}

let fresh = 0;
const ADAPTERS: Adapter[] = [
  { name: "local", open: () => Promise.resolve(createLocalObjectStore(path.join(root, `local-${++fresh}`))) },
  // One bucket for all suites: each store gets its own top-level folder so suites do not see each other.
  { name: "s3", open: () => Promise.resolve(scoped(createS3ObjectStore(s3.options()), `run-${++fresh}/`)) },
  {
    name: "supabase",
    open: async () =>
      scoped(
        await createSupabaseObjectStore({ url: supabase.url, serviceRoleKey: supabase.serviceRoleKey, bucket: supabase.bucket }),
        `run-${++fresh}/`,
      ),
  },
];

/** The same store with every key below `base` (so each test sees an empty store). */
function scoped(store: ObjectStore, base: string): ObjectStore {
  const strip = <T extends { key: string }>(info: T): T => ({ ...info, key: info.key.slice(base.length) });
  return {
    kind: store.kind,
    location: `${store.location}/${base}`,
    read: (key) => store.read(base + key),
    write: async (key, b, o) => strip(await store.write(base + key, b, o)),
    stat: async (key) => {
      const found = await store.stat(base + key);
      return found && strip(found);
    },
    delete: (key) => store.delete(base + key),
    async *list(prefix) {
      for await (const info of store.list(base + prefix)) yield strip(info);
    },
  };
}

describe.each(ADAPTERS.map((a) => [a.name, a] as const))("object store [%s]", (_, adapter) => {
  it("writes, reads, stats and deletes an object; a missing one is null, deleting it is no error", async () => {
    const store = await adapter.open();
    expect(store.kind).toBe(adapter.name);
    const written = await store.write("incoming/P001/session one.c3d", bytes);
    expect(written).toMatchObject({ key: "incoming/P001/session one.c3d", sizeBytes: bytes.byteLength });
    expect(Buffer.from((await store.read("incoming/P001/session one.c3d"))!).equals(bytes)).toBe(true);
    const info = await store.stat("incoming/P001/session one.c3d");
    expect(info).toMatchObject({ key: "incoming/P001/session one.c3d", sizeBytes: bytes.byteLength });
    expect(info!.etag).not.toBe("");

    expect(await store.read("incoming/P001/missing.c3d")).toBeNull();
    expect(await store.stat("incoming/P001/missing.c3d")).toBeNull();
    await store.delete("incoming/P001/session one.c3d");
    expect(await store.read("incoming/P001/session one.c3d")).toBeNull();
    expect(await store.stat("incoming/P001/session one.c3d")).toBeNull();
    await store.delete("incoming/P001/session one.c3d");
  });

  it("replaces an object whole and gives it a new tag", async () => {
    const store = await adapter.open();
    await store.write("a.bin", text("first version"));
    const before = (await store.stat("a.bin"))!;
    await store.write("a.bin", text("second, longer version"));
    const after = (await store.stat("a.bin"))!;
    expect(new TextDecoder().decode((await store.read("a.bin"))!)).toBe("second, longer version");
    expect(after.sizeBytes).toBe(22);
    expect(after.etag).not.toBe(before.etag);
  });

  it("lists every object under a prefix, recursively, in key order, with sizes", async () => {
    const store = await adapter.open();
    const keys = ["in/P002/b.c3d", "in/P001/x/deep.c3d", "in/P001/a.c3d", "in/P0010/c.c3d", "in.txt", "other/P001/a.c3d"];
    for (const [i, key] of keys.entries()) await store.write(key, text("x".repeat(i + 1)));
    const listed = await listAll(store, "in/");
    expect(listed.map((o) => o.key)).toEqual(["in/P001/a.c3d", "in/P001/x/deep.c3d", "in/P0010/c.c3d", "in/P002/b.c3d"]);
    expect(listed.map((o) => o.sizeBytes)).toEqual([3, 2, 4, 1]);
    // A prefix need not end at a folder boundary.
    expect((await listAll(store, "in/P001")).map((o) => o.key)).toEqual(["in/P001/a.c3d", "in/P001/x/deep.c3d", "in/P0010/c.c3d"]);
    expect(await listAll(store, "nothing/")).toEqual([]);
    expect((await listAll(store, "")).length).toBe(keys.length);
  });

  it("refuses keys that would mean different things to different stores", async () => {
    const store = await adapter.open();
    for (const key of ["", "../escape", "a//b", "a/./b", "/abs", "trailing/", "back\\slash", "nul\u0000"]) {
      await expect(store.write(key, text("x")), JSON.stringify(key)).rejects.toBeInstanceOf(ObjectKeyError);
      await expect(store.read(key), JSON.stringify(key)).rejects.toBeInstanceOf(ObjectKeyError);
    }
    await expect(async () => {
      for await (const _ of store.list("../")) void _;
    }).rejects.toBeInstanceOf(ObjectKeyError);
  });
});

describe.each(ADAPTERS.map((a) => [a.name, a] as const))("raw C3D files [%s]", (_, adapter) => {
  let blobs: BlobStorage;
  let objects: ObjectStore;
  beforeAll(async () => {
    objects = await adapter.open();
    blobs = createBlobStorage(objects);
  });

  it("stores bytes under uploads/<aa>/<sha256>.c3d and reads them back", async () => {
    expect(await blobs.put(bytes)).toEqual({ sha256: sha, sizeBytes: bytes.byteLength, created: true });
    expect((await objects.stat(`uploads/${sha.slice(0, 2)}/${sha}.c3d`))?.sizeBytes).toBe(bytes.byteLength);
    expect(Buffer.from((await blobs.get(sha))!).equals(bytes)).toBe(true);
    expect(await blobs.has(sha)).toBe(true);
  });

  it("reuses the stored object for identical bytes, lists every blob, deletes one", async () => {
    expect((await blobs.put(new Uint8Array(bytes))).created).toBe(false);
    const small = await blobs.put(new Uint8Array([1, 2, 3]));
    await objects.write("uploads/readme.txt", text("not a blob"));
    const listed = [];
    for await (const blob of blobs.list()) {
      // Every store reports when a blob was written (the orphan sweep's age).
      expect(blob.lastModified, blob.sha256).toBeInstanceOf(Date);
      listed.push({ sha256: blob.sha256, sizeBytes: blob.sizeBytes });
    }
    expect(listed.sort((a, b) => a.sha256.localeCompare(b.sha256))).toEqual(
      [
        { sha256: sha, sizeBytes: bytes.byteLength },
        { sha256: small.sha256, sizeBytes: 3 },
      ].sort((a, b) => a.sha256.localeCompare(b.sha256)),
    );
    await blobs.delete(small.sha256);
    expect(await blobs.has(small.sha256)).toBe(false);
    expect(await blobs.get(small.sha256)).toBeNull();
  });

  it("answers null for an unknown hash and refuses anything that is not a sha256", async () => {
    expect(await blobs.get("0".repeat(64))).toBeNull();
    expect(await blobs.has("0".repeat(64))).toBe(false);
    await expect(blobs.get("../../etc/passwd")).rejects.toThrow(/not a sha256/);
    expect(() => blobKey("ABC")).toThrow(/not a sha256/);
  });
});

describe("the configured storage", () => {
  it("is S3 when S3_BUCKET is set: a second client sees what the first stored", async () => {
    const storage = await createStorage(parseConfig(s3.env()));
    expect(storage.kind).toBe("s3");
    const blob = await storage.put(text(`configured ${Date.now()}`));
    const independent = createS3ObjectStore(s3.options());
    expect(new TextDecoder().decode((await independent.read(blobKey(blob.sha256)))!)).toMatch(/^configured /);
  });

  it("refuses an unknown S3 access key", async () => {
    const store = createS3ObjectStore({ ...s3.options(), accessKeyId: "NOT-A-KEY" });
    await expect(store.read("uploads/x.c3d")).rejects.toThrow(/HTTP 403 InvalidAccessKeyId/);
  });

  it("is Supabase Storage when SUPABASE_* is set, through the four documented endpoints only", async () => {
    const storage = await createStorage(
      parseConfig({
        SUPABASE_URL: supabase.url,
        SUPABASE_SERVICE_ROLE_KEY: supabase.serviceRoleKey,
        SUPABASE_STORAGE_BUCKET: supabase.bucket,
      }),
    );
    expect(storage.kind).toBe("supabase");
    const blob = await storage.put(text(`supabase ${Date.now()}`));
    expect(await storage.has(blob.sha256)).toBe(true);
    const endpoints = new Set(
      supabase.requests.map((r) =>
        r.replace(
          /^(POST|GET|DELETE) \/storage\/v1\/object\/(list\/)?[^/]+(\/.*)?$/,
          (_, m, list, rest) => `${m} ${list ? "list" : rest ? "object" : "bucket"}`,
        ),
      ),
    );
    expect([...endpoints].sort()).toEqual(["DELETE bucket", "GET object", "POST list", "POST object"]);
  });

  it("refuses a wrong Supabase key instead of answering 'not stored'", async () => {
    const storage = createBlobStorage(
      await createSupabaseObjectStore({ url: supabase.url, serviceRoleKey: "wrong", bucket: supabase.bucket }),
    );
    await expect(storage.has(sha)).rejects.toThrow(/supabase storage .*failed: invalid signature/);
  });

  it("is DATA_DIR/uploads otherwise", async () => {
    const dataDir = path.join(root, "configured");
    const storage = await createStorage(parseConfig({ DATA_DIR: dataDir }));
    expect(storage.kind).toBe("local");
    await storage.put(bytes);
    expect(readFileSync(path.join(dataDir, "uploads", sha.slice(0, 2), `${sha}.c3d`)).equals(bytes)).toBe(true);
  });
});

describe("local file storage", () => {
  const storage = createFileStorage(path.join(root, "uploads"));

  it("stores bytes as uploads/<aa>/<sha256>.c3d and leaves no temp files", async () => {
    await storage.put(bytes);
    expect(readFileSync(path.join(root, "uploads", sha.slice(0, 2), `${sha}.c3d`)).equals(bytes)).toBe(true);
    await Promise.all([1, 2, 3].map(() => storage.put(new Uint8Array([1, 2, 3]))));
    const leftovers = readdirSync(path.join(root, "uploads"), { recursive: true }).filter((f) => String(f).endsWith(".tmp"));
    expect(leftovers).toEqual([]);
  });
});

describe("temp files left by a killed writer", () => {
  it("are removed when the storage opens, unless a live process or another host may still own them", async () => {
    const dir = path.join(root, "crashed");
    const shard = path.join(dir, "ab");
    mkdirSync(shard, { recursive: true });
    const host = os.hostname().replace(/[^A-Za-z0-9-]/g, "_") || "host";
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid; // exited before we look
    const name = (h: string, pid: number) => `${"ab" + "0".repeat(62)}.c3d.${h}.${pid}.0123456789ab.tmp`;
    writeFileSync(path.join(shard, name(host, deadPid)), "partial");
    writeFileSync(path.join(shard, name(host, process.ppid)), "a live writer's");
    writeFileSync(path.join(shard, name("other-host", deadPid)), "another host's");

    const storage = createFileStorage(dir);
    await storage.put(new Uint8Array([9, 9, 9])); // writes wait for the sweep
    expect(readdirSync(shard).sort()).toEqual([name(host, process.ppid), name("other-host", deadPid)].sort());
    expect(await sweepTempFiles(dir)).toEqual([]);
    // Listing never shows a temp file as an object.
    const listed = [];
    for await (const blob of storage.list()) listed.push(blob.sha256);
    expect(listed).toHaveLength(1);
  });
});
