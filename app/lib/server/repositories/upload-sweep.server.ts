/**
 * The orphan sweep: original C3D files no stored session points to. A refused upload stores no
 * file (the patient is checked first), but a process killed between writing the file and
 * committing its session leaves one, and so does a session whose transaction failed. Files younger
 * than an hour are spared — an upload may be between its write and its commit — and a file re-used
 * after half an hour is written again by the store, so it counts as young (docs/decisions/057-refused-uploads-store-nothing.md).
 */
import type { Queryable } from "~/lib/server/db/types.server";
import type { BlobStorage } from "~/lib/server/storage/blobs.server";

export const ORPHAN_MIN_AGE_MS = 60 * 60 * 1000;
const BATCH = 500;

/** Deletes the unreferenced blobs older than `minAgeMs` (any store that reports write times); returns their hashes. */
export async function sweepOrphanUploads(db: Queryable, storage: BlobStorage, minAgeMs: number = ORPHAN_MIN_AGE_MS): Promise<string[]> {
  const removed: string[] = [];
  const oldEnough = (when: Date | null) => when !== null && Date.now() - when.getTime() > minAgeMs;
  let batch: string[] = [];
  const flush = async () => {
    const { rows } = await db.query<{ file_sha256: string }>(
      "select distinct file_sha256 from therapy_sessions where file_sha256 = any($1::text[])",
      [batch],
    );
    const referenced = new Set(rows.map((r) => r.file_sha256.trim()));
    for (const sha of batch) {
      // Asked again right before deleting: a re-upload may have rewritten it meanwhile.
      if (referenced.has(sha) || !oldEnough(await storage.lastModified(sha))) continue;
      await storage.delete(sha);
      removed.push(sha);
    }
    batch = [];
  };
  for await (const blob of storage.list()) {
    if (!oldEnough(blob.lastModified)) continue;
    batch.push(blob.sha256);
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
