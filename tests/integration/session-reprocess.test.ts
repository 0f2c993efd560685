/**
 * Re-processing a stored session from its kept C3D on both drivers: a changed processing
 * parameter changes the contractions and scores, the new analysis replaces the old one, the
 * `reprocessed` event keeps every previous score; bad field, missing file, invisible session.
 */
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { analyzeC3d } from "~/lib/analysis/analyze";
import type { Caller } from "~/lib/server/auth/caller.server";
import { reprocessFields, reprocessSession } from "~/lib/server/reprocess.server";
import { listSessionEvents } from "~/lib/server/repositories/sessions/history.server";
import type { RepositoryOptions } from "~/lib/server/repositories/options.server";
import { getSession } from "~/lib/server/repositories/sessions/read.server";
import { storeAnalysis } from "~/lib/server/repositories/sessions/write.server";
import { createFileStorage } from "~/lib/server/storage/blobs.server";
import { forEachDriver } from "../support/databases";
import { insertUser } from "../support/users";

const NAME = "Ghostly_Emg_20230321_17-50-17-0881.c3d";
const bytes = new Uint8Array(readFileSync(path.resolve("tests/fixtures/c3d", NAME)));

forEachDriver("session re-processing", (t) => {
  let therapist: Caller;
  let other: Caller;
  let options: RepositoryOptions;
  let uploadsDir: string;
  beforeAll(async () => {
    therapist = await insertUser(t.db, "therapist", { displayName: "Dr. Again" });
    other = await insertUser(t.db, "therapist");
    uploadsDir = path.join(t.tempDir, "uploads-reprocess");
    options = { db: t.db, storage: createFileStorage(uploadsDir) };
  });

  it("re-analyses with another minimum duration: new contractions and scores, previous scores in the history, inputs kept", async () => {
    const analysis = analyzeC3d(bytes, { session: { rpe_post_session: 6 }, sourceFilename: NAME });
    const { sessionId } = await storeAnalysis(therapist, { patientCode: "P301", analysis, bytes, sourceFilename: NAME }, options);
    const before = (await getSession(therapist, sessionId, options))!;

    // The same file analysed directly with the new parameter: what the stored session must become.
    const expected = analyzeC3d(bytes, { session: { rpe_post_session: 6 }, processing: { min_duration_ms: 2000 }, sourceFilename: NAME });
    expect(expected.contractions.length).not.toBe(analysis.contractions.length);

    const result = await reprocessSession(therapist, sessionId, { min_duration_ms: "2000" }, options);
    expect(result.ok).toBe(true);
    const after = (await getSession(therapist, sessionId, options))!;
    expect(after.session.session_code).toBe(before.session.session_code);
    expect(after.processing_parameters?.min_duration_ms).toBe(2000);
    expect(after.contractions.length).toBe(expected.contractions.length);
    expect(after.performance_scores).toEqual(expected.performance_scores);
    // The therapist's RPE carried over.
    expect(after.session_parameters.rpe_post_session).toBe(6);

    const events = (await listSessionEvents(therapist, sessionId, options))!;
    expect(events.map((e) => e.kind)).toEqual(["uploaded", "reprocessed"]);
    const changes = events[1].changes;
    for (const [field, value] of Object.entries(before.performance_scores)) {
      expect(changes[`performance_scores.${field}`], field).toEqual({
        from: value,
        to: (expected.performance_scores as Record<string, unknown>)[field],
      });
    }
  });

  it("names a bad field, hides another therapist's session, and answers 409 when the kept file is gone", async () => {
    const analysis = analyzeC3d(bytes, { sourceFilename: NAME });
    const { sessionId } = await storeAnalysis(therapist, { patientCode: "P302", analysis, bytes, sourceFilename: NAME }, options);
    expect(await reprocessSession(therapist, sessionId, { rms_window_ms: "wide" }, options)).toMatchObject({
      ok: false,
      status: 400,
      field: "rms_window_ms",
    });
    expect(await reprocessSession(therapist, sessionId, { channel_left: "NO SUCH CHANNEL" }, options)).toMatchObject({
      ok: false,
      status: 422,
      error: expect.stringContaining("channel_left"),
    });
    expect(await reprocessSession(other, sessionId, {}, options)).toMatchObject({ ok: false, status: 404 });
    expect(reprocessFields({ rms_windw_ms: 50 })).toMatchObject({ ok: false, field: "rms_windw_ms" });
    expect(reprocessFields({ rms_window_ms: 50, timing_source: null })).toEqual({ ok: true, fields: { rms_window_ms: "50" } });
    rmSync(uploadsDir, { recursive: true, force: true });
    expect(await reprocessSession(therapist, sessionId, {}, options)).toMatchObject({ ok: false, status: 409, field: "file" });
    // Nothing was recorded by the refused attempts.
    expect((await listSessionEvents(therapist, sessionId, options))!.map((e) => e.kind)).toEqual(["uploaded"]);
  });
});
