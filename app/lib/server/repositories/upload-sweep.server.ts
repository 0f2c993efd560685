/**
 * The orphan sweep: original C3D files no stored session points to. A refused upload stores no
 * file (the patient is checked first), but a process killed between writing the file and
 * committing its session leaves one, and so does a session whose transaction failed. Files younger
 * than an hour are spared — an upload may be between its write and its commit — and a re-used
 * file is touched by the store, so it counts as young (docs/decisions/057-refused-uploads-store-nothing.md).
 */
import type { Queryable } from "~/lib/server/db/types.server";
import type { BlobStorage } from "~/lib/server/storage.server";

export const ORPHAN_MIN_AGE_MS = 60 * 60 * 1000;
const BATCH = 500;

/** Deletes the unreferenced blobs older than `minAgeMs`; returns their hashes. */
export async function sweepOrphanUploads(db: Queryable, storage: BlobStorage, minAgeMs: number = ORPHAN_MIN_AGE_MS): Promise<string[]> {
  if (!storage.listOlderThan || !storage.removeIfOlderThan) return [];
  const removed: string[] = [];
  let batch: string[] = [];
  const flush = async () => {
    const { rows } = await db.query<{ file_sha256: string }>(
      "select distinct file_sha256 from therapy_sessions where file_sha256 = any($1::text[])",
      [batch],
    );
    const referenced = new Set(rows.map((r) => r.file_sha256.trim()));
    for (const sha of batch) {
      if (!referenced.has(sha) && (await storage.removeIfOlderThan!(sha, minAgeMs))) removed.push(sha);
    }
    batch = [];
  };
  for await (const sha of storage.listOlderThan(minAgeMs)) {
    batch.push(sha);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return removed;
}

/**
 * Runs the sweep now and then every `everyMs` (server start-up; entry.server.tsx). Returns a
 * stop function. A failed sweep is logged and tried again next time.
 */
export function startOrphanSweeper(open: () => Promise<{ db: Queryable; storage: BlobStorage }>, everyMs = 15 * 60 * 1000): () => void {
  const run = async () => {
    try {
      const { db, storage } = await open();
      const removed = await sweepOrphanUploads(db, storage);
      if (removed.length > 0) {
        process.stdout.write(
          `${JSON.stringify({ time: new Date().toISOString(), level: "info", msg: "orphan uploads removed", count: removed.length })}\n`,
        );
      }
    } catch (error) {
      process.stdout.write(
        `${JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "orphan sweep failed", error: (error as Error).message })}\n`,
      );
    }
  };
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
