/**
 * The report routes against both database drivers, read back with the tools a person would use
 * (pdfinfo/pdftotext/pdftoppm, openpyxl): a stored session's PDF report and workbook hold the
 * values of the same session's JSON export; researchers' reports name no therapist; the batch
 * workbook streams every visible session; a patient's progress report covers their sessions in
 * the period; every refusal is a 4xx naming the field, and only answered files enter the history.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeC3d, parseAnalysisOptions } from "~/lib/analysis";
import { toCsvRow } from "~/lib/export";
import type { SessionExport } from "~/lib/export/schema";
import type { Caller } from "~/lib/server/auth/caller.server";
import { getConfig } from "~/lib/server/http/config.server";
import { storeAnalysis } from "~/lib/server/repositories/sessions/write.server";
import { createFileStorage } from "~/lib/server/storage/blobs.server";
import { createApiToken } from "~/lib/server/auth/api-tokens.server";
import * as uploadRoute from "~/routes/api.export";
import * as patientRoute from "~/routes/api.export_.patient.$code/route";
import * as sessionRoute from "~/routes/api.export_.session.$sessionId";
import * as batchRoute from "~/routes/api.export_.sessions";
import { forEachDriver } from "../support/databases";
import { pdfPageCount, pdfText, readWorkbook, renderPdfPages } from "../support/reports";
import { insertUser } from "../support/users";
import { BASE, invoke, useAsAppDb } from "./auth-harness";

const FIXTURES = path.resolve("tests/fixtures/c3d");
const FILE_A = "Ghostly_Emg_20230321_17-23-09-0409.c3d";
const FILE_B = "Ghostly_Emg_20231004_13-18-43-0464.c3d";
const SETTING_B = { rpe_post_session: "5", bfr_pressure_aop: "50", game_points_max: "30" };
const bytesOf = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));
const dir = mkdtempSync(path.join(os.tmpdir(), "report-routes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function get(pathname: string, token?: string): Request {
  return new Request(BASE + pathname, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
}

type Loader = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;

/** Calls a resource route and keeps its body as bytes (a PDF or xlsx is not text). */
async function download(loader: Loader, request: Request, params: Record<string, string> = {}) {
  const answer = (await loader({ request, params, context: {} })) as Response;
  const bytes = new Uint8Array(await answer.arrayBuffer());
  return { status: answer.status, headers: answer.headers, bytes };
}

