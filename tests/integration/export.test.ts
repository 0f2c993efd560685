/**
 * The export resource routes, called directly with real Requests against both database drivers
 * (PGlite and a real PostgreSQL server): a stored session and an upload exported as JSON and CSV,
 * the batch stream, every error status (400/401/404/413/422), the export history, and that an
 * error leaves nothing behind.
 */
import { NON_DOCUMENT_CSP } from "~/lib/server/http/security-headers.server";
import { readFileSync } from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeC3d, parseAnalysisOptions } from "~/lib/analysis";
import { unflattenCsvRow } from "~/lib/export";
import { sessionExportSchema, type SessionExport } from "~/lib/export/schema";
import type { Caller } from "~/lib/server/auth/caller.server";
import { getConfig } from "~/lib/server/http/config.server";
import { storeAnalysis } from "~/lib/server/repositories/sessions/write.server";
import { createFileStorage } from "~/lib/server/storage/blobs.server";
import { createApiToken } from "~/lib/server/auth/api-tokens.server";
import * as uploadRoute from "~/routes/api.export";
import * as schemaRoute from "~/routes/api.export_.schema[.]json";
import * as sessionRoute from "~/routes/api.export_.session.$sessionId";
import * as batchRoute from "~/routes/api.export_.sessions";
import { forEachDriver } from "../support/databases";
import { insertUser } from "../support/users";
import { checkEveryField } from "../unit/export/spec-fields";
import { BASE, invoke, useAsAppDb } from "./auth-harness";

// Read once per process by getConfig(): 2 MB lets the 1.2 MB fixtures in and keeps the 2.9 MB one out.
process.env.MAX_UPLOAD_MB = "2";

const FIXTURES = path.resolve("tests/fixtures/c3d");
const FILE_A = "Ghostly_Emg_20230321_17-23-09-0409.c3d";
const FILE_B = "Ghostly_Emg_20230321_17-28-14-0160.c3d";
const BIG_FILE = "Ghostly_Emg_20230321_17-50-17-0881.c3d"; // 2.87 MB
const SETTING_B = { rpe_post_session: "5", bfr_pressure_aop: "50", game_points_max: "30", timing_source: "envelope" };

const bytesOf = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));

function get(pathname: string, token?: string): Request {
  return new Request(BASE + pathname, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
}

function upload(fields: Record<string, string>, file: { name: string; bytes: Uint8Array } | null, token?: string): Request {
  const form = new FormData();
  if (file) form.append("file", new File([file.bytes as BlobPart], file.name, { type: "application/octet-stream" }));
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return new Request(`${BASE}/api/export`, { method: "POST", body: form, headers: token ? { Authorization: `Bearer ${token}` } : {} });
}

function parseCsv(text: string): Record<string, string>[] {
  const result = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  expect(result.errors).toEqual([]);
  return result.data;
}

function scalars(value: unknown, p = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(value)) return out;
  if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) scalars(v, p ? `${p}.${k}` : k, out);
  else out[p] = value;
  return out;
}

