/**
 * A bucket through Supabase's own Storage API (@supabase/supabase-js), for projects that use it
 * rather than the S3 endpoint. Where both fit, prefer the S3 adapter on Supabase's S3 endpoint
 * (docs/decisions/070-object-storage.md): it is the one tested against a real S3 server; this one
 * is tested against tests/support/supabase-storage.ts, a stand-in of the few endpoints it calls.
 */
import path from "node:path";
import type { FileObject } from "@supabase/storage-js";
import { assertObjectKey, assertObjectPrefix, type ObjectInfo, type ObjectStore } from "./objects.server";

export interface SupabaseStoreOptions {
  /** The project URL, e.g. https://<project>.supabase.co (Storage is under /storage/v1). */
  url: string;
  serviceRoleKey: string;
  bucket: string;
}

const PAGE = 1000;

/** The status of a storage-js error: the HTTP status, or the statusCode Storage puts in its JSON body. */
function statusOf(error: unknown): number | undefined {
  const e = error as { status?: number; statusCode?: string | number; originalError?: { status?: number } };
  const code = Number(e.statusCode);
  return Number.isFinite(code) && code > 0 ? code : (e.status ?? e.originalError?.status);
}

const isNotFound = (error: unknown) => statusOf(error) === 404;

function fail(operation: string, key: string, error: { message: string }): Error {
  return new Error(`supabase storage ${operation} ${key} failed: ${error.message}`);
}

function infoOf(key: string, entry: FileObject): ObjectInfo {
  const metadata = (entry.metadata ?? {}) as { size?: number; contentLength?: number; eTag?: string; lastModified?: string };
  const modified = metadata.lastModified ?? entry.updated_at;
  return {
    key,
    sizeBytes: Number(metadata.size ?? metadata.contentLength ?? 0),
    etag: metadata.eTag ?? "",
    lastModified: modified ? new Date(modified) : null,
  };
}

export async function createSupabaseObjectStore(options: SupabaseStoreOptions): Promise<ObjectStore> {
  const [{ createClient }, { default: WebSocket }] = await Promise.all([import("@supabase/supabase-js"), import("ws")]);
  // supabase-js ≥ 2.105.2 throws on Node 20 unless given a WebSocket transport (unused here).
  const client = createClient(options.url, options.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
  const bucket = () => client.storage.from(options.bucket);

  /** One folder level: the list endpoint is not recursive (folders come back with id null). */
  async function* folder(dir: string): AsyncGenerator<{ key: string; entry: FileObject }> {
    for (let offset = 0; ; offset += PAGE) {
      const { data, error } = await bucket().list(dir, { limit: PAGE, offset, sortBy: { column: "name", order: "asc" } });
      if (error) throw fail("list", dir || "(root)", error);
      for (const entry of data) yield { key: dir ? `${dir}/${entry.name}` : entry.name, entry };
      if (data.length < PAGE) return;
    }
  }

  async function* walk(dir: string, prefix: string): AsyncGenerator<ObjectInfo> {
    const entries: { key: string; entry: FileObject }[] = [];
    for await (const item of folder(dir)) entries.push(item);
    // Key order across levels: a folder "a" sorts as "a/".
    const sortKey = (item: { key: string; entry: FileObject }) => (item.entry.id === null ? `${item.key}/` : item.key);
    entries.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    for (const item of entries) {
      if (item.entry.id === null) {
        const asFolder = `${item.key}/`;
        if (asFolder.startsWith(prefix) || prefix.startsWith(asFolder)) yield* walk(item.key, prefix);
      } else if (item.key.startsWith(prefix)) {
        yield infoOf(item.key, item.entry);
      }
    }
  }

  const stat = async (key: string): Promise<ObjectInfo | null> => {
    assertObjectKey(key);
    const dir = path.posix.dirname(key) === "." ? "" : path.posix.dirname(key);
    const name = path.posix.basename(key);
    const { data, error } = await bucket().list(dir, { limit: PAGE, search: name });
    if (error) throw fail("stat", key, error);
    const entry = data.find((e) => e.name === name && e.id !== null);
    return entry ? infoOf(key, entry) : null;
  };

  return {
    kind: "supabase",
    location: `supabase:${options.bucket}`,
    async read(key) {
      assertObjectKey(key);
      const { data, error } = await bucket().download(key);
      if (error) {
        if (isNotFound(error) || !(await stat(key))) return null;
        throw fail("download", key, error);
      }
      return new Uint8Array(await data.arrayBuffer());
    },
    async write(key, bytes, writeOptions) {
      assertObjectKey(key);
      const { error } = await bucket().upload(key, bytes, {
        contentType: writeOptions?.contentType ?? "application/octet-stream",
        upsert: true,
      });
      if (error) throw fail("upload", key, error);
      const written = await stat(key);
      if (!written) throw new Error(`supabase storage: ${key} is missing right after its upload`);
      return written;
    },
    stat,
    async delete(key) {
      assertObjectKey(key);
      const { error } = await bucket().remove([key]);
      if (error && !isNotFound(error)) throw fail("remove", key, error);
    },
    list(prefix) {
      assertObjectPrefix(prefix);
      // Start at the deepest folder the prefix names completely.
      const cut = prefix.lastIndexOf("/");
      return walk(cut < 0 ? "" : prefix.slice(0, cut), prefix);
    },
  };
}
