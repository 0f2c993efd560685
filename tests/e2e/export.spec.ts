/**
 * The export API on the BUILT server, as a script uses it: a session uploaded through the page is
 * exported with an API token (no cookie) as JSON, one-row CSV and contractions CSV — the CSV row
 * un-flattens to the JSON's scalars (papaparse bundled into the server build) — and streamed in a
 * batch; the JSON Schema is served; bad requests get their status.
 */
import { request as playwrightRequest } from "@playwright/test";
import Papa from "papaparse";
import { unflattenCsvRow } from "../../app/lib/export/csv";
import { sessionExportSchema } from "../../app/lib/export/schema";
import { expect, test } from "./support/auth";
import { GHOSTLY, expectExportMatchesReference, fixturePath, pipelineReference, uniquePatientCode } from "./support/web";

function scalars(value: unknown, p = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(value)) return out;
  if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) scalars(v, p ? `${p}.${k}` : k, out);
  else out[p] = value;
  return out;
}

test("a stored session exported with a Bearer token: JSON, CSV, contractions, batch", async ({ page, signIn, baseURL }) => {
  const ref = pipelineReference(GHOSTLY.fifth);
  const patient = uniquePatientCode();
  await signIn("therapist", "exporter");
  await page.goto("/sessions/new");
  await page.getByLabel("C3D file").setInputFiles(fixturePath(GHOSTLY.fifth));
  await page.getByLabel("or a new patient code").fill(patient);
  await page.getByRole("button", { name: "Upload and analyse" }).click();
  await page.waitForURL(/\/sessions\/[0-9a-f-]{36}(\?.*)?$/);
  const sessionId = new URL(page.url()).pathname.split("/").pop()!;

  await page.goto("/account/tokens");
  await page.getByLabel("Name (what the token is for)").fill("export e2e");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByTestId("new-token").inputValue();
  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  try {
    const json = await api.get(`/api/export/session/${sessionId}?format=json`);
    expect(json.status()).toBe(200);
    expect(json.headers()["content-type"]).toBe("application/json; charset=utf-8");
    expect(json.headers()["cache-control"]).toBe("no-store");
    expect(json.headers()["content-disposition"]).toContain(`filename="session_${sessionId}_export.json"`);
    const exp = sessionExportSchema.parse(await json.json());
    expect(exp.export_metadata.session_id).toBe(sessionId);
    expect(exp.session?.patient_code).toBe(patient);
    expectExportMatchesReference(exp, ref);

    const csv = await api.get(`/api/export/session/${sessionId}?format=csv`);
    expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers()["content-disposition"]).toContain(`filename="session_${sessionId}_export.csv"`);
    const rows = Papa.parse<Record<string, string>>(await csv.text(), { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(1);
    const { export_metadata: _a, ...fromCsv } = unflattenCsvRow(rows[0]);
    const { export_metadata: _b, ...fromJson } = exp;
    expect(scalars(fromCsv)).toEqual(scalars(fromJson));

    const table = await api.get(`/api/export/session/${sessionId}?format=csv&table=contractions`);
    expect(table.headers()["content-disposition"]).toContain(`filename="session_${sessionId}_contractions.csv"`);
    const contractions = Papa.parse<Record<string, string>>(await table.text(), { header: true, skipEmptyLines: true }).data;
    expect(contractions.map((c) => [c.session_id, c.channel, Number(c.index)])).toEqual(
      (exp.contractions ?? []).map((c) => [sessionId, c.channel, c.index]),
    );

    const batch = await api.get(`/api/export/sessions?patient=${patient}&format=json`);
    expect(batch.status()).toBe(200);
    expect(batch.headers()["content-disposition"]).toMatch(/filename="sessions_export_\d{4}-\d{2}-\d{2}\.json"/);
    const list = (await batch.json()) as { export_metadata: { session_id: string } }[];
    expect(list.map((e) => e.export_metadata.session_id)).toEqual([sessionId]);

    expect((await api.get(`/api/export/session/${sessionId}?format=docx`)).status()).toBe(400);
    expect((await api.get(`/api/export/session/00000000-0000-4000-8000-000000000000`)).status()).toBe(404);
  } finally {
    await api.dispose();
  }
  const anonymous = await playwrightRequest.newContext({ baseURL });
  try {
    expect((await anonymous.get(`/api/export/session/${sessionId}`)).status()).toBe(401);
    const schema = await anonymous.get("/api/export/schema.json");
    expect(schema.status()).toBe(200);
    expect(Object.keys((await schema.json()).properties)).toContain("contractions");
  } finally {
    await anonymous.dispose();
  }
});