forEachDriver("export routes", (t) => {
  useAsAppDb(t);
  let therapist: Caller;
  let researcher: Caller;
  const tokens: Record<"therapist" | "other" | "researcher", string> = { therapist: "", other: "", researcher: "" };
  let sessionA: string;
  let sessionB: string;
  let analysisA: ReturnType<typeof analyzeC3d>;

  const count = async (table: string) => (await t.db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0].n;

  beforeAll(async () => {
    therapist = await insertUser(t.db, "therapist", { displayName: "Dr. Export" });
    const other = await insertUser(t.db, "therapist");
    researcher = await insertUser(t.db, "researcher");
    tokens.therapist = (await createApiToken(therapist, "script", { db: t.db })).token;
    tokens.other = (await createApiToken(other, "script", { db: t.db })).token;
    tokens.researcher = (await createApiToken(researcher, "cohort", { db: t.db })).token;
    const options = { db: t.db, storage: createFileStorage(path.join(t.tempDir, "uploads")) };
    analysisA = analyzeC3d(bytesOf(FILE_A), { ...parseAnalysisOptions(SETTING_B), sourceFilename: FILE_A });
    sessionA = (await storeAnalysis(therapist, { patientCode: "P100", analysis: analysisA, bytes: bytesOf(FILE_A) }, options)).sessionId;
    const analysisB = analyzeC3d(bytesOf(FILE_B), { sourceFilename: FILE_B });
    sessionB = (await storeAnalysis(therapist, { patientCode: "P101", analysis: analysisB, bytes: bytesOf(FILE_B) }, options)).sessionId;
  });

  describe("GET /api/export/session/:id", () => {
    it("answers the stored session as JSON with every section and field of docs/export.md", async () => {
      const before = await count("export_history");
      const answer = await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}?format=json`, tokens.therapist), {
        sessionId: sessionA,
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
      expect(answer.headers.get("Content-Disposition")).toContain(`filename="session_${sessionA}_export.json"`);
      expect(answer.headers.get("Cache-Control")).toBe("no-store");
      const exp = sessionExportSchema.parse(answer.body);
      checkEveryField(exp);
      expect(exp.errors).toBeUndefined();
      expect(exp.export_metadata.session_id).toBe(sessionA);
      expect(exp.session).toMatchObject({ patient_code: "P100", therapist: "Dr. Export", source_filename: FILE_A });
      // The stored session exports exactly what the analysis computed.
      for (const key of [
        "performance_scores",
        "compliance_breakdown",
        "processing_parameters",
        "session_parameters",
        "channels",
        "contractions",
      ] as const) {
        expect(exp[key], key).toEqual(JSON.parse(JSON.stringify(analysisA[key])));
      }
      expect(await count("export_history")).toBe(before + 1);
      const { rows } = await t.db.query<{ kind: string; format: string; session_ids: string[] }>(
        "select kind, format, session_ids from export_history order by created_at desc limit 1",
      );
      expect(rows[0]).toMatchObject({ kind: "session", format: "json" });
      expect(rows[0].session_ids.map(String)).toEqual([sessionA]);
    });

    it("answers CSV whose row un-flattens to the JSON's scalars, and the contractions table equal to the JSON list", async () => {
      const json = (await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}`, tokens.therapist), { sessionId: sessionA }))
        .body as SessionExport;
      const csv = await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}?format=csv`, tokens.therapist), {
        sessionId: sessionA,
      });
      expect(csv.status).toBe(200);
      expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
      expect(csv.headers.get("Content-Disposition")).toContain(`filename="session_${sessionA}_export.csv"`);
      const rows = parseCsv(csv.body as string);
      expect(rows).toHaveLength(1);
      const { export_metadata: _csvMeta, ...csvRest } = unflattenCsvRow(rows[0]);
      const { export_metadata: _jsonMeta, ...jsonRest } = json;
      expect(scalars(csvRest)).toEqual(scalars(jsonRest));
      expect(rows[0].session_id).toBe(sessionA);

      const table = await invoke(
        sessionRoute.loader,
        get(`/api/export/session/${sessionA}?format=csv&table=contractions`, tokens.therapist),
        { sessionId: sessionA },
      );
      expect(table.headers.get("Content-Disposition")).toContain(`filename="session_${sessionA}_contractions.csv"`);
      const contractions = parseCsv(table.body as string).map(({ session_id, ...c }) => {
        expect(session_id).toBe(sessionA);
        return Object.fromEntries(
          Object.entries(c).map(([k, v]) => [
            k,
            k === "channel" ? v : v === "true" ? true : v === "false" ? false : v === "" ? null : Number(v),
          ]),
        );
      });
      expect(contractions).toEqual(json.contractions);
    });

    it("answers 400 for a bad format or table, naming the field", async () => {
      const before = await count("export_history");
      const bad = await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}?format=xml`, tokens.therapist), {
        sessionId: sessionA,
      });
      expect(bad).toMatchObject({ status: 400, body: { error: 'format must be json, csv, pdf or xlsx, got "xml"', field: "format" } });
      const table = await invoke(
        sessionRoute.loader,
        get(`/api/export/session/${sessionA}?format=json&table=contractions`, tokens.therapist),
        { sessionId: sessionA },
      );
      expect(table).toMatchObject({ status: 400, body: { field: "table" } });
      expect(await count("export_history")).toBe(before);
    });

    it("carries the security headers on every answer: 200, 400 and the thrown 401", async () => {
      const answers = [
        await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}?format=csv`, tokens.therapist), { sessionId: sessionA }),
        await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}?format=xml`, tokens.therapist), { sessionId: sessionA }),
        await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}`), { sessionId: sessionA }),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 400, 401]);
      for (const answer of answers) {
        expect(answer.headers.get("Content-Security-Policy")).toBe(NON_DOCUMENT_CSP);
        expect(answer.headers.get("X-Content-Type-Options")).toBe("nosniff");
        expect(answer.headers.get("Referrer-Policy")).toBe("same-origin");
        expect(answer.headers.get("Cache-Control")).toContain("no-store");
      }
    });

    it("answers 401 without credentials or with a bad token", async () => {
      expect((await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}`), { sessionId: sessionA })).status).toBe(401);
      expect(
        (await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}`, "ghostly_pat_nope"), { sessionId: sessionA })).status,
      ).toBe(401);
    });

    it("answers 404 for an unknown id, a malformed id, and another therapist's session", async () => {
      const unknown = "00000000-0000-4000-8000-000000000000";
      for (const [id, token] of [
        [unknown, tokens.therapist],
        ["not-a-uuid", tokens.therapist],
        [sessionA, tokens.other],
      ]) {
        const answer = await invoke(sessionRoute.loader, get(`/api/export/session/${id}`, token), { sessionId: id });
        expect(answer).toMatchObject({ status: 404, body: { field: "sessionId" } });
      }
    });

    it("reads an upper-case session id as the same session (UUIDs are case-insensitive)", async () => {
      const upper = sessionA.toUpperCase();
      const answer = await invoke(sessionRoute.loader, get(`/api/export/session/${upper}?format=json`, tokens.therapist), {
        sessionId: upper,
      });
      expect(answer.status).toBe(200);
      expect((answer.body as SessionExport).export_metadata.session_id).toBe(sessionA);
    });

    it("gives the minimal export when USE_ENHANCED_EXPORT is off", async () => {
      const config = getConfig();
      config.USE_ENHANCED_EXPORT = false;
      try {
        const answer = await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}`, tokens.therapist), { sessionId: sessionA });
        expect(Object.keys(answer.body as object)).toEqual(["export_metadata", "performance_scores", "scoring_configuration"]);
        const csv = parseCsv(
          (await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}?format=csv`, tokens.therapist), { sessionId: sessionA }))
            .body as string,
        );
        expect(Object.keys(csv[0]).some((c) => c.startsWith("emg_") || c.startsWith("data_"))).toBe(false);
        // The minimal export has no contractions: asking for that table is a 400 naming it, not a mislabelled file.
        const table = await invoke(
          sessionRoute.loader,
          get(`/api/export/session/${sessionA}?format=csv&table=contractions`, tokens.therapist),
          { sessionId: sessionA },
        );
        expect(table).toMatchObject({ status: 400, body: { field: "table" } });
      } finally {
        config.USE_ENHANCED_EXPORT = true;
      }
    });
  });

  describe("GET /api/export/sessions (batch)", () => {
    it("streams one CSV row per visible session, newest first, with the one-row CSV's columns", async () => {
      const answer = await invoke(batchRoute.loader, get("/api/export/sessions?format=csv", tokens.researcher));
      expect(answer.status).toBe(200);
      expect(answer.headers.get("Content-Disposition")).toMatch(/filename="sessions_export_\d{4}-\d{2}-\d{2}\.csv"/);
      const rows = parseCsv(answer.body as string);
      expect(rows.map((r) => r.session_id).sort()).toEqual([sessionA, sessionB].sort());
      const single = parseCsv(
        (await invoke(sessionRoute.loader, get(`/api/export/session/${sessionA}?format=csv`, tokens.researcher), { sessionId: sessionA }))
          .body as string,
      )[0];
      expect(Object.keys(rows[0])).toEqual(Object.keys(single));
      // Researchers see pseudonymised sessions: patient codes, no therapist.
      expect(rows.find((r) => r.session_id === sessionA)).toMatchObject({
        session_patient_code: "P100",
        session_therapist: "",
        performance_overall_score: single.performance_overall_score,
      });
      const { rows: history } = await t.db.query<{ kind: string; session_ids: string[] }>(
        "select kind, session_ids from export_history where kind = 'batch' order by created_at desc limit 1",
      );
      expect(history).toHaveLength(1);
      expect(history[0].session_ids.map(String).sort()).toEqual([sessionA, sessionB].sort());
    });

    it("filters by patient and date range, streams JSON as an array, and answers 400 for a bad date", async () => {
      const one = parseCsv(
        (await invoke(batchRoute.loader, get("/api/export/sessions?patient=P101&format=csv", tokens.researcher))).body as string,
      );
      expect(one.map((r) => r.session_id)).toEqual([sessionB]);
      const none = await invoke(batchRoute.loader, get("/api/export/sessions?from=2030-01-01&format=csv", tokens.researcher));
      expect((none.body as string).split("\n").filter(Boolean)).toHaveLength(1); // header only
      const json = await invoke(batchRoute.loader, get("/api/export/sessions?format=json&to=2023-03-21", tokens.researcher));
      const list = json.body as SessionExport[];
      expect(list.map((e) => e.export_metadata.session_id).sort()).toEqual([sessionA, sessionB].sort());
      list.forEach((e) => sessionExportSchema.parse(e));
      const bad = await invoke(batchRoute.loader, get("/api/export/sessions?from=21-03-2023", tokens.researcher));
      expect(bad).toMatchObject({ status: 400, body: { field: "from" } });
      // Year 0 does not exist (PostgreSQL refuses it: it was a 500), and 30 February is not rolled over.
      for (const [query, field] of [
        ["from=0000-01-01", "from"],
        ["to=0000-01-01T00:00", "to"],
        ["to=2024-02-30", "to"],
      ] as const) {
        expect(await invoke(batchRoute.loader, get(`/api/export/sessions?${query}`, tokens.researcher)), query).toMatchObject({
          status: 400,
          body: { field },
        });
      }
      const order = await invoke(batchRoute.loader, get("/api/export/sessions?from=2024-01-01&to=2023-01-01", tokens.researcher));
      expect(order).toMatchObject({ status: 400, body: { field: "from" } });
      expect((await invoke(batchRoute.loader, get("/api/export/sessions"))).status).toBe(401);
    });
  });

  describe("POST /api/export (upload, not stored)", () => {
    it("analyses the upload and answers the export with session_id null under the uploaded name", async () => {
      const sessions = await count("therapy_sessions");
      const answer = await invoke(uploadRoute.action, upload({ ...SETTING_B }, { name: FILE_A, bytes: bytesOf(FILE_A) }, tokens.therapist));
      expect(answer.status).toBe(200);
      expect(answer.headers.get("Content-Disposition")).toContain(`filename="Ghostly_Emg_20230321_17-23-09-0409_export.json"`);
      const exp = sessionExportSchema.parse(answer.body);
      checkEveryField(exp);
      expect(exp.export_metadata.session_id).toBeNull();
      expect(exp.session?.source_filename).toBe(FILE_A);
      expect(exp.performance_scores).toEqual(analysisA.performance_scores);
      expect(await count("therapy_sessions")).toBe(sessions);
    });

    it("answers CSV (row parity with its JSON) and signals/debug only when asked", async () => {
      const csv = await invoke(
        uploadRoute.action,
        upload({ export_format: "csv" }, { name: FILE_A, bytes: bytesOf(FILE_A) }, tokens.therapist),
      );
      expect(csv.headers.get("Content-Disposition")).toContain(`filename="Ghostly_Emg_20230321_17-23-09-0409_export.csv"`);
      const row = parseCsv(csv.body as string)[0];
      expect(row.session_id).toBe("");
      const json = await invoke(
        uploadRoute.action,
        upload(
          { include_raw_signals: "true", include_debug_info: "true", signal_decimation: "10" },
          { name: FILE_A, bytes: bytesOf(FILE_A) },
          tokens.therapist,
        ),
      );
      const exp = json.body as SessionExport;
      const { export_metadata: _a, ...fromCsv } = unflattenCsvRow(row);
      const { export_metadata: _b, signals, debug, ...fromJson } = exp;
      expect(scalars(fromCsv)).toEqual(scalars(fromJson));
      expect(signals?.CH1.envelope.values.length).toBeGreaterThan(0);
      // 1.2 MB file: 74 280 samples per channel (reference checks.bandpass.n), every 10th kept.
      expect(signals?.CH1.raw).toHaveLength(Math.ceil(74280 / 10));
      expect(signals?.CH1.bandpassed).toHaveLength(Math.ceil(74280 / 10));
      expect(debug?.c3d_metadata).toBeTruthy();
    });

    it("answers 400/401/413/422 with a message, and records and stores nothing", async () => {
      const history = await count("export_history");
      const sessions = await count("therapy_sessions");
      const file = { name: FILE_A, bytes: bytesOf(FILE_A) };
      expect(await invoke(uploadRoute.action, upload({}, file))).toMatchObject({ status: 401 });
      expect(await invoke(uploadRoute.action, upload({ rpe_post_session: "11" }, file, tokens.therapist))).toMatchObject({
        status: 400,
        body: { field: "rpe_post_session", error: expect.stringContaining("between 0 and 10") },
      });
      expect(await invoke(uploadRoute.action, upload({ export_format: "xml" }, file, tokens.therapist))).toMatchObject({
        status: 400,
        body: { field: "export_format" },
      });
      expect(await invoke(uploadRoute.action, upload({}, null, tokens.therapist))).toMatchObject({ status: 400, body: { field: "file" } });
      const big = await invoke(uploadRoute.action, upload({}, { name: BIG_FILE, bytes: bytesOf(BIG_FILE) }, tokens.therapist));
      expect(big).toMatchObject({ status: 413, body: { field: "file", error: expect.stringContaining("2 MB") } });
      const notC3d = await invoke(
        uploadRoute.action,
        upload({}, { name: "notes.c3d", bytes: new TextEncoder().encode("this is not a C3D file at all, just text") }, tokens.therapist),
      );
      expect(notC3d).toMatchObject({
        status: 422,
        body: { field: "file", error: expect.stringMatching(/notes\.c3d: C3D .* at byte \d+/) },
      });
      const noEmg = await invoke(uploadRoute.action, upload({}, { name: "Walk1.c3d", bytes: bytesOf("Walk1.c3d") }, tokens.therapist));
      expect(noEmg).toMatchObject({ status: 422, body: { error: expect.stringContaining("no EMG channel") } });
      expect(await count("export_history")).toBe(history);
      expect(await count("therapy_sessions")).toBe(sessions);
    });
  });

  it("serves the export contract as JSON Schema", async () => {
    const answer = await invoke(schemaRoute.loader, get("/api/export/schema.json"));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Content-Type")).toBe("application/schema+json; charset=utf-8");
    const schema = answer.body as { properties: Record<string, { description?: string }> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["export_metadata", "channels", "contractions"]));
    expect(schema.properties.performance_scores.description).toMatch(/scores/i);
  });

  afterAll(() => {
    getConfig().USE_ENHANCED_EXPORT = true;
  });
});
