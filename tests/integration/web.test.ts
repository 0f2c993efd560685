/**
 * The therapist pages' loaders and actions called directly (as Remix would), against PGlite and a
 * real PostgreSQL: validation messages beside the right field, the HTTP status that fits, and
 * nothing stored when anything is wrong.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as root from "~/root";
import * as loginRoute from "~/routes/login";
import * as uploadRoute from "~/routes/sessions.new/route";
import * as reviewRoute from "~/routes/sessions.$sessionId/route";
import * as listRoute from "~/routes/sessions._index/route";
import * as patientRoute from "~/routes/patients.$code/route";
import * as analyzeRoute from "~/routes/analyze/route";
import { uploadSession } from "~/routes/sessions.new/upload.server";
import { createUser } from "~/lib/server/auth/users.server";
import { forEachDriver } from "../support/databases";
import { ACTING_ADMIN } from "../support/users";
import { BASE, Browser, invoke, submit, useAsAppDb, visit, type Answer } from "./auth-harness";

const PASSWORD = "a-long-password-1";
const FIXTURE = "Ghostly_Emg_20230321_17-23-09-0409.c3d";
const fixtureBytes = readFileSync(path.join(import.meta.dirname, "../fixtures/c3d", FIXTURE));
/** Independent reference (SciPy) of that file with every default: what an upload without inputs must score. */
const reference = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "../fixtures/reference/pipeline", `${FIXTURE}.a.json`), "utf8"),
) as { performance_scores: { overall_score: number; compliance_score: number; symmetry_score: number } };

type Handler = Parameters<typeof invoke>[0];

async function signIn(browser: Browser, email: string) {
  await visit(browser, root, loginRoute, "/login");
  const answer = await submit(browser, loginRoute, "/login", { email, password: PASSWORD });
  expect(answer.status).toBe(302);
  await visit(browser, root, null, "/");
}

/** A multipart POST as the browser sends the upload form (csrf from the signed-in browser). */
function multipart(
  browser: Browser,
  pathname: string,
  fields: Record<string, string>,
  file: { name: string; bytes: Uint8Array } | null = { name: FIXTURE, bytes: fixtureBytes },
): Request {
  const form = new FormData();
  form.set("csrf", browser.csrf ?? "");
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set("file", new File([file.bytes as BlobPart], file.name, { type: "application/octet-stream" }));
  return new Request(BASE + pathname, { method: "POST", body: form, headers: browser.cookie ? { Cookie: browser.cookie } : {} });
}

const errorsOf = (answer: Answer) => (answer.body as { errors: Record<string, string> }).errors;

/** The original files the app has stored (DATA_DIR/uploads/<aa>/<sha256>.c3d). */
const uploadedFiles = () =>
  readdirSync(path.join(process.env.DATA_DIR!, "uploads"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".c3d"))
    .sort();

const MARKER_SET = Buffer.from("Using ETRO extended marker set", "latin1");
/** The n-th distinct copy of a GHOSTLY file: free text the pipeline never reads gets n (new hash, same analysis). */
function variant(bytes: Uint8Array, n: number): Uint8Array {
  const copy = Buffer.from(bytes);
  const at = copy.indexOf(MARKER_SET);
  if (at < 0) throw new Error("the fixture has no SUBJECTS:MARKER_SET text to vary");
  copy.write(String(n).padStart(3, "0"), at + MARKER_SET.length - 3, "latin1");
  return new Uint8Array(copy);
}

