/**
 * The process-wide object store and raw-file storage chosen by the configuration: an S3 bucket
 * (S3_*), a Supabase Storage bucket (SUPABASE_*), or the directory DATA_DIR.
 */
import path from "node:path";
import { type Config, getConfig, storageKind } from "../http/config.server";
import { BLOB_PREFIX, type BlobStorage, createBlobStorage, createFileStorage } from "./blobs.server";
import { createLocalObjectStore } from "./local.server";
import type { ObjectStore } from "./objects.server";
import { createS3ObjectStore } from "./s3.server";
import { createSupabaseObjectStore } from "./supabase.server";

/** The object store a configuration names (the local one is rooted at DATA_DIR). */
export async function createObjectStore(config: Config): Promise<ObjectStore> {
  switch (storageKind(config)) {
    case "s3":
      return createS3ObjectStore({
        bucket: config.S3_BUCKET!,
        endpoint: config.S3_ENDPOINT,
        region: config.S3_REGION ?? "us-east-1",
        accessKeyId: config.S3_ACCESS_KEY_ID,
        secretAccessKey: config.S3_SECRET_ACCESS_KEY,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
      });
    case "supabase":
      return createSupabaseObjectStore({
        url: config.SUPABASE_URL!,
        serviceRoleKey: config.SUPABASE_SERVICE_ROLE_KEY!,
        bucket: config.SUPABASE_STORAGE_BUCKET!,
      });
    case "local":
      return createLocalObjectStore(config.DATA_DIR);
  }
}

/** The raw-file storage of a configuration: uploads/<aa>/<sha256>.c3d in its object store. */
export async function createStorage(config: Config): Promise<BlobStorage> {
  if (storageKind(config) === "local") return createFileStorage(path.join(config.DATA_DIR, BLOB_PREFIX));
  return createBlobStorage(await createObjectStore(config));
}

const storageKey = Symbol.for("ghostly.storage");
const objectsKey = Symbol.for("ghostly.objects");
type GlobalWithStorage = typeof globalThis & { [storageKey]?: Promise<BlobStorage>; [objectsKey]?: Promise<ObjectStore> };

/**
 * The process-wide raw-file storage. Creating the local one sweeps the temp files a killed process
 * left behind (entry.server calls this at start-up).
 */
export function getStorage(): Promise<BlobStorage> {
  const g = globalThis as GlobalWithStorage;
  g[storageKey] ??= createStorage(getConfig());
  return g[storageKey];
}

/** The process-wide object store (for objects other than the raw files, e.g. a bucket's incoming files). */
export function getObjectStore(): Promise<ObjectStore> {
  const g = globalThis as GlobalWithStorage;
  g[objectsKey] ??= createObjectStore(getConfig());
  return g[objectsKey];
}
