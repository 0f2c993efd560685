/**
 * The orphan sweep (docs/decisions/057-refused-uploads-store-nothing.md): original files no session points to and older than an hour
 * go; a referenced file, a young orphan (an upload between its write and its commit) and a re-used
 * file stay.
 */
import { utimesSync, existsSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { createUser } from "~/lib/server/auth/users.server";
import { storeAnalysis } from "~/lib/server/repositories/sessions/write.server";
import { ORPHAN_MIN_AGE_MS, sweepOrphanUploads } from "~/lib/server/repositories/upload-sweep.server";
import { blobKey, createFileStorage } from "~/lib/server/storage/blobs.server";
import { buildAnalysis, fakeC3dBytes } from "../support/analysis";
import { forEachDriver } from "../support/databases";
import { ACTING_ADMIN } from "../support/users";

forEachDriver("orphan upload sweep", (t) => {
  it("removes unreferenced files older than an hour, and nothing else", async () => {
    const root = path.join(t.tempDir, "sweep-uploads");
    const storage = createFileStorage(root);
    const user = await createUser(
      ACTING_ADMIN,
      { email: `sweeper-${t.driver}@example.org`, displayName: "S", password: "a-long-password-1", role: "therapist" },
      { db: t.db },
    );
    const caller = { userId: user.id, role: "therapist" as const };
    const kept = fakeC3dBytes();
    const { sessionId } = await storeAnalysis(
      caller,
      { patientCode: "P4001", analysis: buildAnalysis(kept), bytes: kept },
      { db: t.db, storage },
    );
    expect(sessionId).toBeTruthy();
    const keptSha = (await t.db.query<{ file_sha256: string }>("select file_sha256 from therapy_sessions where id = $1", [sessionId]))
      .rows[0].file_sha256;
    const oldOrphan = (await storage.put(new Uint8Array([1, 2, 3, 4]))).sha256;
    const youngOrphan = (await storage.put(new Uint8Array([5, 6, 7, 8]))).sha256;
    const reused = (await storage.put(new Uint8Array([9, 9]))).sha256;
    const file = (sha: string) => path.join(root, blobKey(sha, ""));
    const longAgo = new Date(Date.now() - ORPHAN_MIN_AGE_MS - 60_000);
    for (const sha of [keptSha, oldOrphan, reused]) utimesSync(file(sha), longAgo, longAgo);
    // Re-used by a new upload just now: the store writes it again, so it is young again.
    expect((await storage.put(new Uint8Array([9, 9]))).created).toBe(false);

    expect(await sweepOrphanUploads(t.db, storage)).toEqual([oldOrphan]);
    expect(existsSync(file(oldOrphan))).toBe(false);
    for (const sha of [keptSha, youngOrphan, reused]) expect(existsSync(file(sha)), sha).toBe(true);
    expect(await sweepOrphanUploads(t.db, storage)).toEqual([]);
  });
});
