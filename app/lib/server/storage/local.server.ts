/**
 * The embedded default object store: files under a directory (DATA_DIR), one file per key.
 * Writes go to a temp file beside the target and are renamed over it, so readers never see a
 * partial file and a crash leaves only a temp file, which the next start sweeps away.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { assertObjectKey, assertObjectPrefix, type ObjectInfo, type ObjectStore } from "./objects.server";

// Temp files carry host and pid so a sweep can tell a crashed writer's leftovers from a live write
// of another process (or another host sharing the directory).
const HOST = hostname().replace(/[^A-Za-z0-9-]/g, "_") || "host";
const TEMP_SUFFIX = /\.([A-Za-z0-9_-]+)\.(\d+)\.[0-9a-f]+\.tmp$/;
const STALE_AFTER_MS = 24 * 3600 * 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const isTempName = (name: string) => TEMP_SUFFIX.test(name);

/**
 * Removes temp files a killed writer left under `dir` (recursively): those of this host whose
 * process is gone (or is this process, which has not written yet when the sweep runs), and
 * anyone's older than a day. Returns the removed paths.
 */
export async function sweepTempFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const entries = await readdir(path.resolve(dir), { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    const match = entry.isFile() ? TEMP_SUFFIX.exec(entry.name) : null;
    if (!match) continue;
    const file = path.join(entry.parentPath, entry.name);
    const pid = Number(match[2]);
    const ours = match[1] === HOST && (pid === process.pid || !processAlive(pid));
    const old = !ours && Date.now() - ((await stat(file).catch(() => null))?.mtimeMs ?? Date.now()) > STALE_AFTER_MS;
    if (
      (ours || old) &&
      (await unlink(file).then(
        () => true,
        () => false,
      ))
    )
      removed.push(file);
  }
  return removed;
}

/** A weak tag from size and modification time: a rewrite renames a new file in, so both change. */
function etagOf(size: number, mtimeMs: number): string {
  return `W/"${size.toString(16)}-${Math.round(mtimeMs * 1000).toString(16)}"`;
}

export function createLocalObjectStore(rootDir: string): ObjectStore {
  const root = path.resolve(rootDir);
  const fileOf = (key: string) => {
    assertObjectKey(key);
    if (isTempName(path.posix.basename(key))) throw new Error(`object key ${JSON.stringify(key)} looks like a temp file`);
    return path.join(root, ...key.split("/"));
  };
  const info = async (key: string, file: string): Promise<ObjectInfo | null> => {
    const s = await stat(file).catch(() => null);
    return s?.isFile() ? { key, sizeBytes: s.size, etag: etagOf(s.size, s.mtimeMs), lastModified: s.mtime } : null;
  };

  async function* walk(dir: string, keyPrefix: string, prefix: string): AsyncGenerator<ObjectInfo> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    // Sorted by key (S3 order): a directory "a" sorts as "a/", after "a.c3d" and before "a0".
    const named = entries
      .filter((e) => e.isDirectory() || (e.isFile() && !isTempName(e.name)))
      .map((e) => ({ entry: e, key: keyPrefix + e.name + (e.isDirectory() ? "/" : "") }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { entry, key } of named) {
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(key)) yield* walk(path.join(dir, entry.name), key, prefix);
      } else if (key.startsWith(prefix)) {
        const found = await info(key, path.join(dir, entry.name));
        if (found) yield found;
      }
    }
  }

  return {
    kind: "local",
    location: root,
    async read(key) {
      try {
        return new Uint8Array(await readFile(fileOf(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async write(key, bytes) {
      const target = fileOf(key);
      await mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.${HOST}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        await writeFile(temp, bytes, { flag: "wx" });
        await rename(temp, target);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      const written = await info(key, target);
      if (!written) throw new Error(`local storage: ${target} vanished right after it was written`);
      return written;
    },
    stat: (key) => info(key, fileOf(key)),
    async delete(key) {
      await unlink(fileOf(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
    },
    list(prefix) {
      assertObjectPrefix(prefix);
      return walk(root, "", prefix);
    },
  };
}
