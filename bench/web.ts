/**
 * `npm run bench -- web [baseUrl] [runs]`: against a running, built app (default
 * http://localhost:3300, 5 runs), in Chromium with JavaScript:
 * - upload-to-review: click "Upload and analyse" for the 2.87 MB GHOSTLY fixture → the review page
 *   shows the overall score (XHR upload, server analysis + store, navigation, hydration);
 * - the review page's transferred bytes on a cold cache (document + scripts + styles), summed from
 *   Chromium's Network.loadingFinished encodedDataLength (what went over the wire, compressed).
 * Each run uploads a distinct copy (one MARKER_SET character changed) for a new patient, so no run
 * is answered by the duplicate shortcut.
 */
import { chromium, type Page } from "@playwright/test";
import { signInAs } from "../tests/e2e/support/auth";
import { GHOSTLY, distinctC3d, uniquePatientCode } from "../tests/e2e/support/web";

const LAUNCH = {
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function transferred(page: Page, url: string): Promise<{ total: number; document: number; requests: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const sizes = new Map<string, number>();
  let documentId = "";
  cdp.on("Network.responseReceived", (e) => {
    if (e.type === "Document") documentId = e.requestId;
  });
  cdp.on("Network.loadingFinished", (e) => sizes.set(e.requestId, e.encodedDataLength));
  await page.goto(url, { waitUntil: "networkidle" });
  await page.getByTestId("plot-CH1").and(page.locator("[data-ready=true]")).waitFor();
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  return { total, document: sizes.get(documentId) ?? 0, requests: sizes.size };
}

export default async function web(args: string[]): Promise<void> {
  const baseURL = args[0] ?? "http://localhost:3300";
  const runs = Number(args[1] ?? 5);
  const browser = await chromium.launch(LAUNCH);
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signInAs(page, "therapist", { name: "bench" });
  const times: number[] = [];
  let reviewUrl = "";
  for (let run = 0; run < runs; run++) {
    await page.goto("/sessions/new");
    await page.getByLabel("C3D file").setInputFiles({
      name: GHOSTLY.large,
      mimeType: "application/octet-stream",
      buffer: distinctC3d(GHOSTLY.large, 500 + run + (Date.now() % 400)),
    });
    await page.getByLabel("or a new patient code").fill(uniquePatientCode());
    const t0 = performance.now();
    await page.getByRole("button", { name: "Upload and analyse" }).click();
    await page.waitForURL(/\/sessions\/[0-9a-f-]{36}/);
    await page.getByTestId("overall-score").waitFor();
    await page.getByTestId("plot-CH1").and(page.locator("[data-ready=true]")).waitFor();
    times.push(performance.now() - t0);
    reviewUrl = page.url();
  }
  console.log(
    `upload-to-review, ${GHOSTLY.large} (2.87 MB), ${runs} runs: median ${median(times).toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(", ")})`,
  );
  const size = await transferred(page, reviewUrl);
  console.log(
    `review page transferred (cold cache): ${(size.total / 1024).toFixed(1)} KiB in ${size.requests} requests; HTML document ${(size.document / 1024).toFixed(1)} KiB`,
  );
  await browser.close();
}
