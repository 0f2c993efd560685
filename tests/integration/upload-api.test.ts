/**
 * The upload API (POST /api/sessions) with bearer tokens, on PGlite and a real PostgreSQL: 201 for a
 * new session, 200 with the same id for the same file again, the form's statuses for bad input
 * (400 / 413 / 422), 403 naming the scope `upload` for a token without it, 409 for another
 * therapist's patient code, 401 without a token — and nothing stored whenever the answer is an error.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import * as uploadApi from "~/routes/api.sessions";
import { createApiToken } from "~/lib/server/auth/api-tokens.server";
import { createUser, type User } from "~/lib/server/auth/users.server";
import { forEachDriver } from "../support/databases";
import { ACTING_ADMIN, callerOf } from "../support/users";
import { BASE, invoke, useAsAppDb } from "./auth-harness";

const FIXTURE = "Ghostly_Emg_20230321_17-23-09-0409.c3d";
const fixtureBytes = readFileSync(path.join(import.meta.dirname, "../fixtures/c3d", FIXTURE));

function apiUpload(
  token: string | null,
  fields: Record<string, string>,
  file: { name: string; bytes: Uint8Array } | null = { name: FIXTURE, bytes: fixtureBytes },
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set("file", new File([file.bytes as BlobPart], file.name, { type: "application/octet-stream" }));
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  return invoke(uploadApi.action, new Request(BASE + "/api/sessions", { method: "POST", body: form, headers }));
}

forEachDriver("upload API", (t) => {
  useAsAppDb(t);
  const tag = t.driver;
  const prefix = tag === "pglite" ? "P61" : "P62";
  let uploader: string;
  let exportOnly: string;
  let otherTherapist: string;
  let therapist: User;

  const sessionCount = async () => Number((await t.db.query<{ n: number }>("select count(*)::int as n from therapy_sessions")).rows[0].n);

  beforeAll(async () => {
    const db = { db: t.db };
    therapist = await createUser(
      ACTING_ADMIN,
      { email: `api-up-${tag}@example.org`, displayName: "T", password: "api-upload-pass-1", role: "therapist" },
      db,
    );
    const other = await createUser(
      ACTING_ADMIN,
      { email: `api-up2-${tag}@example.org`, displayName: "O", password: "api-upload-pass-1", role: "therapist" },
      db,
    );
    uploader = (await createApiToken(callerOf(therapist), "game", { scopes: ["upload"], ...db })).token;
    exportOnly = (await createApiToken(callerOf(therapist), "reader", { scopes: ["export"], ...db })).token;
    otherTherapist = (await createApiToken(callerOf(other), "other", { scopes: ["upload"], ...db })).token;
  });

  it("answers 201 with the new session's id and url, then 200 with the same id for the same file", async () => {
    const created = await apiUpload(uploader, { patient_code: `${prefix}01` });
    expect(created.status).toBe(201);
    const body = created.body as { session_id: string; url: string };
    expect(body.url).toBe(`${BASE}/sessions/${body.session_id}`);
    const before = await sessionCount();
    const again = await apiUpload(uploader, { patient_code: `${prefix}01` });
    expect(again.status).toBe(200);
    expect((again.body as { session_id: string }).session_id).toBe(body.session_id);
    expect(await sessionCount()).toBe(before);
  });

  it("applies the form's optional inputs (the stated RPE is stored with the scores)", async () => {
    const answer = await apiUpload(uploader, { patient_code: `${prefix}02`, rpe_post_session: "7" });
    expect(answer.status).toBe(201);
    const { rows } = await t.db.query<{ rpe: number }>("select rpe_post_session as rpe from performance_scores where session_id = $1", [
      (answer.body as { session_id: string }).session_id,
    ]);
    expect(rows[0].rpe).toBe(7);
  });

  it("refuses bad input with the form's statuses and stores nothing", async () => {
    const before = await sessionCount();
    const missingPatient = await apiUpload(uploader, {});
    expect(missingPatient.status).toBe(400);
    expect((missingPatient.body as { errors: Record<string, string> }).errors.patient_code).toMatch(/patient/i);
    const badCode = await apiUpload(uploader, { patient_code: "X1" });
    expect(badCode.status).toBe(400);
    const noFile = await apiUpload(uploader, { patient_code: `${prefix}03` }, null);
    expect(noFile.status).toBe(400);
    expect((noFile.body as { errors: Record<string, string> }).errors.file).toBeDefined();
    const notC3d = await apiUpload(uploader, { patient_code: `${prefix}03` }, { name: "notes.txt", bytes: new Uint8Array([1, 2, 3]) });
    expect(notC3d.status).toBe(422);
    const garbage = await apiUpload(uploader, { patient_code: `${prefix}03` }, { name: "broken.c3d", bytes: new Uint8Array(600).fill(7) });
    expect(garbage.status).toBe(422);
    const badOption = await apiUpload(uploader, { patient_code: `${prefix}03`, mvc_ch1: "-1" });
    expect(badOption.status).toBe(400);
    expect(Object.keys((badOption.body as { errors: Record<string, string> }).errors)).toContain("mvc_ch1");
    const tooLarge = await invoke(
      uploadApi.action,
      new Request(BASE + "/api/sessions", {
        method: "POST",
        body: "x",
        headers: {
          Authorization: `Bearer ${uploader}`,
          "Content-Type": "multipart/form-data; boundary=b",
          "Content-Length": String(10 * 1024 ** 3),
        },
      }),
    );
    expect(tooLarge.status).toBe(413);
    expect(await sessionCount()).toBe(before);
  });

  it("refuses a token without the upload scope (403 naming it), another therapist's patient (409, saying only that the code is taken) and no token (401)", async () => {
    const before = await sessionCount();
    const scoped = await apiUpload(exportOnly, { patient_code: `${prefix}04` });
    expect(scoped.status).toBe(403);
    expect((scoped.body as { error: string }).error).toContain("'upload'");
    const foreign = await apiUpload(otherTherapist, { patient_code: `${prefix}01` });
    expect(foreign.status).toBe(409);
    const anonymous = await apiUpload(null, { patient_code: `${prefix}04` });
    expect(anonymous.status).toBe(401);
    expect(await sessionCount()).toBe(before);
  });
});
