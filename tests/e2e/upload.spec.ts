/**
 * Uploading a real GHOSTLY recording through /sessions/new, with JavaScript (drag-and-drop
 * capable form, XHR upload with a progress bar, then navigation) and without it (plain multipart
 * POST answered by a redirect). Either way the review page and the files behind its download
 * links must show the independent reference values of tests/fixtures/reference/pipeline.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "./support/auth";
import {
  GHOSTLY,
  downloadText,
  expectCsvMatchesReference,
  expectExportMatchesReference,
  expectReviewShowsReference,
  fixturePath,
  pipelineReference,
  uniquePatientCode,
} from "./support/web";

const SESSION_URL = /\/sessions\/[0-9a-f-]{36}(\?.*)?$/;

test.describe("with JavaScript", () => {
  test("upload shows progress, then the review page matches the reference, and so do its downloads", async ({ page, signIn }, testInfo) => {
    const ref = pipelineReference(GHOSTLY.small);
    await signIn("therapist", "upload");
    await page.goto("/sessions/new");
    await page.screenshot({ path: testInfo.outputPath("upload-page.png"), fullPage: true });

    // Throttle the upload (≈1 MB/s) so the progress bar has time to be seen moving.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1_000_000 });

    await page.getByLabel("C3D file").setInputFiles(fixturePath(GHOSTLY.small));
    await page.getByLabel("or a new patient code").fill(uniquePatientCode());
    await page.getByRole("button", { name: "Upload and analyse" }).click();
    const progress = page.getByTestId("upload-progress");
    await expect(progress).toBeVisible();
    await expect
      .poll(async () => Number(await progress.getAttribute("value")), { message: "progress advances past 0 %" })
      .toBeGreaterThan(0);
    await page.waitForURL(SESSION_URL);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    await expectReviewShowsReference(page, ref);
    // Hydrated: the recorded time is now in the viewer's zone, and uPlot drew each channel.
    await expect(page.locator("time[data-local=true]").first()).toBeVisible();
    await expect(page.getByTestId("plot-CH1")).toHaveAttribute("data-ready", "true");
    await expect(page.locator("[data-testid=plot-CH1] canvas")).toHaveCount(1);
    await page.screenshot({ path: testInfo.outputPath("review-page.png"), fullPage: true });

    // Zoom to a time range from the keyboard-usable form; the whole-session button resets.
    const range = page.getByTestId("plot-CH1-range");
    // The envelope spans window centres: the reference's K = 1484 windows, hop 50 samples at 990 Hz,
    // first centre 49.5 ms → last centre 0.0495 + 1483·50/990 = 74.95 s.
    await expect(range).toContainText("Showing 0.0 s to 74.9 s of 74.9 s");
    const zoom = page.getByRole("form", { name: "Zoom CH1 (left leg)" });
    await zoom.getByLabel("From (s)").fill("10");
    await zoom.getByLabel("To (s)").fill("20");
    await zoom.getByRole("button", { name: "Zoom" }).click();
    await expect(range).toContainText("Showing 10.0 s to 20.0 s");
    await zoom.getByRole("button", { name: "Whole session" }).click();
    await expect(range).toContainText("Showing 0.0 s to 74.9 s");

    const json = await downloadText(page, () => page.getByTestId("download-json").click());
    const sessionId = new URL(page.url()).pathname.split("/").pop()!;
    expect(json.download.suggestedFilename()).toBe(`session_${sessionId}_export.json`);
    const exp = JSON.parse(json.text);
    expect(exp.export_metadata.session_id).toBe(sessionId);
    expect(exp.session.source_filename).toBe(GHOSTLY.small);
    expectExportMatchesReference(exp, ref);

    const csv = await downloadText(page, () => page.getByTestId("download-csv").click());
    expect(csv.download.suggestedFilename()).toBe(`session_${sessionId}_export.csv`);
    expectCsvMatchesReference(csv.text, ref);

    const contractions = await downloadText(page, () => page.getByTestId("download-contractions-csv").click());
    const lines = contractions.text.trim().split("\n");
    expect(lines.length - 1, "one CSV row per contraction").toBe(ref.contractions.length);
  });

  test("a file dropped on the zone is uploaded like a chosen one", async ({ page, signIn }) => {
    await signIn("therapist", "upload");
    await page.goto("/sessions/new");
    const bytes = readFileSync(fixturePath(GHOSTLY.fourth)).toString("base64");
    // A real DataTransfer with the file, dispatched as a drop on the zone.
    const transfer = await page.evaluateHandle(
      ({ b64, name }) => {
        const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([raw], name, { type: "application/octet-stream" }));
        return dt;
      },
      { b64: bytes, name: GHOSTLY.fourth },
    );
    await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer: transfer });
    await expect(page.getByText(`Selected: ${GHOSTLY.fourth}`)).toBeVisible();
    await page.getByLabel("or a new patient code").fill(uniquePatientCode());
    await page.getByRole("button", { name: "Upload and analyse" }).click();
    await page.waitForURL(SESSION_URL);
    await expectReviewShowsReference(page, pipelineReference(GHOSTLY.fourth));
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the plain form posts, redirects, and the review page and downloads match the reference", async ({ page, signIn }, testInfo) => {
    const ref = pipelineReference(GHOSTLY.second);
    await signIn("therapist", "upload");
    await page.goto("/sessions/new");
    await page.getByLabel("C3D file").setInputFiles(fixturePath(GHOSTLY.second));
    await page.getByLabel("or a new patient code").fill(uniquePatientCode());
    await page.getByRole("button", { name: "Upload and analyse" }).click();
    await page.waitForURL(SESSION_URL);
    await expectReviewShowsReference(page, ref);
    // No JavaScript: the time stays the ISO value and the plot is replaced by its table.
    await expect(page.locator("time[data-local=false]").first()).toBeVisible();
    await expect(page.getByText("The interactive plot needs JavaScript").first()).toBeVisible();
    // …and by its server-rendered SVG: one per channel of the reference, with one band per
    // contraction of that channel, named as an image whose text alternative is the table.
    const channels = Object.keys((ref as unknown as { channels: Record<string, unknown> }).channels);
    expect(channels, "the reference's channels").toEqual(["CH1", "CH2"]);
    await expect(page.locator("svg.envelope-svg")).toHaveCount(channels.length);
    for (const channel of channels) {
      const svg = page.getByTestId(`plot-${channel}-svg`);
      await expect(svg).toHaveAttribute("role", "img");
      await expect(svg).toHaveAttribute("aria-describedby", `contractions-${channel}`);
      await expect(svg.locator("rect.band")).toHaveCount(ref.contractions.filter((c) => c.channel === channel).length);
    }
    await page.screenshot({ path: testInfo.outputPath("review-page-no-js.png"), fullPage: true });

    // Downloads are plain links: fetch them with the page's cookies.
    const jsonHref = await page.getByTestId("download-json").getAttribute("href");
    const csvHref = await page.getByTestId("download-csv").getAttribute("href");
    const json = await page.request.get(jsonHref!);
    expect(json.status()).toBe(200);
    expectExportMatchesReference(await json.json(), ref);
    const csv = await page.request.get(csvHref!);
    expect(csv.status()).toBe(200);
    expectCsvMatchesReference(await csv.text(), ref);
  });
});
