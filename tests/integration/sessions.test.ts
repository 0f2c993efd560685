/**
 * The session repository against both drivers (PGlite in a temp dir, a real PostgreSQL server):
 * round trip, duplicates, constraints, all-or-nothing writes, restart, scoping, paging, re-scoring.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Caller } from "~/lib/server/auth/caller.server";
import { ForbiddenError, ValidationError } from "~/lib/server/errors.server";
import type { Queryable } from "~/lib/server/db/types.server";
import { getPatient } from "~/lib/server/repositories/patients.server";
import { getSession, listSessions } from "~/lib/server/repositories/sessions/read.server";
import { newSessionCode } from "~/lib/server/repositories/sessions/session-code.server";
import type { RepositoryOptions } from "~/lib/server/repositories/options.server";
import { storeAnalysis, updateSessionInputs } from "~/lib/server/repositories/sessions/write.server";
import { streamSessions } from "~/lib/server/repositories/sessions/stream.server";
import { createFileStorage } from "~/lib/server/storage/blobs.server";
import { buildAnalysis, fakeC3dBytes } from "../support/analysis";
import { forEachDriver } from "../support/databases";
import { expectSameSections } from "../support/stored";
import { insertUser } from "../support/users";

async function countRows(t: { db: Queryable }) {
  const { rows } = await t.db.query<{ sessions: number; channels: number; contractions: number; scores: number }>(
    `select (select count(*)::int from therapy_sessions) as sessions,
            (select count(*)::int from channel_results) as channels,
            (select count(*)::int from contractions) as contractions,
            (select count(*)::int from performance_scores) as scores`,
  );
  return rows[0];
}

forEachDriver("session repository", (t) => {
  let therapistA: Caller & { displayName: string };
  let therapistB: Caller;
  let researcher: Caller;
  let admin: Caller;
  let options: RepositoryOptions;

  beforeAll(async () => {
    therapistA = await insertUser(t.db, "therapist", { displayName: "Dr. Alice" });
    therapistB = await insertUser(t.db, "therapist");
    researcher = await insertUser(t.db, "researcher");
    admin = await insertUser(t.db, "admin");
    options = { db: t.db, storage: createFileStorage(path.join(t.tempDir, "uploads")) };
  });

  const store = (caller: Caller, patientCode: string, bytes = fakeC3dBytes(), extra: Parameters<typeof buildAnalysis>[1] = {}) =>
    storeAnalysis(caller, { patientCode, analysis: buildAnalysis(bytes, extra), bytes }, options);

  it("stores an analysis in every table and gives every export section back unchanged", async () => {
    const bytes = fakeC3dBytes();
    const analysis = buildAnalysis(bytes);
    const result = await storeAnalysis(therapistA, { patientCode: "P001", analysis, bytes }, options);
    expect(result.duplicate).toBe(false);
    expect(result.sessionCode).toMatch(/^S-20230321-[0-9A-HJKMNP-TV-Z]{6}$/);

    const stored = await getSession(therapistA, result.sessionId, options);
    expect(stored).not.toBeNull();
    expectSameSections(stored!, analysis);
    expect(stored!.session).toEqual({
      ...analysis.session,
      session_code: result.sessionCode,
      patient_code: "P001",
      therapist: "Dr. Alice",
    });
    // The original bytes are kept, content-addressed.
    expect(await options.storage!.get(analysis.session.file_sha256!)).toEqual(bytes);
    // The patient was created for the therapist who uploaded.
    expect((await getPatient(therapistA, "P001", { db: t.db }))?.therapistId).toBe(therapistA.userId);
  });

  it("keeps recorded_at as the wall-clock time the file states, or null, whatever the server's zone", async () => {
    await t.db.query("set timezone = 'America/New_York'");
    try {
      const withTime = await store(therapistA, "P006", fakeC3dBytes(), { recordedAt: "2023-03-21T17:50:17" });
      expect((await getSession(therapistA, withTime.sessionId, options))?.session.recorded_at).toBe("2023-03-21T17:50:17");
      const without = await store(therapistA, "P006", fakeC3dBytes(), { recordedAt: null });
      expect((await getSession(therapistA, without.sessionId, options))?.session.recorded_at).toBeNull();
      // Without a recording time the session sorts by upload time: it is the newest.
      expect((await listSessions(therapistA, { patientCode: "P006" }, options)).sessions[0].id).toBe(without.sessionId);
    } finally {
      await t.db.query("reset timezone");
    }
  });

  it("returns the existing session for the same file and patient, and a new one for another patient", async () => {
    const bytes = fakeC3dBytes();
    const first = await store(therapistA, "P002", bytes);
    const before = await countRows(t);
    const again = await store(therapistA, "P002", bytes);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await countRows(t)).toEqual(before);

    const otherPatient = await store(therapistA, "P003", bytes);
    expect(otherPatient.duplicate).toBe(false);
    expect(otherPatient.sessionId).not.toBe(first.sessionId);
  });

  it("stores one session when the same file is uploaded twice at the same time", async () => {
    const bytes = fakeC3dBytes();
    const results = await Promise.all([store(therapistA, "P004", bytes), store(therapistA, "P004", bytes)]);
    expect(results[0].sessionId).toBe(results[1].sessionId);
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
    const { rows } = await t.db.query("select id from therapy_sessions where file_sha256 = $1", [buildAnalysis(bytes).session.file_sha256]);
    expect(rows).toHaveLength(1);
  });

  it("rejects a malformed patient code, in the repository and in the database", async () => {
    await expect(store(therapistA, "X17")).rejects.toThrow(ValidationError);
    await expect(store(therapistA, "P12")).rejects.toThrow(/P followed by three to nine digits/);
    await expect(t.db.query("insert into patients (code, therapist_id) values ('p001', $1)", [therapistA.userId])).rejects.toMatchObject({
      code: "23514",
      constraint: "patients_code_format",
    });
  });

  it("rolls back everything when a write fails half-way (contraction breaking a constraint)", async () => {
    const before = await countRows(t);
    const bytes = fakeC3dBytes();
    const analysis = buildAnalysis(bytes);
    // The last contraction is written after the session and its channels: is_good contradicts its flags.
    const last = analysis.contractions[analysis.contractions.length - 1];
    analysis.contractions[analysis.contractions.length - 1] = { ...last, meets_intensity: false, is_good: true };
    const failure = storeAnalysis(therapistA, { patientCode: "P090", analysis, bytes }, options);
    await expect(failure).rejects.toThrow(ValidationError);
    await expect(failure).rejects.toMatchObject({ field: "contractions_is_good" });
    expect(await countRows(t)).toEqual(before);
    // The patient created inside the same transaction is gone too.
    expect(await getPatient(admin, "P090", { db: t.db })).toBeNull();
  });

  it("rejects a score out of range without writing anything", async () => {
    const before = await countRows(t);
    const bytes = fakeC3dBytes();
    const analysis = buildAnalysis(bytes);
    analysis.performance_scores.symmetry_score = 100.5;
    await expect(storeAnalysis(therapistA, { patientCode: "P005", analysis, bytes }, options)).rejects.toMatchObject({
      name: "ValidationError",
      field: "performance_scores_symmetry_score_check",
    });
    const rate = buildAnalysis(bytes);
    rate.compliance_breakdown.right_muscle.intensity_rate = 1.2;
    await expect(storeAnalysis(therapistA, { patientCode: "P005", analysis: rate, bytes }, options)).rejects.toMatchObject({
      field: "performance_scores_right_intensity_rate_check",
    });
    expect(await countRows(t)).toEqual(before);
  });

  it("refuses bytes that do not match the analysis' sha256", async () => {
    const bytes = fakeC3dBytes();
    const analysis = buildAnalysis(fakeC3dBytes());
    await expect(storeAnalysis(therapistA, { patientCode: "P001", analysis, bytes }, options)).rejects.toMatchObject({
      field: "file_sha256",
    });
  });

  describe("scoping", () => {
    let sessionId: string;
    beforeAll(async () => {
      sessionId = (await store(therapistA, "P010")).sessionId;
    });

    it("hides therapist A's session from therapist B exactly like a missing id", async () => {
      expect(await getSession(therapistB, sessionId, options)).toBeNull();
      expect(await getSession(therapistB, "00000000-0000-4000-8000-000000000000", options)).toBeNull();
      expect(await getSession(therapistB, "not-a-uuid", options)).toBeNull();
      const list = await listSessions(therapistB, {}, options);
      expect(list).toEqual({ sessions: [], total: 0 });
      expect(await getPatient(therapistB, "P010", { db: t.db })).toBeNull();
    });

    it("shows the session to a researcher without therapist identity", async () => {
      const seen = await getSession(researcher, sessionId, options);
      expect(seen?.session.patient_code).toBe("P010");
      expect(seen?.session.therapist).toBeNull();
      const list = await listSessions(researcher, { patientCode: "P010" }, options);
      expect(list.total).toBe(1);
      expect(list.sessions[0].therapist).toBeNull();
      expect((await getPatient(researcher, "P010", { db: t.db }))?.therapistId).toBeNull();
    });

    it("shows the session to an admin with therapist identity", async () => {
      expect((await getSession(admin, sessionId, options))?.session.therapist).toBe("Dr. Alice");
    });

    it("forbids researchers to store and lets therapist B not take over A's patient", async () => {
      await expect(store(researcher, "P011")).rejects.toThrow(ForbiddenError);
      await expect(store(therapistB, "P010")).rejects.toThrow(ForbiddenError);
    });
  });

  describe("listing and streaming", () => {
    let recorded: string[];
    beforeAll(async () => {
      // Five sessions of one patient on five days, stored out of order.
      recorded = ["2024-01-03", "2024-01-01", "2024-01-05", "2024-01-02", "2024-01-04"].map((d) => `${d}T10:00:00`);
      for (const recordedAt of recorded) await store(therapistA, "P020", fakeC3dBytes(), { recordedAt });
    });

    it("lists newest first with the total, and pages with limit/offset", async () => {
      const page1 = await listSessions(therapistA, { patientCode: "P020", limit: 2 }, options);
      const page2 = await listSessions(therapistA, { patientCode: "P020", limit: 2, offset: 2 }, options);
      expect(page1.total).toBe(5);
      expect([...page1.sessions, ...page2.sessions].map((s) => s.recorded_at)).toEqual([...recorded].sort().reverse().slice(0, 4));
      expect(page1.sessions[0].overall_score).toBeCloseTo(buildAnalysis(fakeC3dBytes()).performance_scores.overall_score!, 10);
    });

    it("filters by date: a date-only `to` includes that whole day", async () => {
      const list = await listSessions(therapistA, { patientCode: "P020", from: "2024-01-02", to: "2024-01-04" }, options);
      expect(list.sessions.map((s) => s.recorded_at)).toEqual(["2024-01-04T10:00:00", "2024-01-03T10:00:00", "2024-01-02T10:00:00"]);
      await expect(listSessions(therapistA, { from: "yesterday" }, options)).rejects.toMatchObject({ field: "from" });
    });

    it("streams every visible session page by page in list order", async () => {
      const all = await listSessions(admin, { limit: 1000 }, options);
      const streamed: string[] = [];
      for await (const session of streamSessions(admin, { pageSize: 2 }, options)) {
        streamed.push(session.id);
        expect(session.envelopes).toEqual({});
        expect(session.contractions.length).toBeGreaterThan(0);
      }
      expect(streamed).toEqual(all.sessions.map((s) => s.id));
      expect(new Set(streamed).size).toBe(all.total);

      const mine: string[] = [];
      for await (const session of streamSessions(therapistB, { pageSize: 2 }, options)) mine.push(session.id);
      expect(mine).toEqual([]);
    });
  });

  describe("re-scoring", () => {
    it("stores new inputs and scores in one transaction", async () => {
      const { sessionId } = await store(therapistA, "P030");
      const before = (await getSession(therapistA, sessionId, options))!;
      const inputs = { ...before.session_parameters, rpe_post_session: 9 };
      // RPE 9 maps to 20 (docs/scoring.md): effort 20 instead of 100.
      const effort = 20;
      const scores = before.performance_scores;
      const overall = 0.5 * scores.compliance_score! + 0.25 * scores.symmetry_score! + 0.25 * effort;
      const updated = await updateSessionInputs(
        therapistA,
        sessionId,
        inputs,
        {
          performance_scores: { ...scores, effort_score: effort, rpe_post_session: 9, overall_score: overall, category: "below_target" },
          compliance_breakdown: before.compliance_breakdown,
          data_completeness: { ...before.data_completeness, rpe_source: "therapist_edit" },
        },
        options,
      );
      expect(updated?.session_parameters.rpe_post_session).toBe(9);
      expect(updated?.performance_scores.effort_score).toBe(20);
      expect(updated?.performance_scores.overall_score).toBe(overall);
      expect(updated?.data_completeness.rpe_source).toBe("therapist_edit");
      expect(updated?.contractions).toEqual(before.contractions);

      // Another therapist: not found; a researcher: forbidden; an invalid score: nothing changes.
      expect(await updateSessionInputs(therapistB, sessionId, inputs, updated!, options)).toBeNull();
      await expect(updateSessionInputs(researcher, sessionId, inputs, updated!, options)).rejects.toThrow(ForbiddenError);
      await expect(
        updateSessionInputs(
          therapistA,
          sessionId,
          { ...inputs, rpe_post_session: 3 },
          {
            ...updated!,
            performance_scores: { ...updated!.performance_scores, effort_score: 140 },
          },
          options,
        ),
      ).rejects.toThrow(ValidationError);
      expect((await getSession(therapistA, sessionId, options))?.session_parameters.rpe_post_session).toBe(9);
    });

    it("replaces contractions and channel analytics when re-scored with a new MVC", async () => {
      const { sessionId } = await store(therapistA, "P031");
      const before = (await getSession(therapistA, sessionId, options))!;
      const contractions = before.contractions.map((c) => ({ ...c, meets_intensity: true, is_good: c.meets_duration }));
      const channels = Object.fromEntries(
        Object.entries(before.channels).map(([id, ch]) => [id, { ...ch, mvc_value: 0.0003, mvc_source: "patient" as const }]),
      );
      const updated = await updateSessionInputs(
        therapistA,
        sessionId,
        { ...before.session_parameters, mvc_threshold_ch1: 0.000225 },
        { ...before, channels, contractions },
        options,
      );
      expect(updated?.contractions).toEqual(contractions);
      expect(updated?.channels.CH1.mvc_source).toBe("patient");
      expect(updated?.envelopes.CH1.values).toEqual(before.envelopes.CH1.values);
    });
  });

  it("keeps every session across a restart (close and reopen the same database)", async () => {
    const before = await listSessions(admin, { limit: 1000 }, options);
    const first = await getSession(admin, before.sessions[0].id, options);
    const db = await t.reopen();
    const reopened = { ...options, db };
    expect(await listSessions(admin, { limit: 1000 }, reopened)).toEqual(before);
    expect(await getSession(admin, before.sessions[0].id, reopened)).toEqual(first);
  });
});

describe("session codes", () => {
  it("use the recording day and six Crockford base32 characters", () => {
    expect(newSessionCode("2023-03-21T23:59:59")).toMatch(/^S-20230321-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(newSessionCode(null, new Date("2026-11-26T03:00:00Z"))).toMatch(/^S-20261126-/);
  });
});
