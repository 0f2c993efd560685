/**
 * Original C3D bytes, content-addressed by sha256: DATA_DIR/uploads/<aa>/<sha256>.c3d by default,
 * or a Supabase Storage bucket when SUPABASE_* is configured. The same bytes always land on the
 * same key, so a file written before a failed database transaction is harmless and reused.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { getConfig, usesSupabaseStorage } from "../http/config.server";

export interface StoredBlob {
  sha256: string;
  sizeBytes: number;
  /** false when identical bytes were already stored. */
  created: boolean;
}

export interface BlobStorage {
  readonly kind: "filesystem" | "supabase";
  put(bytes: Uint8Array): Promise<StoredBlob>;
  /** The stored bytes, or null when nothing is stored under that hash. */
  get(sha256: string): Promise<Uint8Array | null>;
  has(sha256: string): Promise<boolean>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function assertSha(sha256: string): void {
  // Also what keeps a caller-supplied hash from walking out of the uploads directory.
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 hex digest: ${JSON.stringify(sha256)}`);
}

/** Relative key of a blob: <first two hex digits>/<sha256>.c3d (keeps directories small). */
export function blobKey(sha256: string): string {
  assertSha(sha256);
  return `${sha256.slice(0, 2)}/${sha256}.c3d`;
}

// Temp files carry host and pid so a sweep can tell a crashed writer's leftovers from a live write
// of another process (or another host sharing the directory).
const HOST = hostname().replace(/[^A-Za-z0-9-]/g, "_") || "host";
const TEMP_NAME = /^[0-9a-f]{64}\.c3d\.([A-Za-z0-9_-]+)\.(\d+)\.[0-9a-f]+\.tmp$/;
const STALE_AFTER_MS = 24 * 3600 * 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes temp files a killed writer left behind: those of this host whose process is gone (or is
 * this process, which has not written yet when the sweep runs), and anyone's older than a day.
 * Returns the removed paths.
 */
export async function sweepTempFiles(rootDir: string): Promise<string[]> {
  const root = path.resolve(rootDir);
  const removed: string[] = [];
  const shards = await readdir(root).catch(() => [] as string[]);
  for (const shard of shards.filter((name) => /^[0-9a-f]{2}$/.test(name))) {
    for (const name of await readdir(path.join(root, shard)).catch(() => [] as string[])) {
      const match = TEMP_NAME.exec(name);
      if (!match) continue;
      const file = path.join(root, shard, name);
      const pid = Number(match[2]);
      const ours = match[1] === HOST && (pid === process.pid || !processAlive(pid));
      const old = !ours && Date.now() - ((await stat(file).catch(() => null))?.mtimeMs ?? Date.now()) > STALE_AFTER_MS;
      if ((ours || old) && (await unlink(file).then(() => true, () => false))) removed.push(file);
    }
  }
  return removed;
}

export function createFileStorage(rootDir: string): BlobStorage {
  const root = path.resolve(rootDir);
  const fileOf = (sha256: string) => path.join(root, blobKey(sha256));
  // Writes wait for the sweep, so it never sees (and removes) a temp file of this process.
  const swept = sweepTempFiles(root).catch((error: Error) => {
    console.error(`storage: could not sweep temp files in ${root}: ${error.message}`);
  });
  return {
    kind: "filesystem",
    async put(bytes) {
      await swept;
      const sha256 = sha256Hex(bytes);
      const target = fileOf(sha256);
      const existing = await stat(target).catch(() => null);
      if (existing?.isFile() && existing.size === bytes.byteLength) {
        return { sha256, sizeBytes: bytes.byteLength, created: false };
      }
      await mkdir(path.dirname(target), { recursive: true });
      // Write beside the target and rename: readers never see a partial file, and a crash leaves
      // only a temp file, never a truncated <sha>.c3d.
      const temp = `${target}.${HOST}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        await writeFile(temp, bytes, { flag: "wx" });
        await rename(temp, target);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      return { sha256, sizeBytes: bytes.byteLength, created: true };
    },
    async get(sha256) {
      try {
        return new Uint8Array(await readFile(fileOf(sha256)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async has(sha256) {
      return (await stat(fileOf(sha256)).catch(() => null))?.isFile() ?? false;
    },
  };
}

/**
 * Supabase Storage bucket (production, stateless app servers). Not exercised by the test suite:
 * no Supabase stack can run on the CI machine.
 */
export async function createSupabaseStorage(options: {
  url: string;
  serviceRoleKey: string;
  bucket: string;
}): Promise<BlobStorage> {
  const [{ createClient }, { default: WebSocket }] = await Promise.all([import("@supabase/supabase-js"), import("ws")]);
  // supabase-js ≥ 2.105.2 throws on Node 20 unless given a WebSocket transport (unused here).
  const client = createClient(options.url, options.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
  const bucket = () => client.storage.from(options.bucket);
  const has = async (sha256: string) => {
    const key = blobKey(sha256);
    const { data, error } = await bucket().list(path.posix.dirname(key), { search: path.posix.basename(key) });
    if (error) throw new Error(`supabase storage list failed: ${error.message}`);
    return data.some((entry) => entry.name === path.posix.basename(key));
  };
  return {
    kind: "supabase",
    has,
    async put(bytes) {
      const sha256 = sha256Hex(bytes);
      if (await has(sha256)) return { sha256, sizeBytes: bytes.byteLength, created: false };
      const { error } = await bucket().upload(blobKey(sha256), bytes, {
        contentType: "application/octet-stream",
        upsert: true,
      });
      if (error) throw new Error(`supabase storage upload failed: ${error.message}`);
      return { sha256, sizeBytes: bytes.byteLength, created: true };
    },
    async get(sha256) {
      const { data, error } = await bucket().download(blobKey(sha256));
      if (error) {
        if (!(await has(sha256))) return null;
        throw new Error(`supabase storage download failed: ${error.message}`);
      }
      return new Uint8Array(await data.arrayBuffer());
    },
  };
}

const globalKey = Symbol.for("ghostly.storage");
type GlobalWithStorage = typeof globalThis & { [globalKey]?: Promise<BlobStorage> };

/**
 * The process-wide storage chosen by the configuration. Creating the file storage sweeps the temp
 * files a killed process left behind (entry.server calls this at start-up).
 */
export function getStorage(): Promise<BlobStorage> {
  const g = globalThis as GlobalWithStorage;
  if (!g[globalKey]) {
    const config = getConfig();
    g[globalKey] = usesSupabaseStorage(config)
      ? createSupabaseStorage({
          url: config.SUPABASE_URL!,
          serviceRoleKey: config.SUPABASE_SERVICE_ROLE_KEY!,
          bucket: config.SUPABASE_STORAGE_BUCKET!,
        })
      : Promise.resolve(createFileStorage(path.join(config.DATA_DIR, "uploads")));
  }
  return g[globalKey];
}
