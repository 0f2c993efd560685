/**
 * The original C3D bytes, content-addressed by sha256 under `uploads/<aa>/<sha256>.c3d` of the
 * configured object store (DATA_DIR by default, else an S3 or Supabase bucket). The same bytes
 * always land on the same key, so a file written before a failed database transaction is harmless
 * and reused.
 */
import { createHash } from "node:crypto";
import { createLocalObjectStore, sweepTempFiles } from "./local.server";
import type { ObjectStore } from "./objects.server";

export interface StoredBlob {
  sha256: string;
  sizeBytes: number;
  /** false when identical bytes were already stored. */
  created: boolean;
}

export interface BlobStorage {
  readonly kind: ObjectStore["kind"];
  /** The object store underneath (backups, and parts of the app that keep other objects). */
  readonly objects: ObjectStore;
  put(bytes: Uint8Array): Promise<StoredBlob>;
  /** The stored bytes, or null when nothing is stored under that hash. */
  get(sha256: string): Promise<Uint8Array | null>;
  has(sha256: string): Promise<boolean>;
  /** Removes the stored bytes (a no-op when there are none). */
  delete(sha256: string): Promise<void>;
  /** The hash and size of every stored blob, and when it was last written (null where unknown). */
  list(): AsyncIterable<{ sha256: string; sizeBytes: number; lastModified: Date | null }>;
  /** When the blob was last written, or null when it is missing (or the store cannot tell). */
  lastModified(sha256: string): Promise<Date | null>;
}

/** Where the raw files live in a bucket, and under DATA_DIR. */
export const BLOB_PREFIX = "uploads/";

const SHA256_HEX = /^[0-9a-f]{64}$/;
const BLOB_NAME = /^([0-9a-f]{2})\/([0-9a-f]{64})\.c3d$/;

/** Half the orphan sweep's minimum age (upload-sweep.server.ts). */
const REWRITE_REUSED_AFTER_MS = 30 * 60 * 1000;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function assertSha(sha256: string): void {
  // Also what keeps a caller-supplied hash from naming any other key.
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 hex digest: ${JSON.stringify(sha256)}`);
}

/** Key of a blob below the prefix: <first two hex digits>/<sha256>.c3d (keeps directories small). */
export function blobKey(sha256: string, prefix = BLOB_PREFIX): string {
  assertSha(sha256);
  return `${prefix}${sha256.slice(0, 2)}/${sha256}.c3d`;
}

/** The sha256 a blob key names, or null for any other key. */
export function shaOfBlobKey(key: string, prefix = BLOB_PREFIX): string | null {
  if (!key.startsWith(prefix)) return null;
  const match = BLOB_NAME.exec(key.slice(prefix.length));
  return match && match[2].startsWith(match[1]) ? match[2] : null;
}

/**
 * Content-addressed storage over an object store, below `prefix`. `ready` is awaited before each
 * write (the local store's sweep of a crash's temp files must not race this process's own writes).
 */
export function createBlobStorage(objects: ObjectStore, options: { prefix?: string; ready?: Promise<unknown> } = {}): BlobStorage {
  const prefix = options.prefix ?? BLOB_PREFIX;
  const ready = options.ready ?? Promise.resolve();
  const keyOf = (sha256: string) => blobKey(sha256, prefix);
  return {
    kind: objects.kind,
    objects,
    async put(bytes) {
      await ready;
      const sha256 = sha256Hex(bytes);
      const key = keyOf(sha256);
      const existing = await objects.stat(key);
      const stale = existing?.lastModified && Date.now() - existing.lastModified.getTime() > REWRITE_REUSED_AFTER_MS;
      // Re-used bytes written long ago are written again, so the orphan sweep (which spares what is
      // younger than an hour) cannot take them while their new session commits.
      const reused = existing !== null && existing.sizeBytes === bytes.byteLength;
      if (reused && !stale) return { sha256, sizeBytes: bytes.byteLength, created: false };
      await objects.write(key, bytes, { contentType: "application/octet-stream" });
      return { sha256, sizeBytes: bytes.byteLength, created: !reused };
    },
    get: async (sha256) => objects.read(keyOf(sha256)),
    has: async (sha256) => (await objects.stat(keyOf(sha256))) !== null,
    delete: async (sha256) => objects.delete(keyOf(sha256)),
    lastModified: async (sha256) => (await objects.stat(keyOf(sha256)))?.lastModified ?? null,
    async *list() {
      for await (const info of objects.list(prefix)) {
        const sha256 = shaOfBlobKey(info.key, prefix);
        if (sha256) yield { sha256, sizeBytes: info.sizeBytes, lastModified: info.lastModified };
      }
    },
  };
}

/**
 * The embedded default: <uploadsDir>/<aa>/<sha256>.c3d (uploadsDir is DATA_DIR/uploads). Opening it
 * sweeps the temp files a killed process left behind.
 */
export function createFileStorage(uploadsDir: string): BlobStorage {
  const ready = sweepTempFiles(uploadsDir).catch((error: Error) => {
    console.error(`storage: could not sweep temp files in ${uploadsDir}: ${error.message}`);
  });
  return createBlobStorage(createLocalObjectStore(uploadsDir), { prefix: "", ready });
}
