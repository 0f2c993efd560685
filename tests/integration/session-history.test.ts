/**
 * The history of a stored session against both drivers: the upload event, an input correction with
 * from/to for the changed inputs and every score, visibility like getSession, the backfill of the
 * migration, and that a rolled-back change records nothing.
 */
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import type { Caller } from "~/lib/server/auth/caller.server";
import { listSessionEvents, recordSessionEvent } from "~/lib/server/repositories/sessions/history.server";
import type { RepositoryOptions } from "~/lib/server/repositories/options.server";
import { getSession } from "~/lib/server/repositories/sessions/read.server";
import { storeAnalysis, updateSessionInputs } from "~/lib/server/repositories/sessions/write.server";
import { createFileStorage } from "~/lib/server/storage/blobs.server";
import { buildAnalysis, fakeC3dBytes } from "../support/analysis";
import { forEachDriver } from "../support/databases";
import { insertUser } from "../support/users";

forEachDriver("session history", (t) => {
  let therapist: Caller;
  let other: Caller;
  let researcher: Caller;
  let admin: Caller;
  let options: RepositoryOptions;

  beforeAll(async () => {
    therapist = await insertUser(t.db, "therapist", { displayName: "Dr. Hist" });
    other = await insertUser(t.db, "therapist");
    researcher = await insertUser(t.db, "researcher");
    admin = await insertUser(t.db, "admin");
    options = { db: t.db, storage: createFileStorage(path.join(t.tempDir, "uploads")) };
  });

  const store = async (code: string) => {
    const bytes = fakeC3dBytes();
    return storeAnalysis(therapist, { patientCode: code, analysis: buildAnalysis(bytes), bytes }, options);
  };

  it("records the upload, then a correction with from/to for the changed input and every score", async () => {
    const { sessionId } = await store("P101");
    const before = (await getSession(therapist, sessionId, options))!;
    const inputs = { ...before.session_parameters, rpe_post_session: 9 };
    const scores = { ...before.performance_scores, effort_score: 20, rpe_post_session: 9 };
    await updateSessionInputs(
      therapist,
      sessionId,
      inputs,
      { performance_scores: scores, compliance_breakdown: before.compliance_breakdown, data_completeness: before.data_completeness },
      options,
    );
    const events = (await listSessionEvents(therapist, sessionId, options))!;
    expect(events.map((e) => e.kind)).toEqual(["uploaded", "inputs_corrected"]);
    expect(events[0].actor).toBe("Dr. Hist");
    expect(events[0].changes).toEqual({});
    const changes = events[1].changes;
    expect(changes["session_parameters.rpe_post_session"]).toEqual({ from: before.session_parameters.rpe_post_session, to: 9 });
    // Unchanged inputs are not listed; every score is, changed or not.
    expect(Object.keys(changes).filter((k) => k.startsWith("session_parameters."))).toEqual(["session_parameters.rpe_post_session"]);
    expect(changes["performance_scores.effort_score"]).toEqual({ from: before.performance_scores.effort_score, to: 20 });
    expect(changes["performance_scores.compliance_score"]).toEqual({
      from: before.performance_scores.compliance_score,
      to: before.performance_scores.compliance_score,
    });
    expect(Object.keys(changes).filter((k) => k.startsWith("performance_scores.")).length).toBe(
      Object.keys(before.performance_scores).length,
    );
    expect(Date.parse(events[0].at)).toBeLessThanOrEqual(Date.parse(events[1].at));
  });

  it("shows the history to whoever sees the session, and names the actor only to those who see identity", async () => {
    const { sessionId } = await store("P102");
    expect(await listSessionEvents(other, sessionId, options)).toBeNull();
    expect(await listSessionEvents(therapist, "not-a-uuid", options)).toBeNull();
    expect((await listSessionEvents(admin, sessionId, options))![0].actor).toBe("Dr. Hist");
    const forResearcher = (await listSessionEvents(researcher, sessionId, options))!;
    expect(forResearcher.map((e) => e.kind)).toEqual(["uploaded"]);
    expect(forResearcher[0].actor).toBeNull();
  });

  it("records nothing when the change rolls back, and refuses an unknown kind", async () => {
    const { sessionId } = await store("P103");
    await expect(
      t.db.transaction(async (tx) => {
        await recordSessionEvent(tx, { sessionId, actor: therapist, kind: "archived" });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    await expect(
      t.db.transaction((tx) => recordSessionEvent(tx, { sessionId, actor: therapist, kind: "bogus" as "archived" })),
    ).rejects.toThrow(/check/i);
    expect((await listSessionEvents(therapist, sessionId, options))!.map((e) => e.kind)).toEqual(["uploaded"]);
  });

  it("keeps the event and its label when the acting user is removed", async () => {
    const temp = await insertUser(t.db, "admin", { displayName: "Temp Admin" });
    const { sessionId } = await store("P104");
    await t.db.transaction((tx) => recordSessionEvent(tx, { sessionId, actor: temp, kind: "archived" }));
    await t.db.query("delete from users where id = $1", [temp.userId]);
    const events = (await listSessionEvents(admin, sessionId, options))!;
    expect(events.at(-1)).toMatchObject({ kind: "archived", actor: "Temp Admin" });
  });
});
