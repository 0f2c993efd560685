/**
 * Quick analysis (/analyze): nothing stored, the review components shown from the upload's
 * export, and downloads rendered in the browser by the same renderer module the server uses —
 * so they equal POST /api/export of the same file (only export_timestamp differs).
 */
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { expect, test } from "./support/auth";
import {
  GHOSTLY,
  downloadText,
  expectExportMatchesReference,
  expectReviewShowsReference,
  fixturePath,
  pipelineReference,
  visibleSessionCount,
} from "./support/web";

/** The CSV row without its export_timestamp cell (the one value that differs between two exports). */
function rowWithoutTimestamp(csv: string): Record<string, string> {
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  expect(parsed.data).toHaveLength(1);
  const { export_timestamp: _ignored, ...rest } = parsed.data[0];
  return rest;
}

test("quick analysis shows the result, stores nothing, and its browser downloads equal the server export", async ({
  page,
  signIn,
}, testInfo) => {
  const file = GHOSTLY.small;
  const ref = pipelineReference(file);
  await signIn("therapist", "analyze");
  const before = await visibleSessionCount(page);

  await page.goto("/analyze");
  await page.getByLabel("C3D file").setInputFiles(fixturePath(file));
  await page.getByRole("button", { name: "Analyse" }).click();
  await expect(page.getByTestId("analysis-result")).toBeVisible();
  await expectReviewShowsReference(page, ref);
  await expect(page.getByTestId("plot-CH2")).toHaveAttribute("data-ready", "true");
  await page.screenshot({ path: testInfo.outputPath("analyze-page.png"), fullPage: true });
  expect(await visibleSessionCount(page), "quick analysis stores nothing").toBe(before);

  const json = await downloadText(page, () => page.getByTestId("download-json").click());
  expect(json.download.suggestedFilename()).toBe("Ghostly_Emg_20230321_17-23-09-0409_export.json");
  const csv = await downloadText(page, () => page.getByTestId("download-csv").click());
  const contractions = await downloadText(page, () => page.getByTestId("download-contractions-csv").click());
  const browserExport = JSON.parse(json.text);
  expect(browserExport.export_metadata.session_id).toBeNull();
  expectExportMatchesReference(browserExport, ref);

  const upload = (format: "json" | "csv", table?: string) =>
    page.request.post("/api/export", {
      multipart: {
        file: { name: file, mimeType: "application/octet-stream", buffer: readFileSync(fixturePath(file)) },
        export_format: format,
        ...(table ? { table } : {}),
      },
    });
  const serverJson = await upload("json");
  expect(serverJson.status()).toBe(200);
  const serverExport = await serverJson.json();
  for (const exp of [browserExport, serverExport]) delete exp.export_metadata.export_timestamp;
  expect(browserExport).toEqual(serverExport);

  const serverCsv = await upload("csv");
  expect(serverCsv.status()).toBe(200);
  expect(rowWithoutTimestamp(csv.text)).toEqual(rowWithoutTimestamp(await serverCsv.text()));

  const serverContractions = await upload("csv", "contractions");
  expect(serverContractions.status()).toBe(200);
  expect(contractions.text).toBe(await serverContractions.text());
});

test("quick analysis reports an unreadable file beside the file field", async ({ page, signIn }) => {
  await signIn("therapist", "analyze");
  await page.goto("/analyze");
  await page.getByLabel("C3D file").setInputFiles({ name: "empty.c3d", mimeType: "application/octet-stream", buffer: Buffer.alloc(600) });
  await page.getByRole("button", { name: "Analyse" }).click();
  await expect(page.locator("[data-field-error=file]")).toContainText('"empty.c3d" cannot be read as C3D');
  await expect(page.getByTestId("analysis-result")).toHaveCount(0);
});