function saved(bytes: Uint8Array, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

forEachDriver("report routes", (t) => {
  useAsAppDb(t);
  const tokens = { therapist: "", other: "", researcher: "", admin: "" };
  let therapist: Caller;
  const sessions: string[] = [];
  const jsonOf = async (id: string) =>
    (await invoke(sessionRoute.loader, get(`/api/export/session/${id}?include_signals=true`, tokens.therapist), { sessionId: id }))
      .body as SessionExport;
  /** The newest export-history row of that format. */
  const history = async (format: string) =>
    (
      await t.db.query<{ kind: string; format: string; session_ids: string[] }>(
        "select kind, format, session_ids from export_history where format = $1 order by created_at desc limit 1",
        [format],
      )
    ).rows[0];

  beforeAll(async () => {
    therapist = await insertUser(t.db, "therapist", { displayName: "Dr. Report Writer" });
    const other = await insertUser(t.db, "therapist");
    const researcher = await insertUser(t.db, "researcher");
    const admin = await insertUser(t.db, "admin");
    for (const [role, user] of [
      ["therapist", therapist],
      ["other", other],
      ["researcher", researcher],
      ["admin", admin],
    ] as const) {
      tokens[role] = (await createApiToken(user, "reports", { db: t.db })).token;
    }
    const options = { db: t.db, storage: createFileStorage(path.join(t.tempDir, "uploads")) };
    const a = analyzeC3d(bytesOf(FILE_A), { ...parseAnalysisOptions(SETTING_B), sourceFilename: FILE_A });
    const b = analyzeC3d(bytesOf(FILE_B), { ...parseAnalysisOptions(SETTING_B), sourceFilename: FILE_B });
    sessions.push((await storeAnalysis(therapist, { patientCode: "P200", analysis: a, bytes: bytesOf(FILE_A) }, options)).sessionId);
    sessions.push((await storeAnalysis(therapist, { patientCode: "P200", analysis: b, bytes: bytesOf(FILE_B) }, options)).sessionId);
    // Many more sessions for the batch workbook: twelve more patients with the same two recordings
    // (a patient keeps one session per file).
    for (let i = 0; i < 12; i++) {
      for (const [analysis, file] of [
        [a, FILE_A],
        [b, FILE_B],
      ] as const) {
        sessions.push(
          (await storeAnalysis(therapist, { patientCode: `P3${String(i).padStart(2, "0")}`, analysis, bytes: bytesOf(file) }, options))
            .sessionId,
        );
      }
    }
    expect(new Set(sessions).size).toBe(26);
  });

  describe("GET /api/export/session/:id?format=pdf", () => {
    it("answers the session report: 1–3 pages that render, with the JSON export's values as text", async () => {
      const id = sessions[0];
      const answer = await download(sessionRoute.loader, get(`/api/export/session/${id}?format=pdf`, tokens.therapist), { sessionId: id });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("Content-Type")).toBe("application/pdf");
      expect(answer.headers.get("Content-Disposition")).toContain(`filename="session_${id}_report.pdf"`);
      expect(answer.headers.get("Cache-Control")).toBe("no-store");
      const file = saved(answer.bytes, "session.pdf");
      const pages = pdfPageCount(file);
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(pages).toBeLessThanOrEqual(3);
      expect(renderPdfPages(file, mkdtempSync(path.join(dir, "pages-")))).toHaveLength(pages);

      const exp = await jsonOf(id);
      const text = pdfText(file);
      const s = exp.session!;
      for (const expected of [s.patient_code!, s.session_code!, s.source_filename!, s.file_sha256!, "Dr. Report Writer"])
        expect(text).toContain(expected);
      const p = exp.performance_scores!;
      for (const score of [p.overall_score, p.compliance_score, p.symmetry_score, p.effort_score, p.game_score])
        expect(text).toContain(score!.toFixed(1));
      for (const side of ["left_muscle", "right_muscle"] as const) {
        const leg = exp.compliance_breakdown![side];
        expect(text).toContain(`${leg.contraction_count} (${leg.expected_contractions})`);
        expect(text).toContain(`${(exp.channels![leg.channel!].mvc_value! * 1e6).toFixed(1)} µV`);
      }
      // The plots are drawn from the stored envelopes, which this session has.
      expect(text).not.toContain("The export has no envelope");
      expect(await history("pdf")).toMatchObject({ kind: "session", format: "pdf" });
    });

    it("gives researchers a pseudonymised report: no therapist identity", async () => {
      const id = sessions[0];
      const answer = await download(sessionRoute.loader, get(`/api/export/session/${id}?format=pdf`, tokens.researcher), { sessionId: id });
      expect(answer.status).toBe(200);
      const text = pdfText(saved(answer.bytes, "researcher.pdf"));
      expect(text).toContain("P200");
      expect(text).not.toContain("Dr. Report Writer");
      expect(text).not.toContain("Therapist");
    });

    it("answers 404 for another therapist's session and 400 for options a report does not take", async () => {
      const id = sessions[0];
      const before = (await t.db.query<{ n: number }>("select count(*)::int as n from export_history")).rows[0].n;
      expect(await invoke(sessionRoute.loader, get(`/api/export/session/${id}?format=pdf`, tokens.other), { sessionId: id })).toMatchObject(
        { status: 404, body: { field: "sessionId" } },
      );
      expect(
        await invoke(sessionRoute.loader, get(`/api/export/session/${id}?format=pdf&table=contractions`, tokens.therapist), {
          sessionId: id,
        }),
      ).toMatchObject({ status: 400, body: { field: "table" } });
      expect(
        await invoke(sessionRoute.loader, get(`/api/export/session/${id}?format=docx`, tokens.therapist), { sessionId: id }),
      ).toMatchObject({ status: 400, body: { field: "format" } });
      const config = getConfig();
      config.USE_ENHANCED_EXPORT = false;
      try {
        expect(
          await invoke(sessionRoute.loader, get(`/api/export/session/${id}?format=xlsx`, tokens.therapist), { sessionId: id }),
        ).toMatchObject({ status: 400, body: { field: "format" } });
      } finally {
        config.USE_ENHANCED_EXPORT = true;
      }
      expect((await t.db.query<{ n: number }>("select count(*)::int as n from export_history")).rows[0].n).toBe(before);
    });
  });

  describe("GET /api/export/session/:id?format=xlsx", () => {
    it("answers the workbook whose cells are the JSON export's values", async () => {
      const id = sessions[1];
      const answer = await download(sessionRoute.loader, get(`/api/export/session/${id}?format=xlsx`, tokens.therapist), { sessionId: id });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      expect(answer.headers.get("Content-Disposition")).toContain(`filename="session_${id}_export.xlsx"`);
      const book = readWorkbook(saved(answer.bytes, "session.xlsx"));
      const row = toCsvRow(await jsonOf(id));
      expect(book.session.header).toEqual(Object.keys(row));
      book.session.header.forEach((column, i) => {
        if (typeof row[column] === "number") expect(book.session.rows[0][i], column).toBe(row[column]);
      });
      expect(book.contractions.rows.length).toBe((await jsonOf(id)).contractions!.length);
      expect(await history("xlsx")).toMatchObject({ kind: "session", format: "xlsx" });
    });
  });

  describe("GET /api/export/sessions?format=xlsx", () => {
    it("streams every visible session as a workbook row and every contraction, and records them", async () => {
      const answer = await download(batchRoute.loader, get("/api/export/sessions?format=xlsx", tokens.researcher));
      expect(answer.status).toBe(200);
      expect(answer.headers.get("Content-Disposition")).toMatch(/filename="sessions_export_\d{4}-\d{2}-\d{2}\.xlsx"/);
      const book = readWorkbook(saved(answer.bytes, "batch.xlsx"));
      const ids = book.sessions.rows.map((r) => r[book.sessions.header.indexOf("session_id")] as string);
      expect([...ids].sort()).toEqual([...sessions].sort());
      const jsonList = (await invoke(batchRoute.loader, get("/api/export/sessions?format=json", tokens.researcher)))
        .body as SessionExport[];
      for (const exp of jsonList) {
        const row = toCsvRow(exp, { channelSlots: 2 });
        const got = book.sessions.rows[ids.indexOf(exp.export_metadata.session_id!)];
        book.sessions.header.forEach((column, i) => {
          if (typeof row[column] === "number") expect(got[i], column).toBe(row[column]);
        });
        expect(got[book.sessions.header.indexOf("session_therapist")]).toBeNull();
      }
      expect(book.contractions.rows.length).toBe(jsonList.reduce((n, e) => n + e.contractions!.length, 0));
      // The history row is written when the stream ends.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const recorded = await history("xlsx");
      expect(recorded).toMatchObject({ kind: "batch", format: "xlsx" });
      expect(recorded.session_ids.map(String).sort()).toEqual([...sessions].sort());
    });

    it("keeps the filters and refuses pdf and table with 400", async () => {
      const answer = await download(batchRoute.loader, get("/api/export/sessions?format=xlsx&patient=P200", tokens.therapist));
      const book = readWorkbook(saved(answer.bytes, "p200.xlsx"));
      expect(book.sessions.rows.map((r) => r[book.sessions.header.indexOf("session_id")]).sort()).toEqual(sessions.slice(0, 2).sort());
      expect(await invoke(batchRoute.loader, get("/api/export/sessions?format=pdf", tokens.therapist))).toMatchObject({
        status: 400,
        body: { field: "format" },
      });
      expect(await invoke(batchRoute.loader, get("/api/export/sessions?format=xlsx&table=contractions", tokens.therapist))).toMatchObject({
        status: 400,
        body: { field: "table" },
      });
    });
  });

  describe("GET /api/export/patient/:code?format=pdf", () => {
    it("reports the patient's sessions oldest first with their scores, for the therapist and for an admin", async () => {
      for (const token of [tokens.therapist, tokens.admin]) {
        const answer = await download(patientRoute.loader, get("/api/export/patient/P200?format=pdf", token), { code: "P200" });
        expect(answer.status).toBe(200);
        expect(answer.headers.get("Content-Disposition")).toContain('filename="patient_P200_report.pdf"');
        const file = saved(answer.bytes, "patient.pdf");
        const pages = pdfPageCount(file);
        expect(renderPdfPages(file, mkdtempSync(path.join(dir, "patient-pages-")))).toHaveLength(pages);
        const text = pdfText(file);
        const [first, second] = [await jsonOf(sessions[0]), await jsonOf(sessions[1])]; // 2023-03-21, then 2023-10-04
        for (const exp of [first, second]) {
          expect(text).toContain(exp.session!.session_code!);
          expect(text).toContain(exp.performance_scores!.overall_score!.toFixed(1));
        }
        expect(text.indexOf(first.session!.session_code!)).toBeLessThan(text.indexOf(second.session!.session_code!));
        expect(text).not.toContain((await jsonOf(sessions[2])).session!.session_code!); // another patient's
      }
      const recorded = await history("pdf");
      expect(recorded).toMatchObject({ kind: "patient", format: "pdf" });
      expect(recorded.session_ids.map(String).sort()).toEqual(sessions.slice(0, 2).sort());
    });

    it("keeps to the period and gives researchers the report without therapist identity", async () => {
      const answer = await download(patientRoute.loader, get("/api/export/patient/P200?format=pdf&from=2023-06-01", tokens.researcher), {
        code: "P200",
      });
      expect(answer.status).toBe(200);
      const text = pdfText(saved(answer.bytes, "period.pdf"));
      const later = await jsonOf(sessions[1]);
      const earlier = await jsonOf(sessions[0]);
      expect(text).toContain(later.session!.session_code!);
      expect(text).not.toContain(earlier.session!.session_code!);
      expect(text).toContain("from 2023-06-01");
      expect(text).not.toContain("Dr. Report Writer");
    });

    it("answers 404 for a patient the caller does not treat or that does not exist, 400 for a bad format or date, 401 anonymous", async () => {
      expect(await invoke(patientRoute.loader, get("/api/export/patient/P200?format=pdf", tokens.other), { code: "P200" })).toMatchObject({
        status: 404,
        body: { field: "code" },
      });
      expect(await invoke(patientRoute.loader, get("/api/export/patient/P999?format=pdf", tokens.admin), { code: "P999" })).toMatchObject({
        status: 404,
      });
      expect(
        await invoke(patientRoute.loader, get("/api/export/patient/P200?format=csv", tokens.therapist), { code: "P200" }),
      ).toMatchObject({ status: 400, body: { field: "format" } });
      expect(
        await invoke(patientRoute.loader, get("/api/export/patient/P200?from=01-06-2023", tokens.therapist), { code: "P200" }),
      ).toMatchObject({ status: 400, body: { field: "from" } });
      expect((await invoke(patientRoute.loader, get("/api/export/patient/P200"), { code: "P200" })).status).toBe(401);
    });
  });

  describe("POST /api/export with export_format=pdf|xlsx", () => {
    it("answers the upload's report and workbook under the uploaded name", async () => {
      for (const format of ["pdf", "xlsx"] as const) {
        const form = new FormData();
        form.append("file", new File([bytesOf(FILE_A)], FILE_A, { type: "application/octet-stream" }));
        form.append("export_format", format);
        const request = new Request(`${BASE}/api/export`, {
          method: "POST",
          body: form,
          headers: { Authorization: `Bearer ${tokens.therapist}` },
        });
        const answer = await download(uploadRoute.action, request);
        expect(answer.status).toBe(200);
        const name = format === "pdf" ? "Ghostly_Emg_20230321_17-23-09-0409_report.pdf" : "Ghostly_Emg_20230321_17-23-09-0409_export.xlsx";
        expect(answer.headers.get("Content-Disposition")).toContain(`filename="${name}"`);
        const file = saved(answer.bytes, name);
        if (format === "pdf") expect(pdfText(file)).toContain(FILE_A);
        else expect(readWorkbook(file).session.rows[0][2]).toBeNull(); // session_id: not stored
      }
    });
  });
});
