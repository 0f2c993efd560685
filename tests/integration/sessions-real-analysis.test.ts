/**
 * Real fixture analyses (analyzeC3d on the GHOSTLY recordings) survive storage unchanged on both
 * drivers: every export section, the envelopes, the C3D metadata and the file-level warnings.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { analyzeC3d } from "~/lib/analysis/analyze";
import type { SessionAnalysis } from "~/lib/analysis/types";
import type { Caller } from "~/lib/server/auth/caller.server";
import { buildSessionExport } from "~/lib/export";
import { exportSourceFromStored } from "~/lib/server/export.server";
import { getSession, listSessions } from "~/lib/server/repositories/sessions/read.server";
import type { RepositoryOptions } from "~/lib/server/repositories/options.server";
import { storeAnalysis } from "~/lib/server/repositories/sessions/write.server";
import { createFileStorage } from "~/lib/server/storage/blobs.server";
import { forEachDriver } from "../support/databases";
import { expectSameSections } from "../support/stored";
import { insertUser } from "../support/users";

const FILES = ["Ghostly_Emg_20230321_17-23-09-0409.c3d", "Ghostly_Emg_20230321_17-50-17-0881.c3d"];
const analyses = new Map<string, { bytes: Uint8Array; analysis: SessionAnalysis }>();

beforeAll(() => {
  for (const name of FILES) {
    const bytes = new Uint8Array(readFileSync(path.resolve("tests/fixtures/c3d", name)));
    analyses.set(name, { bytes, analysis: analyzeC3d(bytes, { session: { rpe_post_session: 6 } }) });
  }
});

forEachDriver("stored real analyses", (t) => {
  let therapist: Caller;
  let researcher: Caller;
  let options: RepositoryOptions;
  beforeAll(async () => {
    therapist = await insertUser(t.db, "therapist", { displayName: "Dr. Real" });
    researcher = await insertUser(t.db, "researcher");
    options = { db: t.db, storage: createFileStorage(path.join(t.tempDir, "uploads")) };
  });

  it.each(FILES)("%s comes back exactly as analysed", async (name) => {
    const { bytes, analysis } = analyses.get(name)!;
    const { sessionId, sessionCode } = await storeAnalysis(
      therapist,
      { patientCode: "P201", analysis, bytes, sourceFilename: name },
      options,
    );
    const stored = (await getSession(therapist, sessionId, options))!;
    expect(stored.session).toEqual({
      ...analysis.session,
      // The upload's file name, given by the route (analyzeC3d sees only bytes).
      source_filename: name,
      session_code: sessionCode,
      patient_code: "P201",
      therapist: "Dr. Real",
    });
    expectSameSections(stored, analysis);
  });

  it("hides the player and therapist the game wrote into the file from researchers", async () => {
    const { bytes, analysis } = analyses.get(FILES[0])!;
    // The GHOSTLY game writes SUBJECTS:PLAYER_NAME and INFO:THERAPIST_ID into every recording.
    const subjects = analysis.c3d_metadata.subjects as Record<string, unknown>;
    expect(subjects).toHaveProperty("PLAYER_NAME");
    const { sessionId } = await storeAnalysis(therapist, { patientCode: "P202", analysis, bytes, sourceFilename: FILES[0] }, options);
    const seen = (await getSession(researcher, sessionId, options))!;
    const metadata = seen.c3d_metadata as { subjects: Record<string, unknown>; info: Record<string, unknown> };
    expect(metadata.subjects.PLAYER_NAME).toBeNull();
    expect(metadata.info.THERAPIST_ID).toBeNull();
    expect(metadata.subjects.GAME_SCORE).toEqual(subjects.GAME_SCORE);
    expect(metadata.info.GAME_NAME).toBe("Ghostly");
    expect(seen.session.therapist).toBeNull();
    const own = (await getSession(therapist, sessionId, options))!;
    expect((own.c3d_metadata as { subjects: Record<string, unknown> }).subjects.PLAYER_NAME).toEqual(subjects.PLAYER_NAME);
  });

  it("keeps data_quality with the session: the stored export's section equals the upload's; the list filters by status", async () => {
    const name = FILES[1];
    const { bytes, analysis } = analyses.get(name)!;
    const { sessionId } = await storeAnalysis(therapist, { patientCode: "P203", analysis, bytes, sourceFilename: name }, options);
    const now = new Date("2026-12-01T00:00:00Z");
    const fromUpload = buildSessionExport(analysis, { now });
    const fromStore = buildSessionExport(exportSourceFromStored((await getSession(therapist, sessionId, options))!), { now });
    expect(fromStore.data_quality).toEqual(fromUpload.data_quality);
    // docs/quality.md: 0881's CH1 rail runs are clipping, so the session is to review.
    expect(fromStore.data_quality?.status).toBe("review");

    const review = await listSessions(therapist, { patientCode: "P203", quality: "review" }, options);
    expect(review.sessions.map((s) => [s.id, s.quality_status])).toEqual([[sessionId, "review"]]);
    expect((await listSessions(therapist, { patientCode: "P203", quality: "good" }, options)).total).toBe(0);
  });

  it("exports a session stored before quality checks with a null data_quality and says why", async () => {
    const { bytes, analysis } = analyses.get(FILES[0])!;
    const { sessionId } = await storeAnalysis(therapist, { patientCode: "P204", analysis, bytes, sourceFilename: FILES[0] }, options);
    // What the migration leaves on rows stored before it: no data_quality.
    await t.db.query("update therapy_sessions set data_quality = null where id = $1", [sessionId]);
    const stored = (await getSession(therapist, sessionId, options))!;
    const exp = buildSessionExport(exportSourceFromStored(stored), { now: new Date() });
    expect(exp.data_quality).toBeNull();
    expect(exp.errors?.map((e) => e.section)).toEqual(["data_quality"]);
    const listed = await listSessions(therapist, { patientCode: "P204" }, options);
    expect(listed.sessions[0].quality_status).toBeNull();
    expect((await listSessions(therapist, { patientCode: "P204", quality: "review" }, options)).total).toBe(0);
  });
});