forEachDriver("therapist web pages", (t) => {
  useAsAppDb(t);
  const tag = `web-${t.driver}`;
  const therapist = new Browser();
  const other = new Browser();
  const researcher = new Browser();
  let code = 100;
  const nextPatient = () => `P${tag === "web-pglite" ? 7 : 8}${String(code++).padStart(3, "0")}`;

  const sessionCount = async () => Number((await t.db.query<{ n: number }>("select count(*)::int as n from therapy_sessions")).rows[0].n);
  const patientCount = async () => Number((await t.db.query<{ n: number }>("select count(*)::int as n from patients")).rows[0].n);
  const upload = (browser: Browser, fields: Record<string, string>, file?: { name: string; bytes: Uint8Array } | null) =>
    invoke(uploadRoute.action, multipart(browser, "/sessions/new", fields, file));

  it("signs the three users in", async () => {
    for (const [browser, role, name] of [
      [therapist, "therapist", "a"],
      [other, "therapist", "b"],
      [researcher, "researcher", "r"],
    ] as const) {
      const email = `${name}-${tag}@example.org`;
      await createUser(ACTING_ADMIN, { email, displayName: name, password: PASSWORD, role }, { db: t.db });
      await signIn(browser, email);
    }
  });

  describe("upload action", () => {
    it("rejects a form without a file (400), a wrong type and an unreadable C3D (422), storing nothing", async () => {
      const before = { sessions: await sessionCount(), patients: await patientCount() };
      const patient = nextPatient();
      const none = await upload(therapist, { new_patient_code: patient }, null);
      expect(none.status).toBe(400);
      expect(errorsOf(none)).toEqual({ file: "Choose a C3D file to upload." });

      const text = await upload(therapist, { new_patient_code: patient }, { name: "notes.txt", bytes: new TextEncoder().encode("hello") });
      expect(text.status).toBe(422);
      expect(errorsOf(text).file).toBe('"notes.txt" is not a C3D file: the name must end in .c3d.');

      const empty = await upload(therapist, { new_patient_code: patient }, { name: "empty.c3d", bytes: new Uint8Array(0) });
      expect(empty.status).toBe(422);
      expect(errorsOf(empty).file).toBe('"empty.c3d" is empty (0 bytes).');

      const corrupt = Uint8Array.from(fixtureBytes);
      corrupt[1] = 0; // byte 1 of a C3D header must be 0x50
      const bad = await upload(therapist, { new_patient_code: patient }, { name: "bad.c3d", bytes: corrupt });
      expect(bad.status).toBe(422);
      expect(errorsOf(bad).file).toMatch(
        /^"bad\.c3d" cannot be read as C3D: C3D not-c3d at byte 1: byte 1 must be the C3D key 0x50, found 0x00\.$/,
      );

      expect(await sessionCount()).toBe(before.sessions);
      expect(await patientCount()).toBe(before.patients);
    });

    it("names the field of an invalid parameter or patient (400) and keeps the typed values", async () => {
      const before = await sessionCount();
      const rpe = await upload(therapist, { new_patient_code: nextPatient(), rpe_post_session: "11" });
      expect(rpe.status).toBe(400);
      expect(errorsOf(rpe)).toEqual({ rpe_post_session: "must be between 0 and 10" });
      expect((rpe.body as { values: Record<string, string> }).values.rpe_post_session).toBe("11");

      const bfr = await upload(therapist, { new_patient_code: nextPatient(), bfr_pressure_aop: "fifty" });
      expect(errorsOf(bfr)).toEqual({ bfr_pressure_aop: 'must be a number, got "fifty"' });

      const mvc = await upload(therapist, { new_patient_code: nextPatient(), mvc_ch1: "-0.1" });
      expect(errorsOf(mvc)).toEqual({ mvc_ch1: "must be > 0 (volts)" });

      const noPatient = await upload(therapist, {});
      expect(noPatient.status).toBe(400);
      expect(errorsOf(noPatient)).toEqual({ patient_code: "Choose the patient, or type a new patient code." });

      const badCode = await upload(therapist, { new_patient_code: "X12" });
      expect(errorsOf(badCode)).toEqual({
        new_patient_code: '"X12" is not a patient code: P followed by three to nine digits, e.g. P001.',
      });

      const both = await upload(therapist, { patient_code: "P001", new_patient_code: "P002" });
      expect(Object.keys(errorsOf(both))).toEqual(["new_patient_code"]);
      expect(await sessionCount()).toBe(before);
    });

    it("another therapist's patient answers exactly like a missing one (404), and the refused upload stores no file", async () => {
      const owned = nextPatient();
      expect((await upload(therapist, { new_patient_code: owned })).status).toBe(302);
      const before = { sessions: await sessionCount(), files: uploadedFiles() };
      const bytes = variant(fixtureBytes, 1);
      const file = { name: "other.c3d", bytes };
      const foreign = await upload(other, { patient_code: owned }, file);
      const missingCode = nextPatient();
      const missing = await upload(other, { patient_code: missingCode }, file);
      expect(foreign.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(errorsOf(foreign).patient_code.replace(owned, "<code>")).toBe(errorsOf(missing).patient_code.replace(missingCode, "<code>"));
      // Typed as a new code, a taken one is refused as taken (codes are global) — nothing more.
      const taken = await upload(other, { new_patient_code: owned }, file);
      expect(taken.status).toBe(409);
      expect(errorsOf(taken)).toEqual({ new_patient_code: `The patient code ${owned} is already in use: choose another code.` });
      expect(await sessionCount()).toBe(before.sessions);
      expect(uploadedFiles()).toEqual(before.files);
      expect(uploadedFiles().some((f) => f.includes(createHash("sha256").update(bytes).digest("hex")))).toBe(false);
    });

    it("uploads a file whose name has ; and = in it (valid RFC 7578), keeping the name", async () => {
      const name = "take 2; left=weak.c3d";
      const stored = await upload(therapist, { new_patient_code: nextPatient() }, { name, bytes: variant(fixtureBytes, 2) });
      expect(stored.status).toBe(302);
      const id = stored.location!.split("/").pop()!;
      const { rows } = await t.db.query<{ source_filename: string }>("select source_filename from therapy_sessions where id = $1", [id]);
      expect(rows[0].source_filename).toBe(name);
    });

    it("answers 413 past MAX_UPLOAD_MB while streaming, naming the size and the limit", async () => {
      const before = await sessionCount();
      const request = multipart(therapist, "/sessions/new", { new_patient_code: nextPatient() });
      const { rows } = await t.db.query<{ id: string }>("select id from users where email = $1", [`a-${tag}@example.org`]);
      const result = await uploadSession({ userId: rows[0].id, role: "therapist" }, request, { maxUploadMb: 1 });
      expect(result).toMatchObject({ ok: false, status: 413, errors: { file: "The file is 1.2 MB; the limit is 1 MB." } });
      expect(await sessionCount()).toBe(before);
    });

    it("refuses a missing CSRF token (403) and a researcher (403)", async () => {
      const noToken = multipart(therapist, "/sessions/new", { new_patient_code: nextPatient() });
      const form = await noToken.formData();
      form.set("csrf", "forged");
      const forged = await invoke(
        uploadRoute.action,
        new Request(BASE + "/sessions/new", { method: "POST", body: form, headers: { Cookie: therapist.cookie! } }),
      );
      expect(forged.status).toBe(403);
      const denied = await upload(researcher, { new_patient_code: nextPatient() });
      expect(denied.status).toBe(403);
    });

    it("stores a valid upload and redirects to it; the same file again lands on the same session", async () => {
      const patient = nextPatient();
      const first = await upload(therapist, { new_patient_code: patient });
      expect(first.status).toBe(302);
      const id = /^\/sessions\/([0-9a-f-]{36})$/.exec(first.location ?? "")?.[1];
      expect(id).toBeDefined();
      const again = await upload(therapist, { patient_code: patient });
      expect(again.status).toBe(302);
      expect(again.location).toBe(`/sessions/${id}?duplicate=1`);
      const { rows } = await t.db.query<{ n: number }>(
        "select count(*)::int as n from therapy_sessions s join patients p on p.id = s.patient_id where p.code = $1",
        [patient],
      );
      expect(rows[0].n).toBe(1);
    });
  });

  describe("review page", () => {
    let sessionId = "";
    const patient = nextPatient();

    it("shows the canonical export of the session to its therapist, 404 to anyone else", async () => {
      const stored = await upload(therapist, { new_patient_code: patient });
      sessionId = stored.location!.split("/").pop()!;
      const review = await invoke(reviewRoute.loader, therapist.get(`/sessions/${sessionId}`), { sessionId });
      expect(review.status).toBe(200);
      const body = review.body as {
        exp: { export_metadata: { session_id: string }; performance_scores: { overall_score: number } };
        envelopes: Record<string, { times_s: number[] }>;
        canEdit: boolean;
      };
      expect(body.exp.export_metadata.session_id).toBe(sessionId);
      expect(body.exp.performance_scores.overall_score).toBeCloseTo(reference.performance_scores.overall_score, 9);
      expect(Object.keys(body.envelopes)).toEqual(["CH1", "CH2"]);
      expect(body.canEdit).toBe(true);
      // UUIDs are case-insensitive: the upper-case spelling names the same session (it was a 404).
      const upper = sessionId.toUpperCase();
      const shouted = await invoke(reviewRoute.loader, therapist.get(`/sessions/${upper}`), { sessionId: upper });
      expect(shouted.status).toBe(200);
      expect((shouted.body as typeof body).exp.export_metadata.session_id).toBe(sessionId);

      for (const [browser, id] of [
        [other, sessionId],
        [therapist, "00000000-0000-0000-0000-000000000000"],
        [therapist, "not-a-uuid"],
      ] as const) {
        const answer = await invoke(reviewRoute.loader, browser.get(`/sessions/${id}`), { sessionId: id });
        expect(answer.status).toBe(404);
      }
    });

    it("rejects an invalid correction beside its field (400) and changes nothing", async () => {
      const answer = await submit(therapist, reviewRoute, `/sessions/${sessionId}`, { rpe_post_session: "4.5" }, {}, { sessionId });
      expect(answer.status).toBe(400);
      expect(errorsOf(answer)).toEqual({ rpe_post_session: "must be an integer (Borg CR-10)" });
      const bfr = await submit(therapist, reviewRoute, `/sessions/${sessionId}`, { bfr_pressure_aop: "120" }, {}, { sessionId });
      expect(errorsOf(bfr)).toEqual({ bfr_pressure_aop: "must be between 0 and 100 (% AOP)" });
      const { rows } = await t.db.query<{ overall_score: number }>("select overall_score from performance_scores where session_id = $1", [
        sessionId,
      ]);
      expect(rows[0].overall_score).toBeCloseTo(reference.performance_scores.overall_score, 9);
    });

    it("re-scores a correction: an unsafe BFR pressure voids the overall score (docs/scoring.md BFR gate)", async () => {
      const ok = await submit(
        therapist,
        reviewRoute,
        `/sessions/${sessionId}`,
        { rpe_post_session: "5", bfr_pressure_aop: "70" },
        {},
        { sessionId },
      );
      expect(ok.status).toBe(302);
      const { rows } = await t.db.query<{ overall_score: number; bfr_compliant: boolean; effort_score: number }>(
        "select overall_score, bfr_compliant, effort_score from performance_scores where session_id = $1",
        [sessionId],
      );
      // 70 % AOP is outside [40, 60]: C_BFR = 0, so P = 0 whatever the components; RPE 5 → effort 100.
      expect(rows[0]).toEqual({ overall_score: 0, bfr_compliant: false, effort_score: 100 });
      const foreign = await submit(other, reviewRoute, `/sessions/${sessionId}`, { rpe_post_session: "5" }, {}, { sessionId });
      expect(foreign.status, "another therapist cannot correct it").toBe(404);
    });
  });

  describe("sessions list and patient page", () => {
    it("reports invalid filters on their field with 400", async () => {
      for (const [query, field, message] of [
        ["from=2024-13-01", "from", '"2024-13-01" is not a date (YYYY-MM-DD).'],
        ["from=0000-01-01", "from", '"0000-01-01" is not a date (YYYY-MM-DD).'],
        ["to=2024-02-30", "to", '"2024-02-30" is not a date (YYYY-MM-DD).'],
        [
          `patient=P${"1".repeat(300)}`,
          "patient",
          `"P${"1".repeat(300)}" is not a patient code (P followed by three to nine digits, e.g. P001).`,
        ],
        ["from=2024-05-02&to=2024-05-01", "to", "The end date 2024-05-01 is before the start date 2024-05-02."],
        ["page=0", "page", 'Page "0" is not a page number (1, 2, …).'],
        ["patient=bob", "patient", '"bob" is not a patient code (P followed by three to nine digits, e.g. P001).'],
      ] as const) {
        const answer = await invoke(listRoute.loader, therapist.get(`/sessions?${query}`));
        expect(answer.status, query).toBe(400);
        expect(errorsOf(answer), query).toEqual({ [field]: message });
      }
    });

    it("lists only the caller's sessions, newest first, filtered by patient and date", async () => {
      const all = await invoke(listRoute.loader, therapist.get("/sessions"));
      const body = all.body as { sessions: { patient_code: string; recorded_at: string }[]; total: number };
      expect(all.status).toBe(200);
      expect(body.total).toBeGreaterThanOrEqual(2);
      const times = body.sessions.map((s) => s.recorded_at);
      expect([...times].sort().reverse()).toEqual(times);
      expect((await invoke(listRoute.loader as Handler, other.get("/sessions"))).body).toMatchObject({ total: 0 });
      // The fixture was recorded on 2023-03-21.
      const day = await invoke(listRoute.loader, therapist.get("/sessions?from=2023-03-21&to=2023-03-21"));
      expect((day.body as { total: number }).total).toBe(body.total);
      const before = await invoke(listRoute.loader, therapist.get("/sessions?to=2023-03-20"));
      expect((before.body as { total: number }).total).toBe(0);
    });

    it("the patient page is 404 for an unknown or foreign patient and lists the patient's sessions", async () => {
      const missing = await invoke(patientRoute.loader, therapist.get("/patients/P999999"), { code: "P999999" });
      expect(missing.status).toBe(404);
      const { rows } = await t.db.query<{ code: string }>(
        "select p.code from patients p join therapy_sessions s on s.patient_id = p.id limit 1",
      );
      const code = rows[0].code;
      expect((await invoke(patientRoute.loader as Handler, other.get(`/patients/${code}`), { code })).status).toBe(404);
      const page = await invoke(patientRoute.loader, therapist.get(`/patients/${code}`), { code });
      expect(page.status).toBe(200);
      expect((page.body as { sessions: unknown[] }).sessions.length).toBeGreaterThanOrEqual(1);
    });
  });

  describe("quick analysis", () => {
    it("answers the export of an upload without storing it; a bad file is 422 on the file field", async () => {
      const before = await sessionCount();
      const ok = await invoke(analyzeRoute.action, multipart(therapist, "/analyze", {}));
      expect(ok.status).toBe(200);
      const result = (
        ok.body as { result: { exp: { export_metadata: { session_id: null }; performance_scores: { overall_score: number } } } }
      ).result;
      expect(result.exp.export_metadata.session_id).toBeNull();
      expect(result.exp.performance_scores.overall_score).toBeCloseTo(reference.performance_scores.overall_score, 9);
      const bad = await invoke(analyzeRoute.action, multipart(therapist, "/analyze", {}, { name: "x.c3d", bytes: new Uint8Array(512) }));
      expect(bad.status).toBe(422);
      expect(errorsOf(bad).file).toMatch(/^"x\.c3d" cannot be read as C3D/);
      expect(await sessionCount()).toBe(before);
    });
  });
});
