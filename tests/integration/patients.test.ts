/** Patients, scoring configuration reads and the export audit trail, on both drivers. */
import { beforeAll, expect, it } from "vitest";
import type { Caller } from "~/lib/server/auth/caller.server";
import { ForbiddenError, ValidationError } from "~/lib/server/errors.server";
import { ensurePatient, getPatient, listPatients } from "~/lib/server/repositories/patients.server";
import { getDefaultScoringConfiguration, getPatientScoringConfiguration } from "~/lib/server/repositories/scoring-configurations.server";
import { listSessions } from "~/lib/server/repositories/sessions/read.server";
import { recordExport } from "~/lib/server/repositories/export-history.server";
import { forEachDriver } from "../support/databases";
import { insertPatient, insertUser } from "../support/users";

forEachDriver("patients", (t) => {
  let therapistA: Caller;
  let therapistB: Caller;
  let researcher: Caller;
  let admin: Caller;

  beforeAll(async () => {
    therapistA = await insertUser(t.db, "therapist");
    therapistB = await insertUser(t.db, "therapist");
    researcher = await insertUser(t.db, "researcher");
    admin = await insertUser(t.db, "admin");
  });

  it("ensurePatient creates a missing patient for the therapist; a malformed code or a researcher is refused", async () => {
    const patient = await ensurePatient(therapistA, "P101", { db: t.db });
    expect(patient).toMatchObject({ code: "P101", therapistId: therapistA.userId, mvcCh1: null, mvcCh2: null, sessionCount: 0 });
    await expect(ensurePatient(therapistB, "P1", { db: t.db })).rejects.toThrow(ValidationError);
    await expect(ensurePatient(researcher, "P102", { db: t.db })).rejects.toThrow(ForbiddenError);
    expect(await getPatient(admin, "P102", { db: t.db })).toBeNull();
    expect((await ensurePatient(therapistA, "P105", { db: t.db })).therapistId).toBe(therapistA.userId);
  });

  it("reads a patient's stored MVC; admins see every patient with its therapist", async () => {
    await insertPatient(t.db, "P103", therapistB, { mvcCh1: 0.0004 });
    expect(await getPatient(therapistB, "P103", { db: t.db })).toMatchObject({
      therapistId: therapistB.userId,
      mvcCh1: 0.0004,
      mvcCh2: null,
    });
    expect((await getPatient(admin, "P103", { db: t.db }))?.therapistId).toBe(therapistB.userId);
  });

  it("scopes lists: own patients for a therapist, all (without therapist) for a researcher", async () => {
    expect((await listPatients(therapistA, { db: t.db })).map((p) => p.code)).toEqual(["P101", "P105"]);
    expect((await listPatients(therapistB, { db: t.db })).map((p) => p.code)).toEqual(["P103"]);
    const all = await listPatients(researcher, { db: t.db });
    expect(all.map((p) => p.code)).toEqual(["P101", "P103", "P105"]);
    expect(all.every((p) => p.therapistId === null)).toBe(true);
    expect(await getPatient(therapistB, "P101", { db: t.db })).toBeNull();
  });

  it("ensurePatient returns or creates, but never takes another therapist's code", async () => {
    expect((await ensurePatient(therapistA, "P101", { db: t.db })).code).toBe("P101");
    expect((await ensurePatient(therapistB, "P106", { db: t.db })).therapistId).toBe(therapistB.userId);
    await expect(ensurePatient(therapistB, "P101", { db: t.db })).rejects.toThrow(ForbiddenError);
  });

  it("reads the default scoring configuration, or the patient's own", async () => {
    const fallback = await getDefaultScoringConfiguration({ db: t.db });
    expect(fallback).toMatchObject({ is_default: true, weight_compliance: 0.5, expected_contractions: 12 });
    expect((await getPatientScoringConfiguration(therapistA, "P101", { db: t.db })).id).toBe(fallback.id);

    const own = await t.db.query<{ id: string }>(
      `insert into scoring_configurations (name, weight_compliance, weight_symmetry, weight_effort, weight_game,
         weight_completion, weight_intensity, weight_duration, rpe_mapping, bfr_min_aop, bfr_max_aop,
         expected_contractions, target_duration_ms, mvc_threshold_percentage)
       values ('P101 plan', 0.6, 0.2, 0.2, 0, 0.5, 0.25, 0.25, '{"5": 100}', 45, 55, 10, 3000, 70) returning id`,
    );
    await t.db.query("update patients set scoring_configuration_id = $1 where code = 'P101'", [own.rows[0].id]);
    expect(await getPatientScoringConfiguration(therapistA, "P101", { db: t.db })).toMatchObject({
      name: "P101 plan",
      expected_contractions: 10,
      rpe_mapping: { "5": 100 },
    });
  });

  it("records exports in export_history and ignores a non-numeric page size", async () => {
    await recordExport(researcher, { format: "csv", kind: "batch", sessionIds: [] }, { db: t.db });
    const { rows } = await t.db.query("select user_id, format, kind, session_ids from export_history");
    expect(rows).toEqual([{ user_id: researcher.userId, format: "csv", kind: "batch", session_ids: [] }]);
    await expect(recordExport(researcher, { format: "xml" as "csv", kind: "batch", sessionIds: [] }, { db: t.db })).rejects.toMatchObject({
      constraint: "export_history_format_check",
    });
    expect(await listSessions(admin, { limit: Number.NaN, offset: Number.NaN }, { db: t.db })).toEqual({
      sessions: [],
      total: 0,
    });
  });
});
