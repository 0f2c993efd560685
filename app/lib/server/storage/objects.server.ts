/**
 * The one object-storage interface every adapter implements: the local directory (embedded
 * default), an S3-compatible bucket (AWS S3, MinIO, Ceph, Supabase Storage's S3 endpoint) and the
 * Supabase Storage API. Keys are `/`-separated paths relative to the store's root; the raw C3D
 * files live under `uploads/` (blobs.server.ts), other parts of the app may use other prefixes.
 */

export interface ObjectInfo {
  key: string;
  sizeBytes: number;
  /**
   * Opaque version tag: changes when the object's content changes. It is not a content hash
   * (S3 multipart uploads and the local directory use other tags); hash the bytes for identity.
   */
  etag: string;
  lastModified: Date | null;
}

export interface ObjectStore {
  readonly kind: "local" | "s3" | "supabase";
  /** Where the objects are, for logs and error messages: a directory, s3://bucket, supabase:bucket. */
  readonly location: string;
  /** The object's bytes, or null when there is none under that key. */
  read(key: string): Promise<Uint8Array | null>;
  /** Creates or replaces the object; readers never see a partial object. */
  write(key: string, bytes: Uint8Array, options?: { contentType?: string }): Promise<ObjectInfo>;
  /** Size and tag of the object, or null when there is none. */
  stat(key: string): Promise<ObjectInfo | null>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix` (a folder prefix ends with `/`), in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
}

export class ObjectKeyError extends Error {
  override name = "ObjectKeyError";
}

// Control characters and backslashes would mean different things to different stores.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;
const MAX_KEY_BYTES = 1024;

/**
 * Keys every adapter accepts the same way: non-empty `/`-separated segments, none of them `.` or
 * `..` (so no key walks out of the local root), no leading or trailing `/`, at most 1024 bytes
 * (the S3 limit).
 */
export function assertObjectKey(key: string): void {
  const problem =
    typeof key !== "string" || key.length === 0
      ? "is empty"
      : Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES
        ? `is longer than ${MAX_KEY_BYTES} bytes`
        : FORBIDDEN.test(key)
          ? "contains a control character or a backslash"
          : key.split("/").some((segment) => segment === "" || segment === "." || segment === "..")
            ? "has an empty, '.' or '..' segment"
            : null;
  if (problem) throw new ObjectKeyError(`object key ${JSON.stringify(key)} ${problem}`);
}

/** A prefix is a key, or a key followed by `/`, or empty (everything). */
export function assertObjectPrefix(prefix: string): void {
  if (prefix === "") return;
  assertObjectKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
}

/** Reads a whole list into an array (small listings, tests). */
export async function listAll(store: ObjectStore, prefix: string): Promise<ObjectInfo[]> {
  const all: ObjectInfo[] = [];
  for await (const info of store.list(prefix)) all.push(info);
  return all;
}
